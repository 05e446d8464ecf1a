package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
)

// confirmedPeer finds a peer the operator selected.
func (s *Session) confirmedPeer(name string) (types.SessionPeer, error) {
	if s.role != types.RoleInitiator {
		return types.SessionPeer{}, errors.New("this machine is not the initiator")
	}

	for _, p := range s.Peers() {
		if p.Name == name && p.State == types.PeerConfirmed {
			return p, nil
		}
	}

	return types.SessionPeer{}, fmt.Errorf("%s is not a selected member of this session", name)
}

// PeerInventory asks a selected joiner for its services, interfaces and disks.
func (s *Session) PeerInventory(ctx context.Context, name string) (*types.SessionInventory, error) {
	p, err := s.confirmedPeer(name)
	if err != nil {
		return nil, err
	}

	reply, err := s.call(ctx, peerCall{address: p.Address, port: p.Port, pinFP: p.Fingerprint, method: http.MethodPost, path: pathInventory,
		body: map[string]string{"session_id": s.id}, key: s.key})
	if err == nil {
		err = reply.err()
	}

	if err != nil {
		return nil, fmt.Errorf("Failed to get %s's inventory: %w", name, err)
	}

	inv := &types.SessionInventory{}
	err = json.Unmarshal(reply.body, inv)
	if err != nil {
		return nil, err
	}

	return inv, nil
}

// JoinPeer tells a selected joiner to join MicroCloud with token. The joiner
// answers at once and joins in the background (its session listener is
// replaced by the cluster's while it joins); the caller watches MicroCloud's
// member list, and a failure comes back as the peer leaving with a reason.
func (s *Session) JoinPeer(ctx context.Context, name string, address string, token string) error {
	p, err := s.confirmedPeer(name)
	if err != nil {
		return err
	}

	reply, err := s.call(ctx, peerCall{address: p.Address, port: p.Port, pinFP: p.Fingerprint, method: http.MethodPost, path: pathCluster,
		body: types.SessionClusterJoin{SessionID: s.id, Name: name, Address: address, Token: token}, key: s.key})
	if err == nil {
		err = reply.err()
	}

	if err != nil {
		return fmt.Errorf("Failed to ask %s to join MicroCloud: %w", name, err)
	}

	return nil
}

// handleInventory describes this joiner to its initiator.
func (s *Session) handleInventory(w http.ResponseWriter, in *incoming) {
	if !s.fromInitiator(w, in) {
		return
	}

	sys, err := s.m.config.System(s.ctx)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}

	writeReply(w, http.StatusOK, types.SessionInventory{Services: s.m.config.Services(s.ctx), System: *sys}, s.key, in, s.info.Fingerprint)
}

// handleCluster joins MicroCloud on the initiator's word, after it selected
// this machine.
func (s *Session) handleCluster(w http.ResponseWriter, in *incoming) {
	if !s.fromInitiator(w, in) {
		return
	}

	s.joiner.mu.Lock()
	confirmed := s.joiner.confirmed
	s.joiner.mu.Unlock()
	var req types.SessionClusterJoin
	err := json.Unmarshal(in.body, &req)
	switch {
	case !confirmed:
		writeError(w, http.StatusForbidden, "this machine was not selected")
		return
	case err != nil || req.Token == "":
		writeError(w, http.StatusBadRequest, "invalid join request")
		return
	case req.Name != s.info.Name:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("this machine is %s, not %s", s.info.Name, req.Name))
		return
	}

	host, _, err := net.SplitHostPort(req.Address)
	own := s.Info().Address
	if err != nil || net.ParseIP(host) == nil || net.ParseIP(host).String() != net.ParseIP(own).String() {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("address %s is not this machine's session address %s", req.Address, own))
		return
	}

	s.joiner.mu.Lock()
	s.joiner.joining = true
	s.joiner.mu.Unlock()
	writeReply(w, http.StatusAccepted, map[string]string{}, s.key, in, s.info.Fingerprint)
	p, _ := s.Initiator()
	s.emit(types.SessionEvent{Type: types.EventConfirmed, Peer: p, Message: "Joining the MicroCloud..."})
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		err := s.m.config.JoinCluster(ctx, req.Name, req.Address, req.Token)
		if err != nil {
			s.End("Failed to join the MicroCloud: " + err.Error())
			return
		}

		// Joined: the initiator forms the other services from here.
		s.joiner.mu.Lock()
		s.joiner.joined = true
		s.joiner.mu.Unlock()
		s.End("")
	}()
}
