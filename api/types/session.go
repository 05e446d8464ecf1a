package types

// Roles in a discovery session.
const (
	RoleInitiator = "initiator"
	RoleJoiner    = "joiner"
)

// SessionStart starts a session on the local daemon (POST /1.0/session,
// control socket only). The response is a stream of SessionEvent, one JSON
// object per line, for the life of the session; closing it ends the session.
type SessionStart struct {
	Role string `json:"role"`

	// Passphrase is required for joiners; an initiator generates one when
	// it is empty.
	Passphrase string `json:"passphrase,omitempty"`

	// Address is this machine's address for MicroCloud (it chooses the
	// interface discovery runs on). Empty picks the only candidate.
	Address string `json:"address,omitempty"`

	// InitiatorAddress makes a joiner contact the initiator directly
	// (networks without multicast).
	InitiatorAddress string `json:"initiator_address,omitempty"`

	// Timeout ends the session, in seconds (0: one hour).
	Timeout int `json:"timeout,omitempty"`
}

// Peer states as the initiator sees them.
const (
	PeerDiscovered   = "discovered"   // announced, invited, not yet proven
	PeerIncompatible = "incompatible" // another protocol or subnet: never invited
	PeerRejected     = "rejected"     // failed authentication or a check
	PeerVerified     = "verified"     // proved the passphrase; can be selected
	PeerConfirmed    = "confirmed"    // selected by the operator and told so
	PeerLeft         = "left"         // ended its side of the session
)

// ShortFingerprint is the part of a certificate fingerprint operators
// compare between machines: the first 12 hex digits.
func ShortFingerprint(fp string) string {
	if len(fp) > 12 {
		return fp[:12]
	}

	return fp
}

// SessionPeer is a machine on the other side of the session.
type SessionPeer struct {
	Name        string         `json:"name"`
	Address     string         `json:"address"`
	Port        int            `json:"port"`
	Fingerprint string         `json:"fingerprint"`
	State       string         `json:"state"`
	Reason      string         `json:"reason,omitempty"`
	Services    []ServiceState `json:"services,omitempty"`

	// Certificate is the peer's pinned certificate (PEM), once verified:
	// later calls to the peer are mutual TLS with exactly this certificate.
	Certificate string `json:"certificate,omitempty"`

	// ClientCertificate is the certificate the initiator calls joiners
	// with (joiner side only).
	ClientCertificate string `json:"client_certificate,omitempty"`
}

// SessionInfo describes the session itself.
type SessionInfo struct {
	Role        string `json:"role"`
	Name        string `json:"name"`
	Address     string `json:"address"`
	Interface   string `json:"interface"`
	Fingerprint string `json:"fingerprint"`

	// Passphrase is shown to the initiator's operator only.
	Passphrase string `json:"passphrase,omitempty"`

	// Multicast says how discovery runs ("IPv4 and IPv6", "IPv6 only (...)").
	Multicast string `json:"multicast,omitempty"`
	ExpiresAt int64  `json:"expires_at"`
}

// Session event types.
const (
	EventSession   = "session"   // first event: the session started
	EventPeer      = "peer"      // a peer appeared or changed (initiator)
	EventInitiator = "initiator" // the initiator was found or changed (joiner)
	EventConfirmed = "confirmed" // the initiator selected this machine (joiner)
	EventWarning   = "warning"
	EventEnded     = "ended" // last event; Error says why if not a success
)

// SessionEvent is one line of the session stream.
type SessionEvent struct {
	Type    string       `json:"type"`
	Session *SessionInfo `json:"session,omitempty"`
	Peer    *SessionPeer `json:"peer,omitempty"`
	Message string       `json:"message,omitempty"`
	Error   string       `json:"error,omitempty"`
}

// SessionConfirm selects verified peers (PUT /1.0/session/confirm).
type SessionConfirm struct {
	Peers []string `json:"peers"`
}

// SessionConfirmResult says, per peer, whether the confirmation arrived.
type SessionConfirmResult struct {
	Errors map[string]string `json:"errors"`
}

// The peer-to-peer messages of a session (/1.0/session/peer/...). Each
// request and response carries a MAC keyed by the passphrase (package trust).

// SessionHello describes an initiator's session: sent as an invitation to
// announced joiners, or fetched by joiners that know the initiator's address.
type SessionHello struct {
	Version     string `json:"version"`
	Name        string `json:"name"`
	Address     string `json:"address"`
	Port        int    `json:"port"`
	Fingerprint string `json:"fingerprint"`
	Salt        []byte `json:"salt"`
	SessionID   string `json:"session_id"`
}

// SessionJoin is a joiner's request to be part of the initiator's session.
type SessionJoin struct {
	SessionID   string         `json:"session_id"`
	Name        string         `json:"name"`
	Address     string         `json:"address"`
	Port        int            `json:"port"`
	Fingerprint string         `json:"fingerprint"`
	Certificate string         `json:"certificate"`
	Services    []ServiceState `json:"services"`
}

// SessionJoinResponse is the initiator's proof in return.
type SessionJoinResponse struct {
	Name              string `json:"name"`
	Fingerprint       string `json:"fingerprint"`
	ClientCertificate string `json:"client_certificate"`
}

// SessionStop ends the other side's session.
type SessionStop struct {
	SessionID string `json:"session_id"`
	Reason    string `json:"reason"`
}

// SessionPing is a joiner checking that the initiator's session goes on.
type SessionPing struct {
	SessionID string `json:"session_id"`
}

// SessionInventory is what a confirmed joiner tells its initiator about
// itself, so that the plan can be made and checked before anything changes.
type SessionInventory struct {
	Services []ServiceState `json:"services"`
	System   System         `json:"system"`
}

// SessionClusterJoin tells a confirmed joiner to join MicroCloud.
type SessionClusterJoin struct {
	SessionID string `json:"session_id"`
	Name      string `json:"name"`
	Address   string `json:"address"`
	Token     string `json:"token"`
}

// SessionSnapshot describes the current session (GET /1.0/session).
type SessionSnapshot struct {
	Session   SessionInfo   `json:"session"`
	Peers     []SessionPeer `json:"peers,omitempty"`
	Initiator *SessionPeer  `json:"initiator,omitempty"`
	Confirmed bool          `json:"confirmed"`
}
