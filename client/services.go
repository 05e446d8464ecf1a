package client

import (
	"context"
	"fmt"
	"net"
	"net/http"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/microcluster/v2/microcluster"

	"github.com/microcloud-project/microcloud/api/types"
)

// MicroclusterApp returns a microcluster handle whose every call (status,
// members, tokens, bootstrap, join, /1.0 endpoints) goes through the tunnel
// to a microcluster-based service (MicroOVN or MicroCeph) on the daemon's
// machine. It is the same client the service's own CLI uses.
func (c *Client) MicroclusterApp(svc types.ServiceType) (*microcluster.MicroCluster, error) {
	if svc != types.MicroOVN && svc != types.MicroCeph {
		return nil, fmt.Errorf("%s is not a microcluster service", svc)
	}

	mc, err := c.app.LocalClient()
	if err != nil {
		return nil, err
	}

	// The URL stays http://control.socket: the tunnel ends on the service's
	// control socket, where microcluster expects exactly that.
	mc.Transport = c.TunnelTransport(svc)

	// The state dir only anchors the handle; with Client set, microcluster
	// never opens its socket.
	return microcluster.App(microcluster.Args{StateDir: c.stateDir, Client: mc})
}

// LXD returns an LXD client whose connections go through the tunnel to LXD
// on the daemon's machine, with LXD's own paths, operations and events.
func (c *Client) LXD(ctx context.Context) (lxd.InstanceServer, error) {
	return lxd.ConnectLXDUnixWithContext(ctx, "lxd.tunnel", &lxd.ConnectionArgs{
		TransportWrapper: func(t *http.Transport) lxd.HTTPTransporter {
			t.DialContext = func(ctx context.Context, _ string, _ string) (net.Conn, error) {
				return c.DialTunnel(ctx, types.LXD)
			}

			t.DisableKeepAlives = false
			return transportWrapper{t}
		},
	})
}

// transportWrapper satisfies lxd.HTTPTransporter: LXD's websocket dialer
// reuses the wrapped transport's DialContext, so event streams take the
// tunnel too.
type transportWrapper struct {
	t *http.Transport
}

func (w transportWrapper) RoundTrip(r *http.Request) (*http.Response, error) {
	return w.t.RoundTrip(r)
}

func (w transportWrapper) Transport() *http.Transport {
	return w.t
}
