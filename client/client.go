// Package client talks to microcloudd: locally over its control socket, or on
// another member over mTLS. It wraps microcluster's client for microcluster's
// own calls (members, tokens, bootstrap, join) and adds microcloudd's /1.0
// endpoints and service tunnels.
package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/canonical/lxd/shared"
	"github.com/canonical/lxd/shared/api"
	mcclient "github.com/canonical/microcluster/v2/client"
	"github.com/canonical/microcluster/v2/microcluster"
	mctypes "github.com/canonical/microcluster/v2/rest/types"

	"github.com/microcloud-project/microcloud/api/types"
)

// Client reaches one microcloudd.
type Client struct {
	stateDir string
	app      *microcluster.MicroCluster
	mc       *mcclient.Client

	// address is empty for the local daemon.
	address string
	dial    func(ctx context.Context) (net.Conn, error)
}

// ErrNotRunning is returned when the local daemon's control socket is absent
// or refuses connections.
type ErrNotRunning struct {
	StateDir string
}

func (e ErrNotRunning) Error() string {
	return fmt.Sprintf("microcloudd is not running (no daemon answers on %s)", filepath.Join(e.StateDir, "control.socket"))
}

// Local returns a client of the daemon whose state dir is given. It changes
// nothing on disk: a missing or wrong state dir is reported, not created.
func Local(stateDir string) (*Client, error) {
	fi, err := os.Stat(stateDir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrNotRunning{StateDir: stateDir}
		}

		return nil, fmt.Errorf("Cannot read state directory %q: %w", stateDir, err)
	}

	if !fi.IsDir() {
		return nil, fmt.Errorf("State directory %q is not a directory", stateDir)
	}

	socket := filepath.Join(stateDir, "control.socket")
	if _, err := os.Stat(socket); err != nil {
		return nil, ErrNotRunning{StateDir: stateDir}
	}

	app, err := microcluster.App(microcluster.Args{StateDir: stateDir})
	if err != nil {
		return nil, err
	}

	mc, err := app.LocalClient()
	if err != nil {
		return nil, err
	}

	return &Client{
		stateDir: stateDir,
		app:      app,
		mc:       mc,
		dial: func(ctx context.Context) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
	}, nil
}

// Remote returns a client of the microcloudd of another member of this
// machine's cluster, authenticated with this machine's server certificate
// and pinned to the cluster certificate.
func (c *Client) Remote(address string) (*Client, error) {
	mc, err := c.app.RemoteClient(address)
	if err != nil {
		return nil, err
	}

	tlsConfig, err := c.clusterTLSConfig()
	if err != nil {
		return nil, err
	}

	return &Client{
		stateDir: c.stateDir,
		app:      c.app,
		mc:       mc,
		address:  address,
		dial: func(ctx context.Context) (net.Conn, error) {
			d := tls.Dialer{NetDialer: &net.Dialer{Timeout: 10 * time.Second}, Config: tlsConfig}
			return d.DialContext(ctx, "tcp", address)
		},
	}, nil
}

// clusterTLSConfig presents this member's server certificate and trusts only
// the cluster certificate, like microcluster's own member-to-member calls.
// HTTP/1.1 only: tunnels are connection upgrades.
func (c *Client) clusterTLSConfig() (*tls.Config, error) {
	fs := c.app.FileSystem
	cert, err := os.ReadFile(filepath.Join(fs.StateDir, "server.crt"))
	if err != nil {
		return nil, err
	}

	key, err := os.ReadFile(filepath.Join(fs.StateDir, "server.key"))
	if err != nil {
		return nil, err
	}

	cluster, err := os.ReadFile(filepath.Join(fs.StateDir, "cluster.crt"))
	if err != nil {
		return nil, fmt.Errorf("This machine is not part of a MicroCloud yet (no cluster certificate): %w", err)
	}

	tlsConfig, err := shared.GetTLSConfigMem(string(cert), string(key), "", string(cluster), false)
	if err != nil {
		return nil, err
	}

	tlsConfig.NextProtos = []string{"http/1.1"}
	return tlsConfig, nil
}

