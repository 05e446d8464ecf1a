package setup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service/plan"
)

// InitiatorSession is the initiator's discovery session as a front end sees
// it: peers as they appear, selection, and what selected peers can do
// before they are MicroCloud members.
type InitiatorSession struct {
	local  *client.Client
	stream *client.SessionStream
	cancel context.CancelFunc
	info   types.SessionInfo

	mu       sync.Mutex
	peers    map[string]types.SessionPeer // by fingerprint
	changed  chan struct{}
	ended    chan struct{}
	endError string

	// updates receives every event after the first (for live tables).
	updates chan types.SessionEvent
}

// Info describes the session: address, interface, passphrase, fingerprint.
func (s *InitiatorSession) Info() types.SessionInfo {
	return s.info
}

// Updates receives every event after the first, for live views. Events a
// slow reader misses are dropped; Peers always has the latest state.
func (s *InitiatorSession) Updates() <-chan types.SessionEvent {
	return s.updates
}

// StartInitiator starts a session on the local daemon.
func StartInitiator(ctx context.Context, local *client.Client, req types.SessionStart) (*InitiatorSession, error) {
	req.Role = types.RoleInitiator
	ctx, cancel := context.WithCancel(ctx)
	stream, err := local.StartSession(ctx, req)
	if err != nil {
		cancel()
		return nil, err
	}

	first, err := stream.Next()
	if err != nil || first.Type != types.EventSession || first.Session == nil {
		cancel()
		_ = stream.Close()
		if err == nil {
			err = fmt.Errorf("the session did not start: %s", first.Error)
		}

		return nil, err
	}

	s := &InitiatorSession{local: local, stream: stream, cancel: cancel, info: *first.Session,
		peers: map[string]types.SessionPeer{}, changed: make(chan struct{}, 1), ended: make(chan struct{}), updates: make(chan types.SessionEvent, 256)}
	go s.read()
	return s, nil
}

func (s *InitiatorSession) read() {
	defer close(s.ended)
	for {
		ev, err := s.stream.Next()
		if err != nil {
			s.mu.Lock()
			if s.endError == "" && !errors.Is(err, io.EOF) {
				s.endError = err.Error()
			}

			s.mu.Unlock()
			return
		}

		s.mu.Lock()
		if ev.Type == types.EventPeer && ev.Peer != nil {
			s.peers[ev.Peer.Fingerprint+"/"+ev.Peer.Name] = *ev.Peer
		}

		if ev.Type == types.EventEnded {
			s.endError = ev.Error
			if s.endError == "" {
				s.endError = "the session ended"
			}
		}

		s.mu.Unlock()
		select {
		case s.updates <- ev:
		default:
		}

		select {
		case s.changed <- struct{}{}:
		default:
		}

		if ev.Type == types.EventEnded {
			return
		}
	}
}

// Peers lists every peer seen, by name.
func (s *InitiatorSession) Peers() []types.SessionPeer {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]types.SessionPeer, 0, len(s.peers))
	for _, p := range s.peers {
		out = append(out, p)
	}

	sort.Slice(out, func(i, j int) bool { return out[i].Name+out[i].Fingerprint < out[j].Name+out[j].Fingerprint })
	return out
}

// verified returns the verified (or confirmed) peer of that name.
func (s *InitiatorSession) verified(name string) (types.SessionPeer, bool) {
	for _, p := range s.Peers() {
		if p.Name == name && (p.State == types.PeerVerified || p.State == types.PeerConfirmed) {
			return p, true
		}
	}

	return types.SessionPeer{}, false
}

// Verified lists the peers that proved the passphrase.
func (s *InitiatorSession) Verified() []types.SessionPeer {
	var out []types.SessionPeer
	for _, p := range s.Peers() {
		if p.State == types.PeerVerified || p.State == types.PeerConfirmed {
			out = append(out, p)
		}
	}

	return out
}

// Ended says why the session ended, or "" while it runs.
func (s *InitiatorSession) Ended() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.endError
}

// ErrNotFound is WaitFor's error when the time is up.
var ErrNotFound = errors.New("Not found")

