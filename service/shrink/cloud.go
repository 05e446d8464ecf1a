package shrink

import (
	"context"
	"time"

	lxd "github.com/canonical/lxd/client"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/microceph"
	"github.com/microcloud-project/microcloud/service/microovn"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/service/setup"
)

// reachTimeout bounds the question whether a member answers: a powered-off
// machine must not hold up removal or status.
const reachTimeout = 3 * time.Second

// Cloud is Services over the local microcloudd and, through it, the
// members' (setup.Cloud).
type Cloud struct {
	*setup.Cloud
}

// NewCloud reaches the members (name to address) from the local member.
func NewCloud(local *client.Client, localName string, members map[string]string) Cloud {
	return Cloud{setup.NewCloud(local, plan.Plan{Initiator: localName}, members)}
}

// Service implements Services.
func (c Cloud) Service(ctx context.Context, member string, t types.ServiceType) (service.Service, error) {
	return c.Cloud.Service(ctx, member, t)
}

// LXD implements Services.
func (c Cloud) LXD(ctx context.Context, member string) (lxd.InstanceServer, error) {
	return c.Cloud.LXD(ctx, member)
}

// Ceph implements Services.
func (c Cloud) Ceph(ctx context.Context, member string) (Ceph, error) {
	mc, err := c.MicroclusterClient(member, types.MicroCeph)
	if err != nil {
		return nil, err
	}

	return microceph.New(mc), nil
}

// OVN implements Services.
func (c Cloud) OVN(ctx context.Context, member string) (OVN, error) {
	mc, err := c.MicroclusterClient(member, types.MicroOVN)
	if err != nil {
		return nil, err
	}

	return microovn.New(mc), nil
}

// Admin implements Services.
func (c Cloud) Admin(member string) (Admin, error) {
	return c.Client(member)
}

// Reachable implements Services.
func (c Cloud) Reachable(ctx context.Context, member string) bool {
	cl, err := c.Client(member)
	if err != nil {
		return false
	}

	ctx, cancel := context.WithTimeout(ctx, reachTimeout)
	defer cancel()
	_, err = cl.Status(ctx)
	return err == nil
}
