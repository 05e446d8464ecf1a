package daemon

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/microcluster/v2/microcluster"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"
	"github.com/gorilla/mux"

	"github.com/microcloud-project/microcloud/api/types"
	apisession "github.com/microcloud-project/microcloud/daemon/session"
	"github.com/microcloud-project/microcloud/service/inventory"
)

// newSessionManager gives sessions what they need from this daemon: its
// name, port, certificates and services.
func (d *Daemon) newSessionManager() (*apisession.Manager, error) {
	name, err := os.Hostname()
	if err != nil {
		return nil, err
	}

	port := DefaultPort
	if d.config.SessionAddress != "" {
		_, portText, err := net.SplitHostPort(d.config.SessionAddress)
		if err != nil {
			return nil, fmt.Errorf("Invalid session address %q: %w", d.config.SessionAddress, err)
		}

		port, err = strconv.Atoi(portText)
		if err != nil {
			return nil, fmt.Errorf("Invalid session address %q: %w", d.config.SessionAddress, err)
		}
	}

	stateDir := d.config.Paths.MicroCloudStateDir
	return apisession.NewManager(apisession.Config{
		Name: name,
		Port: port,
		Certificate: func() (tls.Certificate, error) {
			return tls.LoadX509KeyPair(filepath.Join(stateDir, "server.crt"), filepath.Join(stateDir, "server.key"))
		},
		ListenerFingerprint: func() (string, error) {
			// Before init the listener presents the server certificate,
			// after it the cluster certificate.
			for _, name := range []string{"cluster.crt", "server.crt"} {
				fp, err := certFileFingerprint(filepath.Join(stateDir, name))
				if err == nil {
					return fp, nil
				}
			}

			return "", errors.New("This daemon has no certificate yet")
		},
		Services: func(ctx context.Context) []types.ServiceState {
			d.mu.Lock()
			s := d.state
			d.mu.Unlock()
			return d.services(ctx, s)
		},
		System: func(ctx context.Context) (*types.System, error) {
			return inventory.Gather(ctx, d.config.Paths.LXDSocket, inventory.KernelProber{})
		},
		Initialized: func(ctx context.Context) bool {
			d.mu.Lock()
			s := d.state
			d.mu.Unlock()
			return s != nil && s.Database().IsOpen(ctx) == nil
		},
		JoinCluster: func(ctx context.Context, name string, address string, token string) error {
			app, err := microcluster.App(microcluster.Args{StateDir: stateDir})
			if err != nil {
				return err
			}

			return app.JoinCluster(ctx, name, address, token, nil)
		},
	}), nil
}

func certFileFingerprint(path string) (string, error) {
	pair, err := tls.LoadX509KeyPair(path, strings.TrimSuffix(path, ".crt")+".key")
	if err != nil {
		return "", err
	}

	return apisession.Fingerprint(pair.Certificate[0]), nil
}

// The session endpoints for the command line are served on the control
// socket only: starting a session or selecting peers is a local decision.
func localOnly(r *http.Request) error {
	if r.TLS != nil {
		return api.StatusErrorf(http.StatusForbidden, "This endpoint is served on the control socket only")
	}

	return nil
}

// /1.0/session: POST starts a session and streams its events (one JSON
// object per line) until it ends; closing the stream ends it. DELETE aborts
// it; GET describes it.
func (d *Daemon) sessionEndpoint() rest.Endpoint {
	return rest.Endpoint{
		Path:              "session",
		AllowedBeforeInit: true,
		Post:              rest.EndpointAction{Handler: d.sessionPost},
		Delete:            rest.EndpointAction{Handler: d.sessionDelete},
		Get:               rest.EndpointAction{Handler: d.sessionGet},
	}
}

func (d *Daemon) sessionPost(s state.State, r *http.Request) response.Response {
	err := localOnly(r)
	if err != nil {
		return response.SmartError(err)
	}

	var req types.SessionStart
	err = json.NewDecoder(r.Body).Decode(&req)
	if err != nil {
		return response.BadRequest(fmt.Errorf("Invalid session request: %w", err))
	}

	sess, err := d.sessions.Start(req)
	if err != nil {
		return response.SmartError(api.StatusErrorf(http.StatusBadRequest, "%v", err))
	}

	return response.ManualResponse(func(w http.ResponseWriter) error {
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.WriteHeader(http.StatusOK)
		flusher, _ := w.(http.Flusher)
		enc := json.NewEncoder(w)
		for {
			select {
			case ev, ok := <-sess.Events():
				if !ok {
					return nil
				}

				err := enc.Encode(ev)
				if err != nil {
					sess.End("the command that started the session exited")
					return nil
				}

				if flusher != nil {
					flusher.Flush()
				}

			case <-r.Context().Done():
				sess.End("the command that started the session exited")
				return nil
			}
		}
	})
}

