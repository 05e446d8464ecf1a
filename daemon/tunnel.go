package daemon

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/lxd/shared/logger"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"
	"github.com/gorilla/mux"

	"github.com/microcloud-project/microcloud/api/types"
)

// GET /1.0/services/{service}/tunnel (Upgrade: microcloud-tunnel) turns the
// connection into a byte stream to the service's own socket on this machine.
//
// Why a tunnel and not a path-rewriting proxy: the clients of LXD and
// microcluster then work unchanged, with their own paths, operations and event
// websockets, whether the service is local (through the control socket) or on
// another member (through mTLS on the cluster address). Access is microcluster's:
// the control socket, or a certificate in the cluster's truststore.
func (d *Daemon) tunnelEndpoint() rest.Endpoint {
	return rest.Endpoint{
		Path:              "services/{service}/tunnel",
		AllowedBeforeInit: true,
		Get:               rest.EndpointAction{Handler: d.tunnelGet},
	}
}

func (d *Daemon) tunnelGet(s state.State, r *http.Request) response.Response {
	svc, ok := types.ParseServiceType(mux.Vars(r)["service"])
	if !ok || svc == types.MicroCloud {
		return response.NotFound(fmt.Errorf("Unknown service %q", mux.Vars(r)["service"]))
	}

	if !strings.EqualFold(r.Header.Get("Upgrade"), types.TunnelProtocol) {
		return response.BadRequest(fmt.Errorf("Missing \"Upgrade: %s\" header", types.TunnelProtocol))
	}

	socket := d.config.Paths.Socket(svc)
	backend, err := net.DialTimeout("unix", socket, 10*time.Second)
	if err != nil {
		return response.SmartError(api.StatusErrorf(http.StatusServiceUnavailable, "%s is not available on %s: %v", svc, s.Name(), err))
	}

	return response.ManualResponse(func(w http.ResponseWriter) error {
		hijacker, ok := w.(http.Hijacker)
		if !ok {
			_ = backend.Close()
			return fmt.Errorf("Connection cannot be hijacked")
		}

		conn, buf, err := hijacker.Hijack()
		if err != nil {
			_ = backend.Close()
			return err
		}

		_ = conn.SetDeadline(time.Time{})
		_, err = fmt.Fprintf(conn, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: %s\r\nConnection: Upgrade\r\n\r\n", types.TunnelProtocol)
		if err != nil {
			_ = conn.Close()
			_ = backend.Close()
			return nil
		}

		go splice(conn, buf, backend, &d.draining)
		return nil
	})
}

// GET /1.0/tunnels says how many requests whose client left are still
// under way in this machine's services.
func (d *Daemon) tunnelsEndpoint() rest.Endpoint {
	return rest.Endpoint{
		Path:              "tunnels",
		AllowedBeforeInit: true,
		Get: rest.EndpointAction{Handler: func(state.State, *http.Request) response.Response {
			return response.SyncResponse(true, types.Tunnels{Draining: d.draining.Load()})
		}},
	}
}

// tunnelDrain bounds how long a tunnel whose client left waits for the
// answer to the request it had sent.
const tunnelDrain = 10 * time.Minute

// splice copies both ways until either side closes, then closes both.
// Bytes the HTTP server had already buffered from the client go first.
//
// A client that leaves while its request is under way (it sent bytes the
// service has not answered yet) does not cut that request short: the
// service's side stays open, untouched, until the answer comes (or
// tunnelDrain passes). Closing or half-closing it would cancel the
// request's context in the service, and a microcluster join cancelled half
// way leaves a member that the cluster no longer lists but that believes
// it is clustered; 'init' and 'add' killed during a join must find it
// finished instead.
func splice(client net.Conn, buffered io.Reader, backend net.Conn, draining *atomic.Int64) {
	var once sync.Once
	closeBoth := func() {
		_ = client.Close()
		_ = backend.Close()
	}

	// pending: the client's last bytes are not answered yet. answered
	// is signalled whenever the service sends something.
	var pending atomic.Bool
	answered := make(chan struct{}, 1)
	done := make(chan struct{}, 2)
	go func() {
		err := copyNoting(backend, io.MultiReader(buffered, client), func() {
			// What the service sent before this request answered an
			// earlier one on the same connection.
			select {
			case <-answered:
			default:
			}

			pending.Store(true)
		})
		if err != nil {
			logger.Debug("Tunnel client side ended", logger.Ctx{"err": err})
		}

		if pending.Load() {
			draining.Add(1)
			defer draining.Add(-1)
			select {
			case <-answered:
			case <-time.After(tunnelDrain):
				logger.Warn("A request whose client left got no answer in time", logger.Ctx{"timeout": tunnelDrain})
			}

			once.Do(closeBoth)
			done <- struct{}{}
			return
		}

		// Half-close so the service sees EOF but can still answer.
		if uc, ok := backend.(*net.UnixConn); ok {
			_ = uc.CloseWrite()
		}

		done <- struct{}{}
	}()

	go func() {
		_ = copyNoting(client, backend, func() {
			pending.Store(false)
			select {
			case answered <- struct{}{}:
			default:
			}
		})
		once.Do(closeBoth)
		done <- struct{}{}
	}()

	<-done
	<-done
	once.Do(closeBoth)
}

// copyNoting copies src to dst like io.Copy, calling seen before each
// chunk it writes.
func copyNoting(dst io.Writer, src io.Reader, seen func()) error {
	buf := make([]byte, 32*1024)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			seen()
			_, werr := dst.Write(buf[:n])
			if werr != nil {
				return werr
			}
		}

		if err == io.EOF {
			return nil
		}

		if err != nil {
			return err
		}
	}
}
