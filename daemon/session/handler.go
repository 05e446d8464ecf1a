package session

import (
	"net/http"

	"github.com/microcloud-project/microcloud/api/types"
)

// ServePeer answers the peer-to-peer endpoints of the current session
// (/1.0/session/peer/...). They are reachable without a trusted
// certificate: every request that matters proves the passphrase instead.
func (m *Manager) ServePeer(w http.ResponseWriter, r *http.Request) {
	s := m.Current()
	if s == nil {
		writeError(w, http.StatusNotFound, ErrNoSession.Error())
		return
	}

	in, err := readIncoming(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}

	initiator := s.role == types.RoleInitiator
	switch {
	case r.URL.Path == pathHello && r.Method == http.MethodGet && initiator:
		writeReply(w, http.StatusOK, s.hello(), nil, nil, "")
	case r.URL.Path == pathJoin && r.Method == http.MethodPost && initiator:
		s.handleJoin(w, in)
	case r.URL.Path == pathPing && r.Method == http.MethodPost && initiator:
		s.handlePing(w, in)
	case r.URL.Path == pathStop && r.Method == http.MethodPost && initiator:
		s.handlePeerStop(w, in)
	case r.URL.Path == pathInvite && r.Method == http.MethodPost && !initiator:
		s.handleInvite(w, in)
	case r.URL.Path == pathConfirm && r.Method == http.MethodPost && !initiator:
		s.handleConfirm(w, in)
	case r.URL.Path == pathStop && r.Method == http.MethodPost && !initiator:
		s.handleInitiatorStop(w, in)
	case r.URL.Path == pathInventory && r.Method == http.MethodPost && !initiator:
		s.handleInventory(w, in)
	case r.URL.Path == pathCluster && r.Method == http.MethodPost && !initiator:
		s.handleCluster(w, in)
	default:
		writeError(w, http.StatusNotFound, "no such endpoint in a "+s.role+" session")
	}
}
