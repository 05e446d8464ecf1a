package daemon

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/lxd/shared/logger"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/recovery"
)

// A recovery that keeps several members runs on one of them; the others get
// MicroCloud's recovered database from it (see recovery.HandoverMarker):
//
//  1. POST /1.0/handover asks this member to hand over: microcloudd
//     writes the marker and executes itself again (same PID, same unit);
//  2. started with the marker, microcloudd serves only the handover URL, on
//     its cluster address, to the members in its trust store, and keeps its
//     database stopped;
//  3. the recovering member PUTs the tarball there: microcloudd writes it,
//     removes the marker and starts microcluster, which loads it.

// maxTarball bounds a recovery tarball: MicroCloud's database is small.
const maxTarball = 256 << 20

func (d *Daemon) handoverEndpoint() rest.Endpoint {
	return rest.Endpoint{
		Path:              "handover",
		AllowedBeforeInit: true,
		Post:              rest.EndpointAction{Handler: d.handoverPost},
	}
}

// handoverPost answers, then replaces this process by a fresh microcloudd
// that waits for the tarball. The database is not shut down first: it is
// about to be replaced, and a clean stop without a quorum can hang.
func (d *Daemon) handoverPost(_ state.State, r *http.Request) response.Response {
	var req types.HandoverRequest
	err := json.NewDecoder(r.Body).Decode(&req)
	if err != nil || req.From == "" {
		return response.BadRequest(fmt.Errorf("Invalid request body: %v (want the name of the member running the recovery)", err))
	}

	marker := filepath.Join(d.config.Paths.MicroCloudStateDir, recovery.HandoverMarker)
	err = writeSynced(marker, []byte(req.From))
	if err != nil {
		return response.SmartError(err)
	}

	return response.ManualResponse(func(w http.ResponseWriter) error {
		body := []byte(`{"type":"sync","status":"Success","status_code":200,"metadata":{}}` + "\n")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, err := w.Write(body)
		if f, ok := w.(http.Flusher); ok && err == nil {
			f.Flush()
		}

		// The marker is written: the handover happens whether or not the
		// answer got through (the caller then finds this member waiting).
		logger.Warn("Handing MicroCloud's database over to a recovery", logger.Ctx{"from": req.From, "answered": err == nil})
		reexec()
		return nil
	})
}

// reexec replaces this process by microcloudd run again with the same
// arguments: every descriptor Go opened is close-on-exec.
func reexec() {
	exe, err := os.Executable()
	if err == nil {
		err = syscall.Exec(exe, os.Args, os.Environ())
	}

	logger.Error("Failed to execute microcloudd again: exiting", logger.Ctx{"error": err})
	os.Exit(1)
}

// awaitHandover, when the marker is there, serves the handover URL until
// the tarball arrives (nil) or ctx ends.
func (d *Daemon) awaitHandover(ctx context.Context) error {
	dir := d.config.Paths.MicroCloudStateDir
	marker := filepath.Join(dir, recovery.HandoverMarker)
	from, err := os.ReadFile(marker)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}

	if err != nil {
		return err
	}

	// microcluster sets the logger up when it starts: not yet.
	err = logger.InitLogger("", "", d.config.Verbose, d.config.Debug, nil)
	if err != nil {
		return err
	}

	_, address, err := recovery.Self(dir)
	if err != nil {
		return err
	}

	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "cluster.crt"), filepath.Join(dir, "cluster.key"))
	if err != nil {
		return err
	}

	tlsConfig := &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAnyClientCert,
		MinVersion:   tls.VersionTLS12,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			ok, err := recovery.Trusted(dir, raw[0])
			if err == nil && !ok {
				err = errors.New("not a member's certificate")
			}

			return err
		},
	}

	logger.Warn("Waiting for MicroCloud's recovered database; the old one stays stopped until it arrives", logger.Ctx{"from": strings.TrimSpace(string(from)), "address": address, "marker": marker})
	done := make(chan struct{})
	var once sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc(types.HandoverPath, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, http.StatusOK, map[string]any{"waiting": true})
		case http.MethodPut:
			err := receiveTarball(dir, http.MaxBytesReader(w, r.Body, maxTarball))
			if err != nil {
				logger.Error("Failed to receive the recovery tarball", logger.Ctx{"error": err})
				writeJSON(w, http.StatusInternalServerError, map[string]any{"error": err.Error()})
				return
			}

			writeJSON(w, http.StatusOK, map[string]any{"waiting": false})
			once.Do(func() { close(done) })
		default:
			writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "GET or PUT"})
		}
	})

	ln, err := listenRetrying(ctx, address, tlsConfig)
	if err != nil {
		return err
	}

	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	select {
	case <-done:
	case <-ctx.Done():
	}

	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	if ctx.Err() != nil {
		return ctx.Err()
	}

	logger.Warn("Received MicroCloud's recovered database: starting")
	return nil
}

// receiveTarball writes the tarball where microcluster looks for it, then
// removes the marker: from then on a start loads it.
func receiveTarball(dir string, body io.Reader) error {
	data, err := io.ReadAll(body)
	if err != nil {
		return err
	}

	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		return errors.New("not a gzip tarball")
	}

	err = writeSynced(filepath.Join(dir, recovery.Tarball), data)
	if err != nil {
		return err
	}

	return os.Remove(filepath.Join(dir, recovery.HandoverMarker))
}

// listenRetrying listens on the cluster address, which the process this
// one replaced may have held a moment ago.
func listenRetrying(ctx context.Context, address string, config *tls.Config) (net.Listener, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		ln, err := tls.Listen("tcp", address, config)
		if err == nil || time.Now().After(deadline) {
			return ln, err
		}

		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// writeSynced writes a file whole or not at all, and to disk.
func writeSynced(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}

	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}

	closeErr := f.Close()
	if err == nil {
		err = closeErr
	}

	if err != nil {
		_ = os.Remove(tmp)
		return err
	}

	return os.Rename(tmp, path)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
