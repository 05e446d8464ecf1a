package session

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/daemon/trust"
	"github.com/microcloud-project/microcloud/multicast"
)

// Joiner timings: how often a joiner without multicast asks the initiator,
// how often a verified joiner checks that the initiator's session goes on,
// and how long contact may be lost before the joiner gives up (longer once
// the initiator selected it and is forming MicroCloud).
const (
	helloInterval        = time.Second
	pingInterval         = 2 * time.Second
	contactLimit         = 6 * time.Second
	selectedContactLimit = time.Minute
)

type joinerState struct {
	mu sync.Mutex
	// announcers: one, or one per candidate address while the address
	// waits for the initiator (candidates).
	announcers []*multicast.Announcer
	candidates []AddressCandidate
	trying     map[string]bool
	ignored    map[string]bool
	keys       map[string][]byte

	// The initiator, once it proved the passphrase.
	initiator   *types.SessionPeer
	initiatorFP string // its listener
	clientFP    string // the certificate it calls us with
	confirmed   bool
	// joining: the join the initiator asked for runs (it ends the session).
	joining bool
	joined  bool
}

func (s *Session) startJoiner(req types.SessionStart) error {
	passphrase := trust.Normalize(req.Passphrase)
	if passphrase == "" {
		return errors.New("A passphrase is required to join (the one the initiator shows)")
	}

	initiatorIP, initiatorPort, err := splitAddress(req.InitiatorAddress, s.m.config.Port)
	if err != nil {
		return err
	}

	s.passphrase = passphrase
	s.joiner = &joinerState{trying: map[string]bool{}, ignored: map[string]bool{}, keys: map[string][]byte{}}
	address, iface, _, err := s.m.chooseAddress(req.Address, initiatorIP)
	var ambiguous *AmbiguousAddressError
	if errors.As(err, &ambiguous) && req.Address == "" && req.InitiatorAddress == "" {
		return s.announceOnEvery(ambiguous.Candidates)
	}

	if err != nil {
		return err
	}

	s.info.Address = address
	s.info.Interface = iface.Name

	if req.InitiatorAddress != "" {
		s.info.Multicast = "not used: contacting " + req.InitiatorAddress
		s.emit(types.SessionEvent{Type: types.EventSession, Session: &s.info})
		go s.pollHello(initiatorIP, initiatorPort)
		return nil
	}

	announcer, err := s.announce(iface, address)
	if err != nil {
		return err
	}

	families, famErr := multicast.ProbeFamilies(iface)
	s.info.Multicast = describeFamilies(families, famErr)
	s.joiner.announcers = []*multicast.Announcer{announcer}
	s.emit(types.SessionEvent{Type: types.EventSession, Session: &s.info})
	return nil
}

// announce makes this joiner known on one interface, with one address.
func (s *Session) announce(iface *net.Interface, address string) (*multicast.Announcer, error) {
	return multicast.Announce(iface, multicast.Announcement{
		Version:     multicast.ProtocolVersion,
		Name:        s.info.Name,
		Address:     address,
		Port:        s.m.config.Port,
		Fingerprint: s.info.Fingerprint,
		Services:    announcedServices(s.m.config.Services(s.ctx)),
	})
}

// announceOnEvery announces this joiner on each candidate address's
// interface; the address is chosen when an initiator finds it (the one in
// the initiator's subnet, see settleAddress). The session's address stays
// empty until then.
func (s *Session) announceOnEvery(candidates []AddressCandidate) error {
	var names []string
	var probed string
	for _, c := range candidates {
		iface := c.Interface
		announcer, err := s.announce(&iface, c.IP)
		if err != nil {
			s.joiner.stopAnnouncing()
			return err
		}

		s.joiner.announcers = append(s.joiner.announcers, announcer)
		names = append(names, c.IP+" on "+iface.Name)
		if probed == "" {
			families, famErr := multicast.ProbeFamilies(&iface)
			probed = describeFamilies(families, famErr)
		}
	}

	s.joiner.candidates = candidates
	s.info.Interface = strings.Join(names, ", ")
	s.info.Multicast = probed
	info := s.info
	s.emit(types.SessionEvent{Type: types.EventSession, Session: &info})
	return nil
}

