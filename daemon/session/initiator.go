package session

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/daemon/trust"
	"github.com/microcloud-project/microcloud/multicast"
)

// lookupInterval is how often the initiator asks for announcements: each
// joiner is seen within this time of announcing itself.
const lookupInterval = 400 * time.Millisecond

// reinviteAfter spaces invitations to a joiner that has not answered.
const reinviteAfter = 3 * time.Second

type initiatorState struct {
	mu       sync.Mutex
	peers    map[string]*peerRecord
	failures int
}

type peerRecord struct {
	types.SessionPeer
	lastInvite time.Time
}

func (s *Session) startInitiator(req types.SessionStart) error {
	address, iface, subnet, err := s.m.chooseAddress(req.Address, "")
	if err != nil {
		return err
	}

	passphrase := trust.Normalize(req.Passphrase)
	if passphrase == "" {
		passphrase, err = trust.NewPassphrase()
		if err != nil {
			return err
		}
	}

	s.salt, err = trust.NewSalt()
	if err != nil {
		return err
	}

	s.passphrase = passphrase
	s.key = trust.DeriveKey(passphrase, s.salt)
	s.subnet = subnet
	s.initiator = &initiatorState{peers: map[string]*peerRecord{}}
	s.info.Address = address
	s.info.Interface = iface.Name
	s.info.Passphrase = passphrase

	families, famErr := multicast.ProbeFamilies(iface)
	s.info.Multicast = describeFamilies(families, famErr)
	s.emit(types.SessionEvent{Type: types.EventSession, Session: &s.info})
	if famErr != nil {
		// Joiners that know this machine's address can still come.
		s.emit(types.SessionEvent{Type: types.EventWarning, Message: famErr.Error()})
		return nil
	}

	go func() {
		err := multicast.Lookup(s.ctx, iface, lookupInterval, s.onFound)
		if err != nil {
			s.emit(types.SessionEvent{Type: types.EventWarning, Message: "Multicast lookup stopped: " + err.Error()})
		}
	}()

	return nil
}

func describeFamilies(f multicast.Families, err error) string {
	if err != nil {
		return "unavailable"
	}

	switch {
	case f.IPv4 && f.IPv6:
		return "IPv4 and IPv6"
	case f.IPv4:
		return "IPv4 only (" + strings.Join(f.Notes, "; ") + ")"
	default:
		return "IPv6 only (" + strings.Join(f.Notes, "; ") + ")"
	}
}

// hello is the initiator's public description of its session.
func (s *Session) hello() types.SessionHello {
	return types.SessionHello{
		Version:     multicast.ProtocolVersion,
		Name:        s.info.Name,
		Address:     s.info.Address,
		Port:        s.m.config.Port,
		Fingerprint: s.info.Fingerprint,
		Salt:        s.salt,
		SessionID:   s.id,
	}
}

// onFound handles one announcement: compatible machines are invited, others
// are listed with the reason they cannot join.
func (s *Session) onFound(f multicast.Found) {
	a := f.Announcement
	if a.Fingerprint == s.info.Fingerprint {
		return
	}

	key := a.Fingerprint
	if key == "" {
		key = "instance:" + f.Instance
	}

	name := a.Name
	if name == "" {
		name = f.Instance
	}

	st := s.initiator
	st.mu.Lock()
	p, known := st.peers[key]
	if !known {
		p = &peerRecord{SessionPeer: types.SessionPeer{Name: name, Address: a.Address, Port: a.Port, Fingerprint: a.Fingerprint, State: types.PeerDiscovered}}
		st.peers[key] = p
	}

	before := p.SessionPeer
	invite := false
	switch {
	case f.Err != nil:
		p.State, p.Reason = types.PeerIncompatible, "unreadable announcement: "+f.Err.Error()
	case a.Version != multicast.ProtocolVersion:
		p.State, p.Reason = types.PeerIncompatible, fmt.Sprintf("speaks discovery protocol %s (this machine speaks %s)", a.Version, multicast.ProtocolVersion)
	case !s.subnet.Contains(net.ParseIP(a.Address)):
		p.State, p.Reason = types.PeerIncompatible, fmt.Sprintf("address %s is outside this machine's subnet %s", a.Address, s.subnet)
	case p.State == types.PeerVerified || p.State == types.PeerConfirmed:
	default:
		if p.State == types.PeerIncompatible {
			p.State, p.Reason = types.PeerDiscovered, ""
		}

		p.Name, p.Address, p.Port = name, a.Address, a.Port
		invite = time.Since(p.lastInvite) > reinviteAfter
		if invite {
			p.lastInvite = time.Now()
		}
	}

	changed := !known || !samePeer(before, p.SessionPeer)
	snapshot := p.SessionPeer
	st.mu.Unlock()

	if changed {
		s.emit(types.SessionEvent{Type: types.EventPeer, Peer: &snapshot})
	}

	if invite {
		go s.invite(key, snapshot)
	}
}

