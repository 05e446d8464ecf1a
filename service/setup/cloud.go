package setup

import (
	"context"
	"fmt"
	"sync"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/plan"
)

// Cloud reaches every system of a plan through the initiator's microcloudd:
// the initiator's services through its control socket, the others' through
// their microcloudd over mutual TLS once they are MicroCloud members.
type Cloud struct {
	local     *client.Client
	initiator string
	addresses map[string]string

	mu      sync.Mutex
	remotes map[string]*client.Client
}

// NewCloud prepares connections for a plan.
func NewCloud(local *client.Client, p plan.Plan, existing map[string]string) *Cloud {
	c := &Cloud{local: local, initiator: p.Initiator, addresses: map[string]string{}, remotes: map[string]*client.Client{}}
	for name, addr := range existing {
		c.addresses[name] = addr
	}

	for _, s := range p.Systems {
		c.addresses[s.Name] = s.Address
	}

	return c
}

// Local is the initiator's microcloudd.
func (c *Cloud) Local() *client.Client {
	return c.local
}

// Client returns a system's microcloudd.
func (c *Cloud) Client(name string) (*client.Client, error) {
	if name == c.initiator {
		return c.local, nil
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.remotes[name]; ok {
		return r, nil
	}

	addr, ok := c.addresses[name]
	if !ok {
		return nil, fmt.Errorf("Unknown system %q", name)
	}

	r, err := c.local.Remote(service.Address(types.MicroCloud, addr))
	if err != nil {
		return nil, err
	}

	c.remotes[name] = r
	return r, nil
}

// Service returns one service of one system.
func (c *Cloud) Service(ctx context.Context, name string, t types.ServiceType) (service.Service, error) {
	cl, err := c.Client(name)
	if err != nil {
		return nil, err
	}

	switch t {
	case types.LXD:
		lc, err := cl.LXD(ctx)
		if err != nil {
			return nil, fmt.Errorf("Cannot reach LXD on %s: %w", name, err)
		}

		return service.NewLXD(lc), nil
	case types.MicroOVN, types.MicroCeph:
		app, err := cl.MicroclusterApp(t)
		if err != nil {
			return nil, err
		}

		return service.NewMicrocluster(t, app), nil
	case types.MicroCloud:
		if name != c.initiator {
			return nil, fmt.Errorf("MicroCloud is managed from the initiator")
		}

		return service.NewMicrocluster(t, cl.App()), nil
	}

	return nil, fmt.Errorf("Unknown service %q", t)
}
