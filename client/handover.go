package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/canonical/lxd/shared/api"

	"github.com/microcloud-project/microcloud/api/types"
)

// handoverTimeout bounds one handover call.
const handoverTimeout = 2 * time.Minute

// RequestHandover asks the member at address to stop its MicroCloud
// database and wait for the recovered one from this member (from).
func (c *Client) RequestHandover(ctx context.Context, address string, from string) error {
	remote, err := c.Remote(address)
	if err != nil {
		return err
	}

	return remote.admin(ctx, "POST", api.NewURL().Path("handover"), types.HandoverRequest{From: from}, nil)
}

// HandoverWaiting reports whether the member at address waits for its
// tarball (its microcloudd serves the handover URL alone).
func (c *Client) HandoverWaiting(ctx context.Context, address string) bool {
	_, err := c.handover(ctx, http.MethodGet, address, nil)
	return err == nil
}

// SendHandover gives the waiting member at address MicroCloud's recovery
// tarball; it starts with it.
func (c *Client) SendHandover(ctx context.Context, address string, tarball []byte) error {
	_, err := c.handover(ctx, http.MethodPut, address, tarball)
	return err
}

// handover calls the handover URL with this member's certificate, trusting
// only the cluster certificate.
func (c *Client) handover(ctx context.Context, method string, address string, body []byte) ([]byte, error) {
	tlsConfig, err := c.clusterTLSConfig()
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithTimeout(ctx, handoverTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, "https://"+address+types.HandoverPath, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}

	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfig, DisableKeepAlives: true}}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}

	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}

	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: %s: %s", method, address, resp.Status, strings.TrimSpace(string(out)))
	}

	return out, nil
}