// App is the microcluster handle of the local state dir, for callers that
// need microcluster's own helpers (NewCluster, JoinCluster, tokens).
func (c *Client) App() *microcluster.MicroCluster {
	return c.app
}

// Microcluster is the underlying microcluster client.
func (c *Client) Microcluster() *mcclient.Client {
	return c.mc
}

// StateDir is the local daemon's state dir.
func (c *Client) StateDir() string {
	return c.stateDir
}

// Status reports the daemon's name, address, version and whether it is
// initialised (GET /core/1.0).
func (c *Client) Status(ctx context.Context) (*Status, error) {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	status := &Status{}
	err := c.mc.Query(ctx, "GET", "core/1.0", nil, nil, status)
	if err != nil {
		return nil, c.explain(err)
	}

	return status, nil
}

// Status is microcluster's GET /core/1.0.
type Status struct {
	Name       string   `json:"name"`
	Address    string   `json:"address"`
	Version    string   `json:"version"`
	Ready      bool     `json:"ready"`
	Extensions []string `json:"extensions"`
}

// WaitReady waits until the daemon has started (not until it is initialised).
func (c *Client) WaitReady(ctx context.Context) error {
	for {
		err := c.mc.CheckReady(ctx)
		if err == nil {
			return nil
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("microcloudd was not ready in time: %w", c.explain(err))
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// Shutdown asks the daemon to stop.
func (c *Client) Shutdown(ctx context.Context) error {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	err := c.mc.ShutdownDaemon(ctx)
	// The daemon may close the connection as it stops, before it answers:
	// that is the shutdown that was asked for, not a failure.
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
		return nil
	}

	return c.explain(err)
}

// Members lists the members of the MicroCloud cluster.
func (c *Client) Members(ctx context.Context) ([]mctypes.ClusterMember, error) {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	members, err := c.mc.GetClusterMembers(ctx)
	return members, c.explain(err)
}

// RemoveMember removes a member from the MicroCloud cluster only.
func (c *Client) RemoveMember(ctx context.Context, name string, force bool) error {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	return c.explain(c.mc.DeleteClusterMember(ctx, name, force))
}

// Bootstrap makes this daemon the first member of a new MicroCloud cluster.
func (c *Client) Bootstrap(ctx context.Context, name string, address string, initConfig map[string]string) error {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	return c.explain(c.app.NewCluster(ctx, name, address, initConfig))
}

// Join makes this daemon join a MicroCloud cluster with a token.
func (c *Client) Join(ctx context.Context, name string, address string, token string, initConfig map[string]string) error {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	return c.explain(c.app.JoinCluster(ctx, name, address, token, initConfig))
}

// NewJoinToken issues a join token for the named machine.
func (c *Client) NewJoinToken(ctx context.Context, name string, expireAfter time.Duration) (string, error) {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	token, err := c.mc.RequestToken(ctx, name, expireAfter)
	return token, c.explain(err)
}

// Services reports the services of the daemon's machine.
func (c *Client) Services(ctx context.Context) ([]types.ServiceState, error) {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	var out []types.ServiceState
	err := c.mc.Query(ctx, "GET", types.APIVersion, api.NewURL().Path("services"), nil, &out)
	return out, c.explain(err)
}

// System reports the interfaces and disks of the daemon's machine.
func (c *Client) System(ctx context.Context) (*types.System, error) {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	out := &types.System{}
	err := c.mc.Query(ctx, "GET", types.APIVersion, api.NewURL().Path("system"), nil, out)
	if err != nil {
		return nil, c.explain(err)
	}

	return out, nil
}

// ErrNotInitialized is returned by calls that need a formed MicroCloud.
var ErrNotInitialized = errors.New("MicroCloud is not initialized yet (run 'microcloud init')")

// explain turns transport failures on the local socket into ErrNotRunning,
// and microcluster's "database not initialized" into ErrNotInitialized.
func (c *Client) explain(err error) error {
	if err == nil {
		return nil
	}

	if api.StatusErrorCheck(err, http.StatusServiceUnavailable) && strings.Contains(err.Error(), "not yet initialized") {
		return ErrNotInitialized
	}

	if c.address == "" && (errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT)) {
		return ErrNotRunning{StateDir: c.stateDir}
	}

	return err
}
