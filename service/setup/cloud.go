package setup

import (
	"context"
	"fmt"
	"sync"

	lxd "github.com/canonical/lxd/client"
	mcclient "github.com/canonical/microcluster/v2/client"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/microceph"
	"github.com/microcloud-project/microcloud/service/microovn"
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

// OVNPKI implements Services: the initiator's microcloudd reads MicroOVN's
// client certificate.
func (c *Cloud) OVNPKI(ctx context.Context) (*types.OVNPKI, error) {
	return c.local.OVNPKI(ctx)
}

// Chassis implements Services.
func (c *Cloud) Chassis(ctx context.Context, southbound string) ([]types.OVNChassis, error) {
	report, err := c.local.OVN(ctx, southbound)
	if err != nil {
		return nil, err
	}

	return report.Chassis, nil
}

// EncapIP implements Services.
func (c *Cloud) EncapIP(ctx context.Context, system string) (string, error) {
	cl, err := c.Client(system)
	if err != nil {
		return "", err
	}

	return cl.OVNEncapIP(ctx)
}

// OVNRoutersForLXD implements Services.
func (c *Cloud) OVNRoutersForLXD(ctx context.Context, system string) ([]string, error) {
	cl, err := c.Client(system)
	if err != nil {
		return nil, err
	}

	out, err := cl.OVNRoutersForLXD(ctx)
	if err != nil {
		return nil, err
	}

	return out.Routers, nil
}

// PlaceOVNPKIForLXD implements Services.
func (c *Cloud) PlaceOVNPKIForLXD(ctx context.Context, system string) error {
	cl, err := c.Client(system)
	if err != nil {
		return err
	}

	_, err = cl.PlaceOVNPKIForLXD(ctx)
	return err
}

// RecordSettings implements Services.
func (c *Cloud) RecordSettings(ctx context.Context, settings types.MemberSettings) error {
	return c.local.SetSettings(ctx, settings)
}

// DrainingRequests implements Services.
func (c *Cloud) DrainingRequests(ctx context.Context, system string) (int64, error) {
	cl, err := c.Client(system)
	if err != nil {
		return 0, err
	}

	return cl.DrainingRequests(ctx)
}

// LXD implements Services.
func (c *Cloud) LXD(ctx context.Context, name string) (lxd.InstanceServer, error) {
	cl, err := c.Client(name)
	if err != nil {
		return nil, err
	}

	lc, err := cl.LXD(ctx)
	if err != nil {
		return nil, fmt.Errorf("Cannot reach LXD on %s: %w", name, err)
	}

	return lc, nil
}

// Ceph implements Services.
func (c *Cloud) Ceph(ctx context.Context, name string) (CephAdmin, error) {
	mc, err := c.microclusterClient(name, types.MicroCeph)
	if err != nil {
		return nil, err
	}

	return microceph.New(mc), nil
}

// OVN implements Services.
func (c *Cloud) OVN(ctx context.Context, name string) (OVNAdmin, error) {
	mc, err := c.microclusterClient(name, types.MicroOVN)
	if err != nil {
		return nil, err
	}

	return microovn.New(mc), nil
}

// microclusterClient is a client of a microcluster service on a system.
func (c *Cloud) microclusterClient(name string, t types.ServiceType) (*mcclient.Client, error) {
	cl, err := c.Client(name)
	if err != nil {
		return nil, err
	}

	app, err := cl.MicroclusterApp(t)
	if err != nil {
		return nil, err
	}

	return app.LocalClient()
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
		lc, err := c.LXD(ctx, name)
		if err != nil {
			return nil, err
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

// MicroclusterClient is a client of a microcluster service (MicroOVN,
// MicroCeph) on a system, through that system's microcloudd.
func (c *Cloud) MicroclusterClient(name string, t types.ServiceType) (*mcclient.Client, error) {
	return c.microclusterClient(name, t)
}
