package setup

import (
	"context"
	"time"

	lxd "github.com/canonical/lxd/client"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/microceph"
	"github.com/microcloud-project/microcloud/service/microovn"
)

// The executor reaches every service through small roles: membership
// (service.Service) for the four clusters, and per service what it does
// beyond that. Cloud implements them over microcloudd; unit tests of the
// phases use fakes.

// CephAdmin is what the executor does to MicroCeph beyond membership.
type CephAdmin interface {
	OSDs(ctx context.Context) ([]microceph.Disk, error)
	AddDisk(ctx context.Context, member string, d microceph.DisksPost) error
	SetReplication(ctx context.Context, size int64) error
}

// OVNAdmin is what the executor asks MicroOVN beyond membership.
type OVNAdmin interface {
	Services(ctx context.Context) ([]microovn.ServiceEntry, error)
}

// Services reaches the services of every system of a plan.
type Services interface {
	// Service is one system's service, for membership.
	Service(ctx context.Context, system string, t types.ServiceType) (service.Service, error)

	// Ceph and OVN are MicroCeph's and MicroOVN's own calls through a
	// system; LXD is a system's LXD (the initiator's speaks for the
	// cluster).
	Ceph(ctx context.Context, system string) (CephAdmin, error)
	OVN(ctx context.Context, system string) (OVNAdmin, error)
	LXD(ctx context.Context, system string) (lxd.InstanceServer, error)

	// OVNPKI is the client certificate MicroOVN made on the initiator, for
	// an LXD that takes it as configuration.
	OVNPKI(ctx context.Context) (*types.OVNPKI, error)

	// Chassis lists OVN's chassis as its southbound database has them
	// (read on the initiator: its central's socket, else southbound).
	Chassis(ctx context.Context, southbound string) ([]types.OVNChassis, error)

	// EncapIP is the encapsulation IP a system's chassis is set up with,
	// as its own Open vSwitch database has it.
	EncapIP(ctx context.Context, system string) (string, error)

	// DrainingRequests counts the requests an interrupted run left under
	// way in a system's services (their client left before the answer).
	DrainingRequests(ctx context.Context, system string) (int64, error)

	// PlaceOVNPKIForLXD puts a system's MicroOVN client PKI where its LXD
	// reads it when LXD takes none as configuration (no ovn_ssl_config).
	PlaceOVNPKIForLXD(ctx context.Context, system string) error

	// OVNRoutersForLXD lists OVN's logical routers as a system's LXD
	// reaches the northbound database (its connection and certificates).
	OVNRoutersForLXD(ctx context.Context, system string) ([]string, error)

	// RecordSettings keeps what members were set up with in MicroCloud's
	// database.
	RecordSettings(ctx context.Context, settings types.MemberSettings) error
}

// Timing bounds the waits of a run. The zero value means the defaults;
// unit tests shorten them.
type Timing struct {
	// JoinSettle bounds the wait for a join an interrupted run left
	// running (LXD joins in the background).
	JoinSettle time.Duration
	// MemberWait bounds the wait for a system that joined MicroCloud to
	// appear among its members.
	MemberWait time.Duration
	// ObjectSettle bounds the wait for an LXD pool or network create an
	// interrupted run left running; ObjectPoll is how often it looks.
	ObjectSettle time.Duration
	ObjectPoll   time.Duration
	// MemberPoll is how often a member list is read while waiting.
	MemberPoll time.Duration
	// JoinRetries is how often a failed join is tried again once the
	// service has undone it; JoinRetryWait is how long a service must
	// answer as unclustered to count as settled after a reset.
	JoinRetries   int
	JoinRetryWait time.Duration
	// ForeignSettle bounds how long preflight waits for a clustered system
	// that the cluster does not list to show whether it is joining it.
	ForeignSettle time.Duration
}

// withDefaults fills in what is unset.
func (t Timing) withDefaults() Timing {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}

	def(&t.JoinSettle, 2*time.Minute)
	def(&t.MemberWait, time.Minute)
	def(&t.ObjectSettle, 90*time.Second)
	def(&t.ObjectPoll, time.Second)
	def(&t.MemberPoll, 200*time.Millisecond)
	def(&t.JoinRetryWait, 3*time.Second)
	def(&t.ForeignSettle, 15*time.Second)
	if t.JoinRetries <= 0 {
		t.JoinRetries = 3
	}

	return t
}
