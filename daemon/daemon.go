// Package api is microcloudd: the microcluster app that runs on every machine,
// and its /1.0 REST endpoints. It serves them on the control socket and, once
// the machine belongs to a MicroCloud, over mTLS on the cluster address.
package daemon

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/canonical/lxd/shared/logger"
	"github.com/canonical/microcluster/v2/microcluster"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/daemon/session"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/version"
)

// Config is how microcloudd was asked to run.
type Config struct {
	Paths   service.Paths
	Verbose bool
	Debug   bool

	// HeartbeatInterval is microcluster's heartbeat; 0 means its default (10 s).
	HeartbeatInterval time.Duration

	// WatchInterval is how often service sockets are checked for services
	// appearing or disappearing.
	WatchInterval time.Duration

	// SessionAddress is where peers reach this daemon before it belongs to
	// a MicroCloud ("[::]:9443"); empty disables the listener.
	SessionAddress string

	// ServiceControl is the program that stops and starts this machine's
	// daemons for a recovery ("PROGRAM stop|start DAEMON"); empty: the
	// snaps' systemd units.
	ServiceControl string
}

// DefaultPort is MicroCloud's port.
const DefaultPort = 9443

// Daemon holds what the endpoint handlers share.
type Daemon struct {
	config   Config
	sessions *session.Manager

	mu    sync.Mutex
	state state.State

	// recovering serialises recovery steps: a step goes on to its end when
	// the command that asked for it is killed, and a re-run's step waits
	// for it rather than stopping and starting the same daemons at once.
	recovering sync.Mutex

	// draining counts the tunnel requests whose client left before the
	// answer (see splice): a re-run waits for them to end.
	draining atomic.Int64
}

// Run starts microcloudd and blocks until it stops (SIGTERM, SIGINT, SIGQUIT,
// SIGPWR or a shutdown request).
func Run(ctx context.Context, config Config) error {
	err := checkStateDir(config.Paths.MicroCloudStateDir)
	if err != nil {
		return err
	}

	if config.WatchInterval == 0 {
		config.WatchInterval = time.Second
	}

	d := &Daemon{config: config}
	d.sessions, err = d.newSessionManager()
	if err != nil {
		return err
	}

	// A recovery running on another member may have asked this one for
	// its database: the recovered one has to arrive before it starts.
	err = d.awaitHandover(ctx)
	if err != nil {
		return err
	}

	app, err := microcluster.App(microcluster.Args{StateDir: config.Paths.MicroCloudStateDir})
	if err != nil {
		return err
	}

	return app.Start(ctx, microcluster.DaemonArgs{
		Verbose:              config.Verbose,
		Debug:                config.Debug,
		PreInitListenAddress: config.SessionAddress,
		Version:              version.Version(),
		HeartbeatInterval:    config.HeartbeatInterval,
		APIExtensions:        version.APIExtensions,
		ExtensionServers:     d.servers(),
		ExtensionsSchema:     schemaUpdates,
		Hooks: &state.Hooks{
			OnStart: d.onStart,
		},
	})
}

// checkStateDir refuses a state dir path that exists but is not a directory,
// with an error that says so instead of a mkdir failure deep in microcluster.
func checkStateDir(dir string) error {
	if dir == "" {
		return fmt.Errorf("No state directory given (--state-dir)")
	}

	fi, err := os.Stat(dir)
	if err == nil && !fi.IsDir() {
		return fmt.Errorf("State directory %q is not a directory", dir)
	}

	return nil
}

// servers is microcloudd's API: one extension server on the core listener
// (mTLS between members) that is also served on the control socket.
func (d *Daemon) servers() map[string]rest.Server {
	return map[string]rest.Server{
		"microcloud": {
			CoreAPI:   true,
			ServeUnix: true,
			Resources: []rest.Resources{{
				PathPrefix: types.APIVersion,
				Endpoints: append(append([]rest.Endpoint{
					d.servicesEndpoint(),
					d.systemEndpoint(),
					d.tunnelEndpoint(),
					d.tunnelsEndpoint(),
					d.sessionEndpoint(),
					d.sessionConfirmEndpoint(),
					d.sessionPeersEndpoint(),
					d.ovnPKIEndpoint(),
					d.ovnPKIForLXDEndpoint(),
					d.ovnLXDRoutersEndpoint(),
					d.settingsEndpoint(),
					d.handoverEndpoint(),
				}, d.cephEndpoints()...), append(d.ovnEndpoints(), d.recoverEndpoints()...)...),
			}},
		},
		// Peers reach the session endpoints before this machine belongs to
		// a MicroCloud, on the pre-init listener; they authenticate with the
		// session passphrase, not with certificates.
		"session": {
			CoreAPI: true,
			PreInit: true,
			Resources: []rest.Resources{{
				PathPrefix: types.APIVersion,
				Endpoints:  []rest.Endpoint{d.sessionPeerEndpoint()},
			}},
		},
	}
}

// onStart watches for services being installed or removed, so that the
// machine's advertised service list stays current, and for MicroOVN's
// certificates changing, so that LXD keeps reaching OVN.
func (d *Daemon) onStart(ctx context.Context, s state.State) error {
	d.mu.Lock()
	d.state = s
	d.mu.Unlock()
	go service.Watch(ctx, d.config.Paths, d.config.WatchInterval, func(t types.ServiceType, present bool) {
		if present {
			logger.Info("Service appeared", logger.Ctx{"service": t, "socket": d.config.Paths.Socket(t)})
		} else {
			logger.Warn("Service disappeared", logger.Ctx{"service": t, "socket": d.config.Paths.Socket(t)})
		}
	})

	go d.watchOVNPKI(ctx)

	return nil
}
