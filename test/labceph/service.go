// Package labceph is the lab's MicroCeph: a microcluster daemon with
// MicroCeph's state layout, initConfig keys and /1.0 API (service/microceph),
// driving the Debian Ceph packages. Each member runs ceph-mon and ceph-mgr
// if it is among the first three, and file-backed (or, where a node has
// one, block-device) bluestore OSDs for the disks added to it.
package labceph

import (
	"context"
	"os"
	"sync"

	"github.com/canonical/lxd/shared/logger"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"

	"github.com/microcloud-project/microcloud/test/labsvc"
	labversion "github.com/microcloud-project/microcloud/version"
)

// Ceph is one member's lab MicroCeph.
type Ceph struct {
	layout Layout

	// mu serialises everything that changes this member's Ceph daemons
	// or files: hooks, disk operations and the supervisor.
	mu sync.Mutex

	// leaving is set once the member has given up its Ceph (PreRemove):
	// the supervisor must not bring files or daemons back before
	// microcluster resets and re-executes the daemon.
	leaving bool
}

// New builds the service for labsvc.Main.
func New(ctx context.Context, dirs labsvc.Dirs) (*labsvc.Service, error) {
	cephVersion, err := installedVersion(ctx)
	if err != nil {
		return nil, err
	}

	version := MicroCephVersion(cephVersion, labversion.Commit())

	c := &Ceph{layout: NewLayout(dirs)}
	for _, dir := range []string{c.layout.Conf, c.layout.Run} {
		err = os.MkdirAll(dir, 0o711)
		if err != nil {
			return nil, err
		}
	}

	if !privateEtcCeph(c.layout.EtcCeph) {
		logger.Warn("/etc/ceph is not a lab node's private directory: it is left untouched", logger.Ctx{"dir": c.layout.EtcCeph})
		c.layout.EtcCeph = ""
	}

	return &labsvc.Service{
		Version: version,
		Servers: map[string]rest.Server{
			"microceph": {
				CoreAPI:   true,
				ServeUnix: true,
				Resources: []rest.Resources{{PathPrefix: "1.0", Endpoints: c.endpoints()}},
			},
		},
		Schema: schemaUpdates,
		Hooks: &state.Hooks{
			PreInit:       c.preInit,
			PostBootstrap: c.postBootstrap,
			PostJoin:      c.postJoin,
			OnStart:       c.onStart,
			PreRemove:     c.preRemove,
			PostRemove:    c.postRemove,
		},
	}, nil
}
