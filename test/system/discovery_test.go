//go:build system

package system

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/multicast"
	"github.com/microcloud-project/microcloud/test/harness"
)

const passphrase = "bold cabin frog dune"

// initiatorSession is an initiator's session driven by the test, with every
// event kept and timestamped.
type initiatorSession struct {
	t      *testing.T
	c      *client.Client
	stream *client.SessionStream
	info   types.SessionInfo

	mu     sync.Mutex
	peers  map[string]types.SessionPeer // by name
	when   map[string]time.Time         // name -> first verified
	listed map[string]time.Time         // name -> first listed
	ended  chan string                  // error of the "ended" event
	events []types.SessionEvent
}

func startInitiator(t *testing.T, lab *harness.Lab, req types.SessionStart) *initiatorSession {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := lab.Client(t, "micro01")
	req.Role = types.RoleInitiator
	stream, err := c.StartSession(ctx, req)
	if err != nil {
		cancel()
		t.Fatalf("start the initiator's session: %v", err)
	}

	first, err := stream.Next()
	if err != nil || first.Type != types.EventSession {
		cancel()
		t.Fatalf("first event %+v, %v", first, err)
	}

	s := &initiatorSession{t: t, c: c, stream: stream, info: *first.Session, peers: map[string]types.SessionPeer{}, when: map[string]time.Time{}, listed: map[string]time.Time{}, ended: make(chan string, 1)}
	go func() {
		for {
			ev, err := stream.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) && ctx.Err() == nil {
					s.ended <- "stream error: " + err.Error()
				}

				return
			}

			s.mu.Lock()
			s.events = append(s.events, ev)
			if ev.Type == types.EventPeer {
				s.peers[ev.Peer.Name] = *ev.Peer
				if s.listed[ev.Peer.Name].IsZero() {
					s.listed[ev.Peer.Name] = time.Now()
				}
				if ev.Peer.State == types.PeerVerified && s.when[ev.Peer.Name].IsZero() {
					s.when[ev.Peer.Name] = time.Now()
				}
			}

			s.mu.Unlock()
			if ev.Type == types.EventEnded {
				s.ended <- ev.Error
				return
			}
		}
	}()

	t.Cleanup(func() {
		_ = stream.Close()
		cancel()
	})

	return s
}

func (s *initiatorSession) peer(name string) (types.SessionPeer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.peers[name]
	return p, ok
}

func (s *initiatorSession) verified() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for name, p := range s.peers {
		if p.State == types.PeerVerified || p.State == types.PeerConfirmed {
			out = append(out, name)
		}
	}

	sort.Strings(out)
	return out
}

func (s *initiatorSession) waitVerified(want ...string) {
	s.t.Helper()
	harness.Eventually(s.t, 20*time.Second, 50*time.Millisecond, "verified peers "+strings.Join(want, ","), func() error {
		if got := strings.Join(s.verified(), ","); got != strings.Join(want, ",") {
			return fmt.Errorf("verified: %s", got)
		}

		return nil
	})
}

func (s *initiatorSession) waitEnded(timeout time.Duration) string {
	s.t.Helper()
	select {
	case reason := <-s.ended:
		return reason
	case <-time.After(timeout):
		s.t.Fatalf("the initiator's session did not end within %s", timeout)
		return ""
	}
}

// join runs `microcloud join` on a node in the background.
func join(t *testing.T, node string, args ...string) *harness.Process {
	t.Helper()
	log := filepath.Join(t.TempDir(), node+"-join.log")
	return harness.Start(t, log, harness.LabScript(), append([]string{"exec", node, "microcloud", "join"}, args...)...)
}

// exitsWith waits for a join to end with an error line containing want.
func exitsWith(t *testing.T, p *harness.Process, within time.Duration, want string) {
	t.Helper()
	exited, err := p.Wait(within)
	if !exited {
		t.Fatalf("join did not exit within %s; output:\n%s", within, p.Output())
	}

	if err == nil {
		t.Fatalf("join exited 0, want an error containing %q; output:\n%s", want, p.Output())
	}

	if !strings.Contains(p.Output(), "Error: "+want) {
		t.Fatalf("join output lacks %q:\n%s", "Error: "+want, p.Output())
	}
}

// serverFingerprint reads a node's microcloudd certificate.
func serverFingerprint(t *testing.T, lab *harness.Lab, node string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(lab.NodeDir(node), "microcloud", "server.crt"))
	if err != nil {
		t.Fatal(err)
	}

	block, _ := pem.Decode(data)
	sum := sha256.Sum256(block.Bytes)
	return hex.EncodeToString(sum[:])
}

