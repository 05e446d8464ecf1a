// Package session runs the trust session through which machines join a
// MicroCloud: the initiator finds joiners (multicast, or joiners contact it
// directly), both sides prove knowledge of the passphrase with MACs on every
// request and response (package trust), and each pins the other's
// certificate for the mutual-TLS calls that follow. One session at a time
// per daemon; sessions time out; too many failed proofs end a session.
package session

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/canonical/lxd/shared/logger"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/daemon/trust"
)

// Limits of a session.
const (
	DefaultTimeout = time.Hour
	MaxTimeout     = time.Hour

	// MaxFailures ends an initiator's session after that many failed
	// proofs: an online guesser gets no more tries than this.
	MaxFailures = 10
)

// Config is what a session needs from its daemon.
type Config struct {
	// Name is this machine's name (its host name).
	Name string

	// Port is where peers reach this daemon (the listener MicroCloud uses).
	Port int

	// Certificate is this machine's certificate, presented as the TLS
	// client identity on calls to peers.
	Certificate func() (tls.Certificate, error)

	// ListenerFingerprint is the fingerprint of the certificate peers see
	// when they connect to this daemon.
	ListenerFingerprint func() (string, error)

	// Services reports what this machine runs.
	Services func(ctx context.Context) []types.ServiceState

	// System reports this machine's interfaces and disks.
	System func(ctx context.Context) (*types.System, error)

	// JoinCluster makes this machine join MicroCloud (joiner side).
	JoinCluster func(ctx context.Context, name string, address string, token string) error

	// Initialized reports whether this machine already belongs to a
	// MicroCloud (it can then only be an initiator, to grow it).
	Initialized func(ctx context.Context) bool

	// ChooseAddress picks the session's address and interface (the given
	// address, or the one near an initiator's); nil looks at this
	// machine's interfaces. In-process tests of the handshake use loopback.
	ChooseAddress func(address string, near string) (string, *net.Interface, *net.IPNet, error)
}

// chooseAddress is the configured address chooser, or the interfaces'.
func (m *Manager) chooseAddress(address string, near string) (string, *net.Interface, *net.IPNet, error) {
	if m.config.ChooseAddress != nil {
		return m.config.ChooseAddress(address, near)
	}

	return chooseAddress(address, near)
}

// Manager holds the daemon's one session.
type Manager struct {
	config  Config
	mu      sync.Mutex
	current *Session
}

// NewManager returns a manager without a session.
func NewManager(config Config) *Manager {
	return &Manager{config: config}
}

// Current returns the active session, or nil.
func (m *Manager) Current() *Session {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.current
}

// ErrNoSession is returned for peer requests when no session is active.
var ErrNoSession = errors.New("No session is active on this machine")

// Start begins a session of either role.
func (m *Manager) Start(req types.SessionStart) (*Session, error) {
	timeout := time.Duration(req.Timeout) * time.Second
	switch {
	case req.Timeout < 0:
		return nil, fmt.Errorf("Invalid session timeout %d: must not be negative", req.Timeout)
	case timeout == 0:
		timeout = DefaultTimeout
	case timeout > MaxTimeout:
		return nil, fmt.Errorf("Session timeout %s exceeds the maximum of %s", timeout, MaxTimeout)
	}

	if req.Role == types.RoleJoiner && m.config.Initialized != nil && m.config.Initialized(context.Background()) {
		return nil, errors.New("This machine already belongs to a MicroCloud: it cannot join another")
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.current != nil {
		return nil, fmt.Errorf("A %s session is already active on this machine", m.current.role)
	}

	s, err := m.newSession(req, timeout)
	if err != nil {
		return nil, err
	}

	switch req.Role {
	case types.RoleInitiator:
		err = s.startInitiator(req)
	case types.RoleJoiner:
		err = s.startJoiner(req)
	default:
		err = fmt.Errorf("Unknown session role %q (initiator or joiner)", req.Role)
	}

	if err != nil {
		s.cancel()
		return nil, err
	}

	m.current = s
	go func() {
		select {
		case <-s.ctx.Done():
		case <-time.After(timeout):
			s.End(fmt.Sprintf("The session timed out after %s", timeout))
		}
	}()

	return s, nil
}

func (m *Manager) release(s *Session) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.current == s {
		m.current = nil
	}
}

// Session is one running session.
type Session struct {
	m      *Manager
	id     string
	role   string
	ctx    context.Context
	cancel context.CancelFunc

	info       types.SessionInfo
	passphrase string
	salt       []byte
	key        []byte
	subnet     *net.IPNet
	nonces     trust.NonceCache

	cert   tls.Certificate
	certFP string

	mu       sync.Mutex
	events   chan types.SessionEvent
	ended    bool
	endOnce  sync.Once
	endError string

	initiator *initiatorState
	joiner    *joinerState
}

func (m *Manager) newSession(req types.SessionStart, timeout time.Duration) (*Session, error) {
	cert, err := m.config.Certificate()
	if err != nil {
		return nil, fmt.Errorf("Failed to load this machine's certificate: %w", err)
	}

	listenerFP, err := m.config.ListenerFingerprint()
	if err != nil {
		return nil, err
	}

	id, err := trust.NewNonce()
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithCancel(context.Background())
	return &Session{
		m:      m,
		id:     id,
		role:   req.Role,
		ctx:    ctx,
		cancel: cancel,
		cert:   cert,
		certFP: Fingerprint(cert.Certificate[0]),
		events: make(chan types.SessionEvent, 1024),
		info: types.SessionInfo{
			Role:        req.Role,
			Name:        m.config.Name,
			Fingerprint: listenerFP,
			ExpiresAt:   time.Now().Add(timeout).Unix(),
		},
	}, nil
}

