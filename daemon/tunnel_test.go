package daemon

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// tunnelTo serves handler on a unix socket and returns a function that
// opens a tunnel to it: the client's end of a splice.
func tunnelTo(t *testing.T, handler http.HandlerFunc) func() net.Conn {
	t.Helper()
	socket := filepath.Join(t.TempDir(), "service.socket")
	l, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}

	srv := &http.Server{Handler: handler}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return func() net.Conn {
		backend, err := net.Dial("unix", socket)
		if err != nil {
			t.Fatal(err)
		}

		client, server := net.Pipe()
		go splice(server, strings.NewReader(""), backend, &atomic.Int64{})
		return client
	}
}

// TestTunnelLetsALeftRequestFinish: a client that leaves while its request
// runs does not cancel it in the service, also on a connection that
// carried an earlier request and its answer.
func TestTunnelLetsALeftRequestFinish(t *testing.T) {
	outcome := make(chan error, 1)
	dial := tunnelTo(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ping" {
			_, _ = w.Write([]byte("pong"))
			return
		}

		select {
		case <-r.Context().Done():
			outcome <- errors.New("the request was cancelled")
		case <-time.After(300 * time.Millisecond):
			outcome <- nil
		}

		_, _ = w.Write([]byte("joined"))
	})

	client := dial()
	reader := bufio.NewReader(client)
	ping, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://x/ping", nil)
	err := ping.Write(client)
	if err != nil {
		t.Fatal(err)
	}

	resp, err := http.ReadResponse(reader, ping)
	if err != nil {
		t.Fatal(err)
	}

	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	_, err = client.Write([]byte("POST /join HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}

	time.Sleep(50 * time.Millisecond)
	_ = client.Close()
	select {
	case err := <-outcome:
		if err != nil {
			t.Fatal(err)
		}

	case <-time.After(5 * time.Second):
		t.Fatal("the request never ended")
	}
}

// TestTunnelAnswers: the usual request and answer, and a client that
// leaves when nothing is under way ends the tunnel (the service sees its
// end of the stream).
func TestTunnelAnswers(t *testing.T) {
	dial := tunnelTo(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("pong"))
	})

	client := dial()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://x/ping", nil)
	err := req.Write(client)
	if err != nil {
		t.Fatal(err)
	}

	resp, err := http.ReadResponse(bufio.NewReader(client), req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%v %v", resp, err)
	}

	_ = resp.Body.Close()
	_ = client.Close()
}