func samePeer(a types.SessionPeer, b types.SessionPeer) bool {
	return a.Name == b.Name && a.Address == b.Address && a.State == b.State && a.Reason == b.Reason && a.Port == b.Port
}

// invite tells an announced joiner where this session is. The invitation
// carries nothing secret: the joiner must prove the passphrase to join.
func (s *Session) invite(key string, p types.SessionPeer) {
	reply, err := s.call(s.ctx, peerCall{address: p.Address, port: p.Port, pinFP: p.Fingerprint, method: http.MethodPost, path: pathInvite, body: s.hello()})
	if err == nil {
		err = reply.err()
	}

	if err == nil {
		return
	}

	reason := "not reachable: " + err.Error()
	if strings.Contains(err.Error(), "is not the expected") {
		reason = "its certificate does not match its announcement"
	} else if statusOf(err) == http.StatusConflict {
		reason = "busy with another initiator"
	}

	s.updatePeer(key, func(r *peerRecord) {
		if r.State == types.PeerDiscovered {
			r.Reason = reason
		}
	})
}

// updatePeer changes a record and reports the change.
func (s *Session) updatePeer(key string, change func(*peerRecord)) {
	st := s.initiator
	st.mu.Lock()
	p, ok := st.peers[key]
	if !ok {
		st.mu.Unlock()
		return
	}

	before := p.SessionPeer
	change(p)
	snapshot := p.SessionPeer
	st.mu.Unlock()
	if !samePeer(before, snapshot) {
		s.emit(types.SessionEvent{Type: types.EventPeer, Peer: &snapshot})
	}
}

// handleJoin is a joiner proving the passphrase.
func (s *Session) handleJoin(w http.ResponseWriter, in *incoming) {
	err := s.verify(in)
	if err != nil {
		s.failedProof(in, err)
		writeError(w, http.StatusUnauthorized, trust.ErrBadMAC.Error())
		return
	}

	var j types.SessionJoin
	err = json.Unmarshal(in.body, &j)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid join request: "+err.Error())
		return
	}

	cert, err := parseCertPEM(j.Certificate)
	switch {
	case err != nil || Fingerprint(cert.Raw) != in.clientFP || j.Fingerprint != in.clientFP:
		writeError(w, http.StatusBadRequest, "the join request's certificate is not the TLS client certificate")
		return
	case j.SessionID != s.id:
		writeError(w, http.StatusConflict, "the join request is for another session")
		return
	}

	reason := s.checkJoiner(j)
	state := types.PeerVerified
	if reason != "" {
		state = types.PeerRejected
	}

	st := s.initiator
	st.mu.Lock()
	p, ok := st.peers[j.Fingerprint]
	if !ok {
		p = &peerRecord{}
		st.peers[j.Fingerprint] = p
	}

	p.SessionPeer = types.SessionPeer{Name: j.Name, Address: j.Address, Port: j.Port, Fingerprint: j.Fingerprint, State: state, Reason: reason, Services: j.Services, Certificate: j.Certificate}
	snapshot := p.SessionPeer
	st.mu.Unlock()
	s.emit(types.SessionEvent{Type: types.EventPeer, Peer: &snapshot})

	if reason != "" {
		writeError(w, http.StatusForbidden, reason)
		return
	}

	writeReply(w, http.StatusOK, types.SessionJoinResponse{
		Name: s.info.Name, Fingerprint: s.info.Fingerprint, ClientCertificate: certPEM(s.cert.Certificate[0]),
	}, s.key, in, s.info.Fingerprint)
}

// checkJoiner returns why an authenticated joiner cannot join, or "".
func (s *Session) checkJoiner(j types.SessionJoin) string {
	ip := net.ParseIP(j.Address)
	if ip == nil || !s.subnet.Contains(ip) {
		return fmt.Sprintf("address %s is outside this machine's subnet %s", j.Address, s.subnet)
	}

	if j.Name == "" || j.Name == s.info.Name {
		return fmt.Sprintf("its name %q is taken", j.Name)
	}

	st := s.initiator
	st.mu.Lock()
	defer st.mu.Unlock()
	for fp, p := range st.peers {
		if fp != j.Fingerprint && p.Name == j.Name && (p.State == types.PeerVerified || p.State == types.PeerConfirmed) {
			return fmt.Sprintf("duplicate name %q (already verified with fingerprint %s)", j.Name, short(fp))
		}
	}

	for _, svc := range j.Services {
		if svc.Type == types.LXD && svc.Usable() {
			return ""
		}
	}

	return "LXD is not running on it"
}

