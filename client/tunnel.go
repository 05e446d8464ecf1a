package client

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/canonical/lxd/shared/api"

	"github.com/microcloud-project/microcloud/api/types"
)

// DialTunnel opens a byte stream to a service's socket on the daemon's
// machine (GET /1.0/services/{service}/tunnel with an Upgrade). Each call is
// one connection; HTTP clients use it as their dialer.
func (c *Client) DialTunnel(ctx context.Context, svc types.ServiceType) (net.Conn, error) {
	conn, err := c.dial(ctx)
	if err != nil {
		return nil, c.explain(err)
	}

	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}

	host := "control.socket"
	if c.address != "" {
		host = c.address
	}

	_, err = fmt.Fprintf(conn, "GET /%s/services/%s/tunnel HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade\r\nUpgrade: %s\r\n\r\n",
		types.APIVersion, svc.Slug(), host, types.TunnelProtocol)
	if err != nil {
		_ = conn.Close()
		return nil, err
	}

	reader := bufio.NewReader(conn)
	resp, err := http.ReadResponse(reader, nil)
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("Tunnel to %s failed: %w", svc, err)
	}

	if resp.StatusCode != http.StatusSwitchingProtocols {
		defer conn.Close()
		return nil, responseError(resp)
	}

	_ = conn.SetDeadline(time.Time{})
	return &bufferedConn{Conn: conn, reader: reader}, nil
}

// responseError extracts the daemon's error message from an API envelope.
func responseError(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	var envelope api.Response
	if json.Unmarshal(body, &envelope) == nil && envelope.Error != "" {
		return api.StatusErrorf(resp.StatusCode, "%s", envelope.Error)
	}

	return api.StatusErrorf(resp.StatusCode, "%s", resp.Status)
}

// bufferedConn reads first what the handshake reader already buffered.
type bufferedConn struct {
	net.Conn
	reader *bufio.Reader
}

func (b *bufferedConn) Read(p []byte) (int, error) {
	return b.reader.Read(p)
}

// TunnelHTTPClient returns an HTTP client whose every connection is a tunnel
// to the service; the URL's host is irrelevant.
func (c *Client) TunnelHTTPClient(svc types.ServiceType) *http.Client {
	return &http.Client{Transport: c.TunnelTransport(svc)}
}

// TunnelTransport returns an http.Transport that dials the service through
// the tunnel, for plain-HTTP and TLS URLs alike (the stream is already the
// service's socket, so no TLS is layered on top).
func (c *Client) TunnelTransport(svc types.ServiceType) *http.Transport {
	dial := func(ctx context.Context, _ string, _ string) (net.Conn, error) {
		return c.DialTunnel(ctx, svc)
	}

	return &http.Transport{
		DialContext:         dial,
		DialTLSContext:      dial,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     30 * time.Second,
	}
}

// DrainingRequests is how many requests whose client left before the
// answer are still under way in the daemon's machine's services
// (GET /1.0/tunnels).
func (c *Client) DrainingRequests(ctx context.Context) (int64, error) {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	var out types.Tunnels
	err := c.mc.Query(ctx, "GET", types.APIVersion, api.NewURL().Path("tunnels"), nil, &out)
	return out.Draining, c.explain(err)
}