// settleAddress takes, when this joiner's address waits for an initiator,
// the candidate in the subnet of the initiator's address, and stops the
// other announcements.
func (s *Session) settleAddress(initiator string) error {
	st := s.joiner
	st.mu.Lock()
	candidates := st.candidates
	st.mu.Unlock()
	if candidates == nil {
		return nil
	}

	ip := net.ParseIP(initiator)
	var near []AddressCandidate
	for _, c := range candidates {
		if ip != nil && c.Subnet.Contains(ip) {
			near = append(near, c)
		}
	}

	if len(near) > 1 {
		return fmt.Errorf("several addresses of this machine are in the subnet of the initiator's %s (%v): run 'microcloud join --address IP'", initiator, (&AmbiguousAddressError{Candidates: near}).list())
	}

	for _, c := range near {
		st.mu.Lock()
		st.candidates = nil
		st.mu.Unlock()
		s.mu.Lock()
		s.info.Address, s.info.Interface = c.IP, c.Interface.Name
		s.mu.Unlock()
		s.emit(types.SessionEvent{Type: types.EventInitiator, Message: fmt.Sprintf("Using %s on %s for MicroCloud: the address in the initiator's subnet", c.IP, c.Interface.Name)})
		return nil
	}

	return fmt.Errorf("the initiator's address %s is in none of this machine's subnets", initiator)
}

// stopAnnouncing stops every announcement.
func (st *joinerState) stopAnnouncing() {
	st.mu.Lock()
	announcers := st.announcers
	st.announcers = nil
	st.mu.Unlock()
	for _, a := range announcers {
		a.Stop()
	}
}

// announcedServices puts each service's version and its gated API
// extensions into the announcement.
func announcedServices(states []types.ServiceState) []multicast.ServiceInfo {
	var out []multicast.ServiceInfo
	for _, st := range states {
		if !st.Usable() {
			continue
		}

		gated := st.Gated()
		out = append(out, multicast.ServiceInfo{Type: st.Type.Slug(), Version: gated.Version, Extensions: gated.Extensions})
	}

	return out
}

func gatedServices(states []types.ServiceState) []types.ServiceState {
	out := make([]types.ServiceState, 0, len(states))
	for _, st := range states {
		out = append(out, st.Gated())
	}

	return out
}

// pollHello asks the initiator at a known address for its session, until
// it answers or this session ends.
func (s *Session) pollHello(address string, port int) {
	for {
		reply, err := s.call(s.ctx, peerCall{address: address, port: port, method: http.MethodGet, path: pathHello})
		if err == nil && reply.err() == nil {
			var hello types.SessionHello
			err = json.Unmarshal(reply.body, &hello)
			if err == nil && hello.Fingerprint == reply.serverFP {
				s.tryInitiator(hello)
				if s.verifiedInitiator() != nil {
					return
				}
			}
		}

		select {
		case <-s.ctx.Done():
			return
		case <-time.After(helloInterval):
		}
	}
}

// splitAddress reads "IP" or "IP:port" ("[IPv6]:port"); "" is allowed.
func splitAddress(address string, defaultPort int) (string, int, error) {
	if address == "" {
		return "", 0, nil
	}

	if ip := net.ParseIP(address); ip != nil {
		return ip.String(), defaultPort, nil
	}

	host, portText, err := net.SplitHostPort(address)
	port, portErr := strconv.Atoi(portText)
	if err != nil || net.ParseIP(host) == nil || portErr != nil || port <= 0 || port > 65535 {
		return "", 0, fmt.Errorf("Initiator address %q is not an IP address (optionally with a port)", address)
	}

	return host, port, nil
}

func (s *Session) verifiedInitiator() *types.SessionPeer {
	s.joiner.mu.Lock()
	defer s.joiner.mu.Unlock()
	return s.joiner.initiator
}

// handleInvite is an initiator telling this joiner where its session is.
func (s *Session) handleInvite(w http.ResponseWriter, in *incoming) {
	var hello types.SessionHello
	err := json.Unmarshal(in.body, &hello)
	if err != nil || hello.Version != multicast.ProtocolVersion {
		writeError(w, http.StatusBadRequest, "invalid invitation")
		return
	}

	if p := s.verifiedInitiator(); p != nil {
		writeError(w, http.StatusConflict, "already in "+p.Name+"'s session")
		return
	}

	writeReply(w, http.StatusAccepted, map[string]string{}, nil, nil, "")
	go s.tryInitiator(hello)
}

func (s *Session) keyFor(salt []byte) []byte {
	id := hex.EncodeToString(salt)
	s.joiner.mu.Lock()
	defer s.joiner.mu.Unlock()
	if key, ok := s.joiner.keys[id]; ok {
		return key
	}

	key := trust.DeriveKey(s.passphrase, salt)
	s.joiner.keys[id] = key
	return key
}