// failedProof records a request that did not prove the passphrase, and ends
// the session once too many did.
func (s *Session) failedProof(in *incoming, err error) {
	st := s.initiator
	st.mu.Lock()
	st.failures++
	failures := st.failures
	key := in.clientFP
	if key == "" {
		key = "unknown:" + in.r.RemoteAddr
	}

	p, ok := st.peers[key]
	if !ok {
		host, _, _ := net.SplitHostPort(in.r.RemoteAddr)
		p = &peerRecord{SessionPeer: types.SessionPeer{Name: "unknown", Address: host, Fingerprint: in.clientFP}}
		var j types.SessionJoin
		if json.Unmarshal(in.body, &j) == nil && j.Name != "" {
			p.Name = j.Name
		}

		st.peers[key] = p
	}

	p.State, p.Reason = types.PeerRejected, "failed to prove the passphrase ("+err.Error()+")"
	snapshot := p.SessionPeer
	st.mu.Unlock()

	s.emit(types.SessionEvent{Type: types.EventPeer, Peer: &snapshot})
	if failures >= MaxFailures {
		go s.End(fmt.Sprintf("Stopping the session after %d failed authentication attempts", failures))
	}
}

// verifiedPeer finds a peer by fingerprint that passed the proof.
func (s *Session) verifiedPeer(fp string) (*peerRecord, bool) {
	st := s.initiator
	st.mu.Lock()
	defer st.mu.Unlock()
	p, ok := st.peers[fp]
	if !ok || (p.State != types.PeerVerified && p.State != types.PeerConfirmed) {
		return nil, false
	}

	return p, true
}

// handlePing lets a verified joiner check that the session goes on.
func (s *Session) handlePing(w http.ResponseWriter, in *incoming) {
	if _, ok := s.verifiedPeer(in.clientFP); !ok {
		writeError(w, http.StatusForbidden, "not a verified member of this session")
		return
	}

	err := s.verify(in)
	if err != nil {
		writeError(w, http.StatusUnauthorized, trust.ErrBadMAC.Error())
		return
	}

	writeReply(w, http.StatusOK, map[string]string{}, s.key, in, s.info.Fingerprint)
}

// handlePeerStop is a joiner leaving.
func (s *Session) handlePeerStop(w http.ResponseWriter, in *incoming) {
	if _, ok := s.verifiedPeer(in.clientFP); !ok {
		writeError(w, http.StatusForbidden, "not a verified member of this session")
		return
	}

	err := s.verify(in)
	if err != nil {
		writeError(w, http.StatusUnauthorized, trust.ErrBadMAC.Error())
		return
	}

	var stop types.SessionStop
	_ = json.Unmarshal(in.body, &stop)
	writeReply(w, http.StatusOK, map[string]string{}, s.key, in, s.info.Fingerprint)
	s.updatePeer(in.clientFP, func(r *peerRecord) {
		r.State, r.Reason = types.PeerLeft, stop.Reason
	})
}

// Peers lists the session's peers by name.
func (s *Session) Peers() []types.SessionPeer {
	if s.initiator == nil {
		return nil
	}

	st := s.initiator
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]types.SessionPeer, 0, len(st.peers))
	for _, p := range st.peers {
		out = append(out, p.SessionPeer)
	}

	sort.Slice(out, func(i, j int) bool { return out[i].Name+out[i].Fingerprint < out[j].Name+out[j].Fingerprint })
	return out
}

// Confirm tells the named verified peers that the operator selected them.
// It returns, per name, why a confirmation failed.
func (s *Session) Confirm(names []string) map[string]string {
	errs := map[string]string{}
	if s.role != types.RoleInitiator {
		for _, n := range names {
			errs[n] = "this machine is not the initiator"
		}

		return errs
	}

	byName := map[string]types.SessionPeer{}
	for _, p := range s.Peers() {
		if p.State == types.PeerVerified || p.State == types.PeerConfirmed {
			byName[p.Name] = p
		}
	}

	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, name := range names {
		p, ok := byName[name]
		if !ok {
			errs[name] = "not a verified peer of this session"
			continue
		}

		wg.Add(1)
		go func() {
			defer wg.Done()
			reply, err := s.call(s.ctx, peerCall{address: p.Address, port: p.Port, pinFP: p.Fingerprint, method: http.MethodPost, path: pathConfirm, body: map[string]string{"session_id": s.id}, key: s.key})
			if err == nil {
				err = reply.err()
			}

			if err != nil {
				mu.Lock()
				errs[name] = err.Error()
				mu.Unlock()
				return
			}

			s.updatePeer(p.Fingerprint, func(r *peerRecord) { r.State, r.Reason = types.PeerConfirmed, "" })
		}()
	}

	wg.Wait()
	return errs
}

// stopPeers tells every verified joiner that the session ended.
func (s *Session) stopPeers(reason string) {
	if s.initiator == nil {
		return
	}

	if reason == "" {
		reason = "the session ended"
	}

	var wg sync.WaitGroup
	for _, p := range s.Peers() {
		if p.State != types.PeerVerified && p.State != types.PeerConfirmed {
			continue
		}

		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, _ = s.call(ctx, peerCall{address: p.Address, port: p.Port, pinFP: p.Fingerprint, method: http.MethodPost, path: pathStop,
				body: types.SessionStop{SessionID: s.id, Reason: reason}, key: s.key})
		}()
	}

	wg.Wait()
}
