// Package shrink removes members from a MicroCloud: from every service, in
// an order that keeps each one healthy (LXD first, then MicroCeph and
// MicroOVN, MicroCloud last), live members through their services' own
// removal and dead ones without contacting them.
package shrink

import (
	"context"

	lxd "github.com/canonical/lxd/client"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/microceph"
	"github.com/microcloud-project/microcloud/service/microovn"
)

// Ceph is what removal asks of MicroCeph beyond membership.
type Ceph interface {
	OSDs(ctx context.Context) ([]microceph.Disk, error)
	Pools(ctx context.Context) ([]microceph.Pool, error)
	SetPoolSize(ctx context.Context, pools []string, size int64) error
	RemoveDisk(ctx context.Context, member string, req microceph.DisksDelete) error
	Services(ctx context.Context) ([]microceph.Service, error)
	EnableService(ctx context.Context, member string, service string) error
}

// OVN is what removal asks of MicroOVN beyond membership.
type OVN interface {
	Services(ctx context.Context) ([]microovn.ServiceEntry, error)
	EnableService(ctx context.Context, member string, name string) error
}

// Admin is a member's microcloudd running Ceph's and OVN's own tools.
type Admin interface {
	ForgetCeph(ctx context.Context, f types.Forget) ([]string, error)
	ForgetOVN(ctx context.Context, f types.Forget) ([]string, error)
}

// Services reaches the members' services. Every call goes to a surviving
// member; a removed member is contacted only through its services'
// own removal (which the service's leader drives).
type Services interface {
	Service(ctx context.Context, member string, t types.ServiceType) (service.Service, error)
	LXD(ctx context.Context, member string) (lxd.InstanceServer, error)
	Ceph(ctx context.Context, member string) (Ceph, error)
	OVN(ctx context.Context, member string) (OVN, error)
	Admin(member string) (Admin, error)
	// Reachable reports whether a member's microcloudd answers.
	Reachable(ctx context.Context, member string) bool
}
