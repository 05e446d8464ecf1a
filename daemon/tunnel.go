package daemon

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
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

		go splice(conn, buf, backend)
		return nil
	})
}

// splice copies both ways until either side closes, then closes both.
// Bytes the HTTP server had already buffered from the client go first.
func splice(client net.Conn, buffered io.Reader, backend net.Conn) {
	var once sync.Once
	closeBoth := func() {
		_ = client.Close()
		_ = backend.Close()
	}

	done := make(chan struct{}, 2)
	go func() {
		_, err := io.Copy(backend, io.MultiReader(buffered, client))
		if err != nil {
			logger.Debug("Tunnel client side ended", logger.Ctx{"err": err})
		}

		// Half-close so the service sees EOF but can still answer.
		if uc, ok := backend.(*net.UnixConn); ok {
			_ = uc.CloseWrite()
		}

		done <- struct{}{}
	}()

	go func() {
		_, _ = io.Copy(client, backend)
		once.Do(closeBoth)
		done <- struct{}{}
	}()

	<-done
	<-done
	once.Do(closeBoth)
}
