package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/shared/api"

	"github.com/microcloud-project/microcloud/api/types"
)

// detectTimeout bounds each service query: a hung service must not hang the
// caller (GET /1.0/services is on the path of every init).
const detectTimeout = 5 * time.Second

// Detect reports the optional and required services of this machine, in
// formation order, except MicroCloud itself (the daemon knows its own state).
// A service is present when its socket exists; a present service that does
// not answer is reported with the error.
func Detect(ctx context.Context, paths Paths) []types.ServiceState {
	out := make([]types.ServiceState, 0, len(types.TunneledServices))
	for _, s := range []types.ServiceType{types.MicroOVN, types.MicroCeph, types.LXD} {
		out = append(out, DetectOne(ctx, paths, s))
	}

	return out
}

// DetectOne reports one service.
func DetectOne(ctx context.Context, paths Paths, s types.ServiceType) types.ServiceState {
	state := types.ServiceState{Type: s, Endpoint: paths.Socket(s)}
	if !socketExists(state.Endpoint) {
		// Its directory without the socket: installed, but not running,
		// or restarting (microcluster restarts a daemon whose bootstrap or
		// join was cut short). Callers wait for such a service rather than
		// plan without it.
		if dirExists(filepath.Dir(state.Endpoint)) || (s != types.LXD && restarting(state.Endpoint, s.Slug())) {
			state.Present = true
			state.Error = NotRunning
		}

		return state
	}

	state.Present = true
	ctx, cancel := context.WithTimeout(ctx, detectTimeout)
	defer cancel()

	var err error
	if s == types.LXD {
		err = detectLXD(ctx, &state)
	} else {
		err = detectMicrocluster(ctx, &state)
	}

	if err != nil {
		state.Error = err.Error()
	}

	return state
}

// NotRunning is the error of a service that is installed but has no socket.
const NotRunning = "installed but not running (no socket yet)"

// restarting reports whether a microcluster service's state directory is
// missing while the service's own directory that holds it is there:
// microcluster removes the whole state directory of a daemon whose
// bootstrap or join was undone, then restarts it, and for that moment the
// service is installed all the same. The holder must be the service's own
// (named after it, or its parent is: the snap's /var/snap/microceph/common,
// the lab's .../microceph), never a shared directory such as /var/lib.
func restarting(socket string, slug string) bool {
	stateDir := filepath.Dir(socket)
	holder := filepath.Dir(stateDir)
	own := filepath.Base(holder) == slug || filepath.Base(filepath.Dir(holder)) == slug
	return own && !dirExists(stateDir) && dirExists(holder)
}

func dirExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

func socketExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode()&os.ModeSocket != 0
}

func detectLXD(ctx context.Context, state *types.ServiceState) error {
	c, err := lxd.ConnectLXDUnixWithContext(ctx, state.Endpoint, &lxd.ConnectionArgs{SkipGetServer: true})
	if err != nil {
		return err
	}

	server, _, err := c.GetServer()
	if err != nil {
		return fmt.Errorf("LXD did not answer: %w", err)
	}

	state.Version = server.Environment.ServerVersion
	state.Extensions = server.APIExtensions
	state.Clustered = server.Environment.ServerClustered
	return nil
}

// MicroclusterStatus is what a microcluster daemon reports on GET /core/1.0.
type MicroclusterStatus struct {
	Name       string   `json:"name"`
	Address    string   `json:"address"`
	Version    string   `json:"version"`
	Ready      bool     `json:"ready"`
	Extensions []string `json:"extensions"`
}

func detectMicrocluster(ctx context.Context, state *types.ServiceState) error {
	status, err := QueryMicroclusterStatus(ctx, state.Endpoint)
	if err != nil {
		return err
	}

	state.Version = status.Version
	state.Extensions = status.Extensions
	state.Clustered = status.Ready
	return nil
}

// QueryMicroclusterStatus asks a microcluster daemon for GET /core/1.0 over
// its control socket. It is a plain HTTP request on purpose: microcluster's
// own client would create state directories inside the other daemon's state
// dir as a side effect, and detection must change nothing.
func QueryMicroclusterStatus(ctx context.Context, socket string) (*MicroclusterStatus, error) {
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
		DisableKeepAlives: true,
	}}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://control.socket/core/1.0", nil)
	if err != nil {
		return nil, err
	}

	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("Daemon at %s did not answer: %w", socket, err)
	}

	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}

	var envelope api.Response
	err = json.Unmarshal(body, &envelope)
	if err != nil {
		return nil, fmt.Errorf("Daemon at %s sent an unreadable status: %w", socket, err)
	}

	if envelope.Type == api.ErrorResponse {
		return nil, errors.New(envelope.Error)
	}

	status := &MicroclusterStatus{}
	err = json.Unmarshal(envelope.Metadata, status)
	if err != nil {
		return nil, fmt.Errorf("Daemon at %s sent an unreadable status: %w", socket, err)
	}

	return status, nil
}
