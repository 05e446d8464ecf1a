package session

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/daemon/trust"
)

// The trust session's handshake in-process: two managers, each behind its
// own TLS server on loopback, as two daemons are. The joiner contacts the
// initiator by address (no multicast on loopback).

const testPassphrase = "apple banana cherry dune"

// testPeer is one daemon: its manager and its peer endpoint.
type testPeer struct {
	m      *Manager
	server *httptest.Server
	port   int
	cert   tls.Certificate
	fp     string
}

func newTestPeer(t *testing.T, name string) *testPeer {
	t.Helper()
	cert := selfSigned(t, name)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}

	p := &testPeer{cert: cert, fp: Fingerprint(cert.Certificate[0]), port: listener.Addr().(*net.TCPAddr).Port}
	lo := &net.Interface{Index: 1, Name: "lo", Flags: net.FlagUp | net.FlagLoopback}
	_, subnet, _ := net.ParseCIDR("127.0.0.0/8")
	p.m = NewManager(Config{
		Name:                name,
		Port:                p.port,
		Certificate:         func() (tls.Certificate, error) { return cert, nil },
		ListenerFingerprint: func() (string, error) { return p.fp, nil },
		Services: func(context.Context) []types.ServiceState {
			return []types.ServiceState{{Type: types.LXD, Present: true, Version: "5.0.2"}}
		},
		System:        func(context.Context) (*types.System, error) { return &types.System{Name: name}, nil },
		JoinCluster:   func(context.Context, string, string, string) error { return nil },
		Initialized:   func(context.Context) bool { return false },
		ChooseAddress: func(string, string) (string, *net.Interface, *net.IPNet, error) { return "127.0.0.1", lo, subnet, nil },
	})

	p.server = httptest.NewUnstartedServer(http.HandlerFunc(p.m.ServePeer))
	p.server.Listener = listener
	p.server.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12}
	p.server.StartTLS()
	t.Cleanup(func() {
		if s := p.m.Current(); s != nil {
			s.End("test over")
		}

		p.server.Close()
	})

	return p
}

func selfSigned(t *testing.T, name string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}

	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func (p *testPeer) startInitiator(t *testing.T) *Session {
	t.Helper()
	s, err := p.m.Start(types.SessionStart{Role: types.RoleInitiator, Passphrase: testPassphrase})
	if err != nil {
		t.Fatal(err)
	}

	return s
}

func (p *testPeer) startJoiner(t *testing.T, initiator *testPeer, passphrase string) *Session {
	t.Helper()
	s, err := p.m.Start(types.SessionStart{Role: types.RoleJoiner, Passphrase: passphrase, InitiatorAddress: "127.0.0.1:" + strconv.Itoa(initiator.port)})
	if err != nil {
		t.Fatal(err)
	}

	return s
}

// waitEvent reads a session's events until one matches, or fails.
func waitEvent(t *testing.T, s *Session, what string, match func(types.SessionEvent) bool) types.SessionEvent {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				t.Fatalf("the session's events ended before %s", what)
			}

			if match(ev) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s within 30s", what)
		}
	}
}

func peerIn(state string, name string) func(types.SessionEvent) bool {
	return func(ev types.SessionEvent) bool {
		return ev.Type == types.EventPeer && ev.Peer != nil && ev.Peer.Name == name && ev.Peer.State == state
	}
}

func TestHandshakeVerifiesBothSides(t *testing.T) {
	a, b := newTestPeer(t, "micro01"), newTestPeer(t, "micro02")
	is := a.startInitiator(t)
	js := b.startJoiner(t, a, testPassphrase)

	ev := waitEvent(t, is, "micro02 verified", peerIn(types.PeerVerified, "micro02"))
	if ev.Peer.Fingerprint != b.fp {
		t.Fatalf("the initiator pinned %s, not the joiner's certificate %s", ev.Peer.Fingerprint, b.fp)
	}

	waitEvent(t, js, "the initiator verified", func(ev types.SessionEvent) bool {
		return ev.Type == types.EventInitiator && ev.Peer != nil && ev.Peer.State == types.PeerVerified && ev.Peer.Fingerprint == a.fp
	})

	if errs := is.Confirm([]string{"micro02"}); len(errs) != 0 {
		t.Fatalf("confirm: %v", errs)
	}

	waitEvent(t, js, "the confirmation", func(ev types.SessionEvent) bool { return ev.Type == types.EventConfirmed })
}