// WaitFor waits until every named system has proved the passphrase. The
// error names those that did not, and what became of them.
func (s *InitiatorSession) WaitFor(ctx context.Context, names []string, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		var missing []string
		for _, name := range names {
			if _, ok := s.verified(name); !ok {
				missing = append(missing, name)
			}
		}

		if len(missing) == 0 {
			return nil
		}

		if reason := s.Ended(); reason != "" {
			return fmt.Errorf("The session ended: %s", reason)
		}

		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline:
			return fmt.Errorf("%w within %s: %s", ErrNotFound, timeout, s.describe(missing))
		case <-s.changed:
		case <-s.ended:
		}
	}
}

// Collect waits out the lookup window (or the session's end) and returns the
// peers that proved the passphrase by then; show (nil: silent) sees every
// peer each time its state changes. Like WaitFor it wakes on the session's
// events, never on a timer.
func (s *InitiatorSession) Collect(ctx context.Context, window time.Duration, show func(types.SessionPeer)) []types.SessionPeer {
	deadline := time.After(window)
	shown := map[string]string{}
	for {
		for _, p := range s.Peers() {
			key := p.Fingerprint + "/" + p.Name
			if shown[key] != p.State && show != nil {
				show(p)
			}

			shown[key] = p.State
		}

		if s.Ended() != "" {
			return s.Verified()
		}

		select {
		case <-ctx.Done():
			return nil
		case <-deadline:
			return s.Verified()
		case <-s.changed:
		case <-s.ended:
		}
	}
}

// describe explains what became of systems that are not verified.
func (s *InitiatorSession) describe(names []string) string {
	var parts []string
	for _, name := range names {
		state := "has not reached out (is 'microcloud join' running on it?)"
		for _, p := range s.Peers() {
			if p.Name == name {
				state = p.State
				if p.Reason != "" {
					state += ": " + p.Reason
				}
			}
		}

		parts = append(parts, fmt.Sprintf("%s %s", name, state))
	}

	return strings.Join(parts, "; ")
}

// Confirm tells the named peers they were selected.
func (s *InitiatorSession) Confirm(ctx context.Context, names []string) error {
	if len(names) == 0 {
		return nil
	}

	errs, err := s.local.ConfirmSession(ctx, names)
	if err != nil {
		return err
	}

	var parts []string
	for name, msg := range errs {
		parts = append(parts, name+": "+msg)
	}

	sort.Strings(parts)
	if len(parts) > 0 {
		return fmt.Errorf("Selection did not reach %s", strings.Join(parts, "; "))
	}

	return nil
}

// Facts gathers a selected peer's services and inventory.
func (s *InitiatorSession) Facts(ctx context.Context, name string) (plan.SystemFacts, error) {
	inv, err := s.local.PeerInventory(ctx, name)
	if err != nil {
		return plan.SystemFacts{}, err
	}

	return plan.SystemFacts{Services: inv.Services, Inventory: inv.System}, nil
}

// Left is why the named peer left the session, or "" while it is in it (or
// left without a reason, which a joiner does once it joined).
func (s *InitiatorSession) Left(name string) string {
	for _, p := range s.Peers() {
		if p.Name == name && p.State == types.PeerLeft && p.Reason != "" {
			return p.Reason
		}
	}

	return ""
}

// JoinMicroCloud is Executor.JoinMicroCloud for peers in this session.
func (s *InitiatorSession) JoinMicroCloud(ctx context.Context, name string, address string, token string) error {
	return s.local.JoinPeer(ctx, name, address, token)
}

// Close ends the session (peers still in it are told why) and waits for it.
func (s *InitiatorSession) Close(reason string) {
	if s.Ended() == "" {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = s.local.StopSessionWithReason(ctx, reason)
		cancel()
	}

	select {
	case <-s.ended:
	case <-time.After(10 * time.Second):
	}

	_ = s.stream.Close()
	s.cancel()
}

// LocalFacts gathers the initiator's own facts.
func LocalFacts(ctx context.Context, c *client.Client) (plan.SystemFacts, error) {
	services, err := c.Services(ctx)
	if err != nil {
		return plan.SystemFacts{}, err
	}

	sys, err := c.System(ctx)
	if err != nil {
		return plan.SystemFacts{}, err
	}

	return plan.SystemFacts{Services: services, Inventory: *sys}, nil
}