func (d *Daemon) sessionDelete(s state.State, r *http.Request) response.Response {
	err := localOnly(r)
	if err != nil {
		return response.SmartError(err)
	}

	sess := d.sessions.Current()
	if sess == nil {
		return response.NotFound(apisession.ErrNoSession)
	}

	var stop types.SessionStop
	_ = json.NewDecoder(r.Body).Decode(&stop)
	if stop.Reason == "" {
		stop.Reason = "cancelled by the operator"
	}

	sess.End(stop.Reason)
	return response.EmptySyncResponse
}

func (d *Daemon) sessionGet(s state.State, r *http.Request) response.Response {
	err := localOnly(r)
	if err != nil {
		return response.SmartError(err)
	}

	sess := d.sessions.Current()
	if sess == nil {
		return response.NotFound(apisession.ErrNoSession)
	}

	snap := types.SessionSnapshot{Session: sess.Info(), Peers: sess.Peers()}
	snap.Initiator, snap.Confirmed = sess.Initiator()
	return response.SyncResponse(true, snap)
}

// PUT /1.0/session/confirm selects verified peers.
func (d *Daemon) sessionConfirmEndpoint() rest.Endpoint {
	return rest.Endpoint{
		Path:              "session/confirm",
		AllowedBeforeInit: true,
		Put:               rest.EndpointAction{Handler: d.sessionConfirm},
	}
}

func (d *Daemon) sessionConfirm(s state.State, r *http.Request) response.Response {
	err := localOnly(r)
	if err != nil {
		return response.SmartError(err)
	}

	var req types.SessionConfirm
	err = json.NewDecoder(r.Body).Decode(&req)
	if err != nil {
		return response.BadRequest(err)
	}

	sess := d.sessions.Current()
	if sess == nil {
		return response.NotFound(apisession.ErrNoSession)
	}

	return response.SyncResponse(true, types.SessionConfirmResult{Errors: sess.Confirm(req.Peers)})
}

// /1.0/session/peers/{name}: the initiator asks a selected joiner for its
// inventory (GET) or tells it to join MicroCloud (POST {token, address}).
func (d *Daemon) sessionPeersEndpoint() rest.Endpoint {
	return rest.Endpoint{
		Path:              "session/peers/{name}",
		AllowedBeforeInit: true,
		Get:               rest.EndpointAction{Handler: d.sessionPeerInventory},
		Post:              rest.EndpointAction{Handler: d.sessionPeerJoin},
	}
}

func (d *Daemon) currentSession(r *http.Request) (*apisession.Session, error) {
	err := localOnly(r)
	if err != nil {
		return nil, err
	}

	sess := d.sessions.Current()
	if sess == nil {
		return nil, api.StatusErrorf(http.StatusNotFound, "%v", apisession.ErrNoSession)
	}

	return sess, nil
}

func (d *Daemon) sessionPeerInventory(s state.State, r *http.Request) response.Response {
	sess, err := d.currentSession(r)
	if err != nil {
		return response.SmartError(err)
	}

	inv, err := sess.PeerInventory(r.Context(), mux.Vars(r)["name"])
	if err != nil {
		return response.SmartError(api.StatusErrorf(http.StatusBadRequest, "%v", err))
	}

	return response.SyncResponse(true, inv)
}

func (d *Daemon) sessionPeerJoin(s state.State, r *http.Request) response.Response {
	sess, err := d.currentSession(r)
	if err != nil {
		return response.SmartError(err)
	}

	var req types.SessionClusterJoin
	err = json.NewDecoder(r.Body).Decode(&req)
	if err != nil {
		return response.BadRequest(err)
	}

	err = sess.JoinPeer(r.Context(), mux.Vars(r)["name"], req.Address, req.Token)
	if err != nil {
		return response.SmartError(api.StatusErrorf(http.StatusBadRequest, "%v", err))
	}

	return response.EmptySyncResponse
}

// /1.0/session/peer/{endpoint}: the peer-to-peer messages of a session.
func (d *Daemon) sessionPeerEndpoint() rest.Endpoint {
	action := rest.EndpointAction{AllowUntrusted: true, Handler: func(s state.State, r *http.Request) response.Response {
		return response.ManualResponse(func(w http.ResponseWriter) error {
			d.sessions.ServePeer(w, r)
			return nil
		})
	}}

	return rest.Endpoint{
		Path:              "session/peer/{endpoint}",
		AllowedBeforeInit: true,
		Get:               action,
		Post:              action,
	}
}
