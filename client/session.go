package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/canonical/lxd/shared/api"

	"github.com/microcloud-project/microcloud/api/types"
)

// SessionStream reads the events of a session started by this client.
// Closing it ends the session.
type SessionStream struct {
	body io.ReadCloser
	dec  *json.Decoder
}

// Next returns the next event; io.EOF after the last one.
func (s *SessionStream) Next() (types.SessionEvent, error) {
	var ev types.SessionEvent
	err := s.dec.Decode(&ev)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}

	return ev, err
}

// Close ends the stream (and with it the session, unless it already ended).
func (s *SessionStream) Close() error {
	return s.body.Close()
}

// StartSession starts a discovery session on the local daemon.
func (c *Client) StartSession(ctx context.Context, req types.SessionStart) (*SessionStream, error) {
	if c.address != "" {
		return nil, errors.New("Sessions are started on the local daemon")
	}

	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}

	// Not microcluster's client: it ends the request context when the call
	// returns, and this response is read for the whole session.
	httpClient := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _ string, _ string) (net.Conn, error) { return c.dial(ctx) },
	}}

	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://control.socket/"+string(types.APIVersion)+"/session", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}

	resp, err := httpClient.Do(httpReq)
	if err != nil {
		return nil, c.explain(err)
	}

	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return nil, responseError(resp)
	}

	return &SessionStream{body: resp.Body, dec: json.NewDecoder(resp.Body)}, nil
}

// ConfirmSession selects verified peers of the local initiator's session;
// it returns per-peer errors.
func (c *Client) ConfirmSession(ctx context.Context, peers []string) (map[string]string, error) {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	var out types.SessionConfirmResult
	err := c.mc.Query(ctx, "PUT", types.APIVersion, api.NewURL().Path("session", "confirm"), types.SessionConfirm{Peers: peers}, &out)
	if err != nil {
		return nil, c.explain(err)
	}

	return out.Errors, nil
}

// StopSession aborts the local daemon's session.
func (c *Client) StopSession(ctx context.Context) error {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	return c.StopSessionWithReason(ctx, "")
}

// StopSessionWithReason ends the local daemon's session; peers are told the
// reason ("" means the operator cancelled).
func (c *Client) StopSessionWithReason(ctx context.Context, reason string) error {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	err := c.mc.Query(ctx, "DELETE", types.APIVersion, api.NewURL().Path("session"), types.SessionStop{Reason: reason}, nil)
	if err != nil {
		return fmt.Errorf("Failed to stop the session: %w", c.explain(err))
	}

	return nil
}

// PeerInventory asks the local initiator's session for a selected joiner's
// services, interfaces and disks.
func (c *Client) PeerInventory(ctx context.Context, name string) (*types.SessionInventory, error) {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	out := &types.SessionInventory{}
	err := c.mc.Query(ctx, "GET", types.APIVersion, api.NewURL().Path("session", "peers", name), nil, out)
	if err != nil {
		return nil, c.explain(err)
	}

	return out, nil
}

// JoinPeer asks the local initiator's session to make a selected joiner
// join MicroCloud with token, at address (ip:port).
func (c *Client) JoinPeer(ctx context.Context, name string, address string, token string) error {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	err := c.mc.Query(ctx, "POST", types.APIVersion, api.NewURL().Path("session", "peers", name), types.SessionClusterJoin{Name: name, Address: address, Token: token}, nil)
	return c.explain(err)
}

// OVNPKI reads MicroOVN's client PKI on the daemon's machine.
func (c *Client) OVNPKI(ctx context.Context) (*types.OVNPKI, error) {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	out := &types.OVNPKI{}
	err := c.mc.Query(ctx, "GET", types.APIVersion, api.NewURL().Path("ovn-pki"), nil, out)
	if err != nil {
		return nil, c.explain(err)
	}

	return out, nil
}

// SessionSnapshot describes the local session (GET /1.0/session).
func (c *Client) SessionSnapshot(ctx context.Context) (*types.SessionSnapshot, error) {
	ctx, cancel := WithDeadline(ctx)
	defer cancel()

	out := &types.SessionSnapshot{}
	err := c.mc.Query(ctx, "GET", types.APIVersion, api.NewURL().Path("session"), nil, out)
	if err != nil {
		return nil, c.explain(err)
	}

	return out, nil
}