// tryInitiator proves the passphrase to an initiator and checks its proof
// in return; only then is its certificate pinned.
func (s *Session) tryInitiator(hello types.SessionHello) {
	st := s.joiner
	st.mu.Lock()
	busy := st.trying[hello.Fingerprint] || st.ignored[hello.Fingerprint] || st.initiator != nil
	st.trying[hello.Fingerprint] = true
	st.mu.Unlock()
	if busy {
		return
	}

	defer func() {
		st.mu.Lock()
		delete(st.trying, hello.Fingerprint)
		st.mu.Unlock()
	}()

	found := types.SessionPeer{Name: hello.Name, Address: hello.Address, Port: hello.Port, Fingerprint: hello.Fingerprint, State: types.PeerDiscovered}
	s.emit(types.SessionEvent{Type: types.EventInitiator, Peer: &found, Message: fmt.Sprintf("Found initiator %s at %s (fingerprint %s)", hello.Name, hello.Address, short(hello.Fingerprint))})
	err := s.settleAddress(hello.Address)
	if err != nil {
		s.emit(types.SessionEvent{Type: types.EventWarning, Message: fmt.Sprintf("Ignoring %s: %v", hello.Name, err)})
		return
	}

	key := s.keyFor(hello.Salt)
	join := types.SessionJoin{
		SessionID:   hello.SessionID,
		Name:        s.info.Name,
		Address:     s.Info().Address,
		Port:        s.m.config.Port,
		Fingerprint: s.certFP,
		Certificate: certPEM(s.cert.Certificate[0]),
		Services:    gatedServices(s.m.config.Services(s.ctx)),
	}

	reply, err := s.call(s.ctx, peerCall{address: hello.Address, port: hello.Port, pinFP: hello.Fingerprint, method: http.MethodPost, path: pathJoin, body: join, key: key})
	if err == nil {
		err = reply.err()
	}

	switch {
	case errors.Is(err, errResponseMAC):
		st.mu.Lock()
		st.ignored[hello.Fingerprint] = true
		st.mu.Unlock()
		s.emit(types.SessionEvent{Type: types.EventWarning, Message: fmt.Sprintf("%s at %s did not prove the passphrase; ignoring it", hello.Name, hello.Address)})
		return
	case statusOf(err) == http.StatusUnauthorized:
		go s.End(fmt.Sprintf("Wrong passphrase: the initiator %s (fingerprint %s) rejected it", hello.Name, short(hello.Fingerprint)))
		return
	case statusOf(err) != 0:
		go s.End(fmt.Sprintf("The initiator %s refused this machine: %v", hello.Name, err))
		return
	case err != nil:
		s.emit(types.SessionEvent{Type: types.EventWarning, Message: fmt.Sprintf("Could not reach the initiator %s: %v", hello.Name, err)})
		return
	}

	var resp types.SessionJoinResponse
	err = json.Unmarshal(reply.body, &resp)
	clientCert, certErr := parseCertPEM(resp.ClientCertificate)
	if err != nil || certErr != nil || resp.Fingerprint != hello.Fingerprint {
		s.emit(types.SessionEvent{Type: types.EventWarning, Message: fmt.Sprintf("%s sent an invalid answer; ignoring it", hello.Name)})
		return
	}

	verified := found
	verified.State = types.PeerVerified
	verified.ClientCertificate = resp.ClientCertificate
	st.mu.Lock()
	if st.initiator != nil {
		st.mu.Unlock()
		return
	}

	st.initiator = &verified
	st.initiatorFP = hello.Fingerprint
	st.clientFP = Fingerprint(clientCert.Raw)
	s.key = key
	st.mu.Unlock()

	// Found and verified: no need to be seen by anyone else.
	st.stopAnnouncing()
	s.emit(types.SessionEvent{Type: types.EventInitiator, Peer: &verified, Message: fmt.Sprintf(
		"%s accepted the passphrase; waiting for it to select this machine (it shows this machine's fingerprint %s)", hello.Name, short(s.info.Fingerprint))})
	go s.pingInitiator(verified)
}