func TestHandshakeWrongPassphrase(t *testing.T) {
	a, b := newTestPeer(t, "micro01"), newTestPeer(t, "micro02")
	is := a.startInitiator(t)
	js := b.startJoiner(t, a, "wrong words entirely here")

	ev := waitEvent(t, is, "the failed proof", peerIn(types.PeerRejected, "micro02"))
	if !strings.Contains(ev.Peer.Reason, "failed to prove the passphrase") {
		t.Fatalf("reason %q", ev.Peer.Reason)
	}

	// The joiner is told, and its session ends.
	ended := waitEvent(t, js, "the joiner's end", func(ev types.SessionEvent) bool { return ev.Type == types.EventEnded })
	if !strings.Contains(ended.Error, "Wrong passphrase") {
		t.Fatalf("joiner ended with %q", ended.Error)
	}

	for _, p := range is.Peers() {
		if p.State == types.PeerVerified {
			t.Fatalf("a peer with the wrong passphrase was verified: %+v", p)
		}
	}
}

// TestHandshakeRefusesAReplay sends the same signed ping twice: the first
// is answered, the second refused, since its nonce was seen.
func TestHandshakeRefusesAReplay(t *testing.T) {
	a, b := newTestPeer(t, "micro01"), newTestPeer(t, "micro02")
	is := a.startInitiator(t)
	js := b.startJoiner(t, a, testPassphrase)
	waitEvent(t, is, "micro02 verified", peerIn(types.PeerVerified, "micro02"))
	waitEvent(t, js, "the initiator verified", func(ev types.SessionEvent) bool {
		return ev.Type == types.EventInitiator && ev.Peer != nil && ev.Peer.State == types.PeerVerified
	})

	body, _ := json.Marshal(map[string]string{})
	nonce, err := trust.NewNonce()
	if err != nil {
		t.Fatal(err)
	}

	js.joiner.mu.Lock()
	key := js.key
	js.joiner.mu.Unlock()
	mac := trust.SignRequest(key, trust.Request{Method: http.MethodPost, Path: pathPing, SenderFP: b.fp, ReceiverFP: a.fp, Nonce: nonce, Body: body})
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{Certificates: []tls.Certificate{b.cert}, InsecureSkipVerify: true}}}
	send := func() int {
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("https://127.0.0.1:%d%s", a.port, pathPing), bytes.NewReader(body))
		req.Header.Set(trust.Header, mac)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}

		_ = resp.Body.Close()
		return resp.StatusCode
	}

	if code := send(); code != http.StatusOK {
		t.Fatalf("first ping: %d", code)
	}

	if code := send(); code != http.StatusUnauthorized {
		t.Fatalf("replayed ping: %d, want %d", code, http.StatusUnauthorized)
	}
}

// TestHandshakeEndsAfterTooManyFailures: an online guesser gets MaxFailures
// tries, then the initiator's session ends and says why.
func TestHandshakeEndsAfterTooManyFailures(t *testing.T) {
	a := newTestPeer(t, "micro01")
	is := a.startInitiator(t)
	for i := 0; i < MaxFailures; i++ {
		b := newTestPeer(t, fmt.Sprintf("guess%02d", i))
		b.startJoiner(t, a, fmt.Sprintf("wrong guess number %d", i))
		waitEvent(t, is, "guess rejected", peerIn(types.PeerRejected, fmt.Sprintf("guess%02d", i)))
	}

	ended := waitEvent(t, is, "the initiator's end", func(ev types.SessionEvent) bool { return ev.Type == types.EventEnded })
	if !strings.Contains(ended.Error, fmt.Sprintf("after %d failed authentication attempts", MaxFailures)) {
		t.Fatalf("ended with %q", ended.Error)
	}
}