// TestDiscoveryMulticast: three joiners are verified within a second of
// announcing themselves; a rogue announcer and a joiner with the wrong
// passphrase never are; the operator's selection reaches the selected
// joiners; aborting ends every joiner's session within seconds.
func TestDiscoveryMulticast(t *testing.T) {
	lab := harness.LabUp(t, 5, "lxd,microcloud")
	init := startInitiator(t, lab, types.SessionStart{Address: "10.99.0.11", Passphrase: passphrase})
	if init.info.Passphrase != passphrase || init.info.Multicast != "IPv4 and IPv6" || init.info.Interface != "mgmt0" {
		t.Fatalf("session info %+v", init.info)
	}

	// A rogue responder: a valid-looking announcement that knows nothing.
	harness.Start(t, filepath.Join(t.TempDir(), "rogue.log"), harness.LabScript(), "exec", "micro05", "mdnsprobe", "announce",
		"-name", "rogue-0123456789ab", "-for", "60s", "-txt", "v="+multicast.ProtocolVersion, "-txt", "name=rogue", "-txt", "addr=10.99.0.15", "-txt", "port=9443",
		"-txt", "fp="+strings.Repeat("ab", 32), "-txt", "s.lxd=5.0.2")

	started := map[string]time.Time{}
	joiners := map[string]*harness.Process{}
	for _, node := range []string{"micro02", "micro03", "micro04"} {
		started[node] = time.Now()
		joiners[node] = join(t, node, "--passphrase", passphrase, "--address", harness.MgmtIP(node))
	}

	wrong := join(t, "micro05", "--passphrase", "bold cabin frog dunes", "--address", "10.99.0.15")
	init.waitVerified("micro02", "micro03", "micro04")
	for node, start := range started {
		init.mu.Lock()
		took := init.when[node].Sub(start)
		init.mu.Unlock()
		// The speed is make bench's to measure; here a bound that only
		// tells slow from stuck, on a loaded 2-core machine.
		t.Logf("%s verified %s after its join started", node, took.Round(time.Millisecond))
		if took > 10*time.Second {
			t.Errorf("%s verified after %s, want within 10s", node, took)
		}

		p, _ := init.peer(node)
		if p.Address != harness.MgmtIP(node) || p.Fingerprint != serverFingerprint(t, lab, node) || p.Port != 9443 || p.Certificate == "" {
			t.Errorf("%s listed as %+v", node, p)
		}
	}

	exitsWith(t, wrong, 10*time.Second, "Wrong passphrase: the initiator micro01 (fingerprint "+init.info.Fingerprint[:12]+") rejected it")
	harness.Eventually(t, 10*time.Second, 100*time.Millisecond, "the rogue listed as not verifiable", func() error {
		p, ok := init.peer("rogue")
		if !ok || p.State != types.PeerDiscovered || p.Reason != "its certificate does not match its announcement" {
			return fmt.Errorf("rogue: %+v", p)
		}

		return nil
	})

	// The refusal's event may reach the test after the joiner has exited.
	harness.Eventually(t, 10*time.Second, 50*time.Millisecond, "micro05 (wrong passphrase) listed as rejected", func() error {
		if p, _ := init.peer("micro05"); p.State != types.PeerRejected || !strings.Contains(p.Reason, "failed to prove the passphrase") {
			return fmt.Errorf("micro05: %+v", p)
		}

		return nil
	})

	if got := strings.Join(init.verified(), ","); got != "micro02,micro03,micro04" {
		t.Fatalf("verified peers %s", got)
	}

	// Every joiner shows the initiator's fingerprint and its own.
	for node, p := range joiners {
		out := p.Output()
		if !strings.Contains(out, "Found initiator micro01 at 10.99.0.11 (fingerprint "+init.info.Fingerprint[:12]+")") ||
			!strings.Contains(out, "This machine's fingerprint: "+serverFingerprint(t, lab, node)[:12]) {
			t.Fatalf("%s output:\n%s", node, out)
		}
	}

	// The operator selects two of them.
	errs, err := init.c.ConfirmSession(context.Background(), []string{"micro02", "micro03", "nosuch"})
	if err != nil || len(errs) != 1 || errs["nosuch"] != "not a verified peer of this session" {
		t.Fatalf("confirm: %v %v", errs, err)
	}

	for _, node := range []string{"micro02", "micro03"} {
		harness.Eventually(t, 5*time.Second, 100*time.Millisecond, node+" told it was selected", func() error {
			if !strings.Contains(joiners[node].Output(), "micro01 selected this machine") {
				return errors.New(joiners[node].Output())
			}

			return nil
		})
	}

	// The initiator aborts: every joiner exits promptly, saying so.
	start := time.Now()
	err = init.c.StopSession(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	for node, p := range joiners {
		exitsWith(t, p, 5*time.Second, "The initiator aborted the setup: cancelled by the operator")
		t.Logf("%s exited %s after the abort", node, time.Since(start).Round(time.Millisecond))
	}

	if reason := init.waitEnded(5 * time.Second); reason != "cancelled by the operator" {
		t.Fatalf("initiator's session ended with %q", reason)
	}
}

// TestDiscoveryTooManyFailures: wrong proofs end the initiator's session
// after MaxFailures attempts; the guesser learns nothing but "wrong".
//
// The session's end reaches the test by its event stream, which may lag the
// tenth joiner's answer: so the test makes exactly ten guesses, each of
// which must be refused as wrong (not timed out: the session must still be
// there), and then waits, bounded, for the end.
func TestDiscoveryTooManyFailures(t *testing.T) {
	const maxFailures = 10
	lab := harness.LabUp(t, 2, "lxd,microcloud")
	init := startInitiator(t, lab, types.SessionStart{Address: "10.99.0.11", Passphrase: passphrase})
	for attempt := 0; attempt < maxFailures; attempt++ {
		select {
		case reason := <-init.ended:
			t.Fatalf("the session ended after %d wrong attempts, not %d: %q", attempt, maxFailures, reason)
		default:
		}

		res := lab.Exec(t, 30*time.Second, "micro02", "microcloud", "join", "--passphrase", fmt.Sprintf("guess number %d here", attempt),
			"--address", "10.99.0.12", "--initiator-address", "10.99.0.11", "--session-timeout", "25s")
		if !strings.Contains(res.Stderr, "Wrong passphrase") {
			t.Fatalf("attempt %d: %s", attempt, res.Stderr)
		}
	}

	want := fmt.Sprintf("Stopping the session after %d failed authentication attempts", maxFailures)
	if reason := init.waitEnded(10 * time.Second); reason != want {
		t.Fatalf("after %d wrong attempts, the session ended with %q", maxFailures, reason)
	}
}

// TestDiscoveryTimeouts: a joiner alone gives up at its timeout; an
// initiator's timeout ends its joiners' sessions too.
func TestDiscoveryTimeouts(t *testing.T) {
	lab := harness.LabUp(t, 2, "lxd,microcloud")
	lonely := join(t, "micro02", "--passphrase", passphrase, "--address", "10.99.0.12", "--session-timeout", "2s")
	exitsWith(t, lonely, 12*time.Second, "The session timed out after 2s")

	// The initiator's timeout leaves room for the joiner to start and be
	// verified first, on a loaded machine.
	init := startInitiator(t, lab, types.SessionStart{Address: "10.99.0.11", Passphrase: passphrase, Timeout: 8})
	joiner := join(t, "micro02", "--passphrase", passphrase, "--address", "10.99.0.12")
	init.waitVerified("micro02")
	if reason := init.waitEnded(15 * time.Second); reason != "The session timed out after 8s" {
		t.Fatalf("initiator ended with %q", reason)
	}

	exitsWith(t, joiner, 10*time.Second, "The initiator aborted the setup: The session timed out after 8s")
}

// TestDiscoveryIPv6Only: with no IPv4 on the management network, discovery
// and the handshake run over IPv6.
func TestDiscoveryIPv6Only(t *testing.T) {
	lab := harness.LabUp(t, 3, "lxd,microcloud")
	for _, node := range lab.Nodes {
		lab.MustExec(t, 10*time.Second, node, "ip", "-4", "addr", "flush", "dev", "mgmt0")
	}

	init := startInitiator(t, lab, types.SessionStart{Address: "fd99::11", Passphrase: passphrase})
	if !strings.HasPrefix(init.info.Multicast, "IPv6 only") {
		t.Fatalf("multicast %q", init.info.Multicast)
	}

	for _, node := range lab.Nodes[1:] {
		join(t, node, "--passphrase", passphrase, "--address", strings.Replace(harness.MgmtIP(node), "10.99.0.", "fd99::", 1))
	}

	init.waitVerified("micro02", "micro03")
	for _, node := range lab.Nodes[1:] {
		p, _ := init.peer(node)
		if p.Address != strings.Replace(harness.MgmtIP(node), "10.99.0.", "fd99::", 1) {
			t.Fatalf("%s at %s", node, p.Address)
		}
	}
}

// TestDiscoveryUnicast: with multicast dropped by the switch, joiners that
// are given the initiator's address still join.
func TestDiscoveryUnicast(t *testing.T) {
	lab := harness.LabUp(t, 3, "lxd,microcloud")
	// The switch stops forwarding multicast: no snooping (every group is
	// then unregistered) and no flooding of unregistered groups.
	sw := harness.SwitchNetns()
	harness.Run(t, 10*time.Second, "ip", "-n", sw, "link", "set", "br-mgmt", "type", "bridge", "mcast_snooping", "0")
	for _, node := range lab.Nodes {
		res := harness.Run(t, 10*time.Second, "ip", "netns", "exec", sw, "bridge", "link", "set", "dev", node+"-m", "mcast_flood", "off")
		if res.Code != 0 {
			t.Fatalf("block multicast: %s", res.Stderr)
		}
	}

	// Proof that multicast is blocked: an announcement is not seen.
	harness.Start(t, filepath.Join(t.TempDir(), "announce.log"), harness.LabScript(), "exec", "micro02", "mdnsprobe", "announce", "-name", "probe", "-for", "30s")
	res := lab.Exec(t, 20*time.Second, "micro01", "mdnsprobe", "lookup", "-expect", "1", "-timeout", "3s", "-no6")
	if res.Code == 0 {
		t.Fatalf("multicast still crosses the switch:\n%s", res.Stdout)
	}

	init := startInitiator(t, lab, types.SessionStart{Address: "10.99.0.11", Passphrase: passphrase})
	for _, node := range lab.Nodes[1:] {
		join(t, node, "--passphrase", passphrase, "--initiator-address", "10.99.0.11")
	}

	init.waitVerified("micro02", "micro03")
}