// Role is initiator or joiner.
func (s *Session) Role() string {
	return s.role
}

// Events is the session's event stream for the command that started it. It
// is closed after the "ended" event.
func (s *Session) Events() <-chan types.SessionEvent {
	return s.events
}

// Done is closed when the session ends.
func (s *Session) Done() <-chan struct{} {
	return s.ctx.Done()
}

// Info is the session's description.
func (s *Session) Info() types.SessionInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.info
}

// emit queues an event for the stream. It never blocks: a stream that
// stopped reading ends the session anyway.
func (s *Session) emit(ev types.SessionEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}

	select {
	case s.events <- ev:
	default:
		logger.Warn("Session event dropped: nobody reads the stream", logger.Ctx{"type": ev.Type})
	}
}

// End finishes the session; reason is empty for a success. Peers are told.
// Concurrent calls wait for the first to finish.
func (s *Session) End(reason string) {
	s.endOnce.Do(func() { s.end(reason) })
}

func (s *Session) end(reason string) {
	// Tell the other side while the session's state is intact.
	switch s.role {
	case types.RoleInitiator:
		s.stopPeers(reason)
	case types.RoleJoiner:
		s.leaveInitiator(reason)
	}

	s.mu.Lock()
	s.ended = true
	s.endError = reason
	s.events <- types.SessionEvent{Type: types.EventEnded, Error: reason}
	close(s.events)
	s.mu.Unlock()

	s.cancel()
	if s.joiner != nil {
		s.joiner.stopAnnouncing()
	}

	s.m.release(s)
	logger.Info("Session ended", logger.Ctx{"role": s.role, "reason": reason})
}

// Fingerprint is the SHA-256 of a DER certificate, in hex.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// certPEM encodes a DER certificate.
func certPEM(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// parseCertPEM decodes one PEM certificate.
func parseCertPEM(text string) (*x509.Certificate, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("Not a PEM certificate")
	}

	return x509.ParseCertificate(block.Bytes)
}

// chooseAddress finds the interface and subnet of this machine's address:
// the given one, or the only global address (else the caller must choose).
func chooseAddress(address string, near string) (string, *net.Interface, *net.IPNet, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return "", nil, nil, err
	}

	want := net.ParseIP(address)
	if address != "" && want == nil {
		return "", nil, nil, fmt.Errorf("Address %q is not an IP address", address)
	}

	nearIP := net.ParseIP(near)
	type candidate struct {
		iface net.Interface
		ipnet *net.IPNet
	}

	var candidates []candidate
	for _, iface := range ifaces {
		if iface.Flags&net.FlagLoopback != 0 || iface.Flags&net.FlagUp == 0 {
			continue
		}

		addrs, _ := iface.Addrs()
		for _, a := range addrs {
			ipnet, ok := a.(*net.IPNet)
			if !ok || !ipnet.IP.IsGlobalUnicast() {
				continue
			}

			switch {
			case want != nil && ipnet.IP.Equal(want):
				return ipnet.IP.String(), &iface, ipnet, nil
			case want == nil && (nearIP == nil || ipnet.Contains(nearIP)):
				candidates = append(candidates, candidate{iface, ipnet})
			}
		}
	}

	switch {
	case want != nil:
		return "", nil, nil, fmt.Errorf("Address %s is not an address of this machine", address)
	case len(candidates) == 1:
		c := candidates[0]
		return c.ipnet.IP.String(), &c.iface, c.ipnet, nil
	case len(candidates) == 0 && nearIP != nil:
		return "", nil, nil, fmt.Errorf("No address of this machine is in the subnet of %s", near)
	case len(candidates) == 0:
		return "", nil, nil, errors.New("This machine has no global address")
	}

	// Several: the first address of the default route's interface (an
	// IPv4 route's interface offers its IPv4 address first).
	for _, route := range defaultRoutes() {
		for _, c := range candidates {
			if c.iface.Name == route.iface && (c.ipnet.IP.To4() == nil) == route.ipv6 {
				return c.ipnet.IP.String(), &c.iface, c.ipnet, nil
			}
		}
	}

	amb := &AmbiguousAddressError{}
	for _, c := range candidates {
		amb.Candidates = append(amb.Candidates, AddressCandidate{IP: c.ipnet.IP.String(), Interface: c.iface, Subnet: c.ipnet})
	}

	return "", nil, nil, amb
}

// AddressCandidate is one address this machine could use for MicroCloud.
type AddressCandidate struct {
	IP        string
	Interface net.Interface
	Subnet    *net.IPNet
}

// AmbiguousAddressError is several addresses that could be this machine's,
// none of them on a default route's interface. A joiner without a given
// address announces itself on each and takes the one in the subnet of the
// initiator that finds it.
type AmbiguousAddressError struct {
	Candidates []AddressCandidate
}

func (e *AmbiguousAddressError) Error() string {
	return fmt.Sprintf("Choose this machine's address for MicroCloud (--address): %v", e.list())
}

func (e *AmbiguousAddressError) list() []string {
	var list []string
	for _, c := range e.Candidates {
		list = append(list, c.IP+" on "+c.Interface.Name)
	}

	return list
}