// pingInitiator notices an initiator whose session ended or who is gone,
// until the join it asked for is under way: from then on the join's own
// outcome (bounded) ends the session. The initiator's listener changes
// certificate when it forms MicroCloud, so its pinned session certificate
// no longer answers while other machines still join; with many machines
// that outlasted the contact limit and ended a join that was succeeding.
func (s *Session) pingInitiator(p types.SessionPeer) {
	lastContact := time.Now()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-time.After(pingInterval):
		}

		s.joiner.mu.Lock()
		joining, confirmed := s.joiner.joining, s.joiner.confirmed
		s.joiner.mu.Unlock()
		if joining {
			return
		}

		// Selected, this machine waits for its join request while the
		// initiator forms MicroCloud (and changes certificate) and sends
		// the requests one machine after another: allow for that.
		limit := contactLimit
		if confirmed {
			limit = selectedContactLimit
		}

		reply, err := s.call(s.ctx, peerCall{address: p.Address, port: p.Port, pinFP: p.Fingerprint, method: http.MethodPost, path: pathPing,
			body: types.SessionPing{SessionID: s.id}, key: s.key})
		if err == nil {
			err = reply.err()
		}

		switch {
		case err == nil:
			lastContact = time.Now()
		case s.ctx.Err() != nil:
			return
		case statusOf(err) != 0 || errors.Is(err, errResponseMAC):
			go s.End(fmt.Sprintf("The initiator %s ended its session (%v)", p.Name, err))
			return
		case time.Since(lastContact) > limit:
			go s.End(fmt.Sprintf("Lost contact with the initiator %s: %v", p.Name, err))
			return
		}
	}
}

// fromInitiator checks that a request comes from the pinned initiator and
// carries its proof.
func (s *Session) fromInitiator(w http.ResponseWriter, in *incoming) bool {
	s.joiner.mu.Lock()
	clientFP := s.joiner.clientFP
	s.joiner.mu.Unlock()
	if clientFP == "" || in.clientFP != clientFP {
		writeError(w, http.StatusForbidden, "not this session's initiator")
		return false
	}

	if s.verify(in) != nil {
		writeError(w, http.StatusUnauthorized, trust.ErrBadMAC.Error())
		return false
	}

	return true
}

// handleConfirm is the initiator selecting this machine.
func (s *Session) handleConfirm(w http.ResponseWriter, in *incoming) {
	if !s.fromInitiator(w, in) {
		return
	}

	s.joiner.mu.Lock()
	s.joiner.confirmed = true
	p := *s.joiner.initiator
	s.joiner.mu.Unlock()
	writeReply(w, http.StatusOK, map[string]string{}, s.key, in, s.info.Fingerprint)
	s.emit(types.SessionEvent{Type: types.EventConfirmed, Peer: &p, Message: fmt.Sprintf("%s selected this machine; it will now join the cluster", p.Name)})
}

// handleInitiatorStop is the initiator ending the session.
func (s *Session) handleInitiatorStop(w http.ResponseWriter, in *incoming) {
	if !s.fromInitiator(w, in) {
		return
	}

	var stop types.SessionStop
	_ = json.Unmarshal(in.body, &stop)
	writeReply(w, http.StatusOK, map[string]string{}, s.key, in, s.info.Fingerprint)
	reason := stop.Reason
	if reason == "" {
		reason = "no reason given"
	}

	s.joiner.mu.Lock()
	s.joiner.clientFP = "" // do not answer it on the way out
	s.joiner.initiator = nil
	joining := s.joiner.joining
	s.joiner.mu.Unlock()

	// A join under way goes on without the initiator, and ends the
	// session with its own outcome: the machine may well be a member.
	if joining {
		s.emit(types.SessionEvent{Type: types.EventWarning, Message: "The initiator stopped (" + reason + "); the join it started goes on"})
		return
	}

	go s.End("The initiator aborted the setup: " + reason)
}

// leaveInitiator tells a verified initiator this joiner is leaving.
func (s *Session) leaveInitiator(reason string) {
	p := s.verifiedInitiator()
	if p == nil {
		return
	}

	if reason == "" {
		// Joined: the initiator sees the new member; the old listener
		// that knew the session is gone anyway.
		return
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, _ = s.call(ctx, peerCall{address: p.Address, port: p.Port, pinFP: p.Fingerprint, method: http.MethodPost, path: pathStop,
		body: types.SessionStop{SessionID: s.id, Reason: reason}, key: s.key})
}

// Initiator is the verified initiator of a joiner's session and whether it
// confirmed this machine.
func (s *Session) Initiator() (*types.SessionPeer, bool) {
	if s.joiner == nil {
		return nil, false
	}

	s.joiner.mu.Lock()
	defer s.joiner.mu.Unlock()
	if s.joiner.initiator == nil {
		return nil, false
	}

	p := *s.joiner.initiator
	return &p, s.joiner.confirmed
}
