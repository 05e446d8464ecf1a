package types

// RecoveryMember is one member of a service's database as its files on
// this machine list it (readable without a quorum).
type RecoveryMember struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Role    string `json:"role"`
}

// RecoveryService is what this machine knows of one service's members.
type RecoveryService struct {
	Type    ServiceType      `json:"type"`
	Members []RecoveryMember `json:"members,omitempty"`
	// Error says why the members could not be read.
	Error string `json:"error,omitempty"`
}

// RecoveryReport is GET /1.0/recover: MicroCloud's and each
// microcluster-based service's members, and how microcloudd stops and
// starts daemons on this machine.
type RecoveryReport struct {
	// Control is the --service-control program ("" for systemd).
	Control  string            `json:"control"`
	Services []RecoveryService `json:"services"`

	// LXDAnswers says whether LXD's database answers (it cannot without
	// a quorum).
	LXDAnswers bool `json:"lxd_answers"`
	// Ceph says whether this machine has Ceph; CephMonitors are its
	// monmap's monitors when they answer.
	Ceph         bool     `json:"ceph"`
	CephAnswers  bool     `json:"ceph_answers"`
	CephMonitors []string `json:"ceph_monitors,omitempty"`
}

// RecoveryRequest is POST /1.0/recover/{service}: the members to keep.
type RecoveryRequest struct {
	Keep []string `json:"keep"`
}

// RecoveryResult says what a recovery step changed (nothing on a re-run).
type RecoveryResult struct {
	Changes []string `json:"changes"`
}

// Actions of POST /1.0/recover/{service}/peer, which the member running a
// recovery asks of every other member it keeps.
const (
	// PeerStop stops the service on the peer before the recovery rewrites
	// the database on the member that runs it.
	PeerStop = "stop"
	// PeerStart gives the peer the recovery tarball (when there is one)
	// and starts the service again.
	PeerStart = "start"
)

// RecoveryPeerRequest is POST /1.0/recover/{service}/peer.
type RecoveryPeerRequest struct {
	Action string   `json:"action"`
	Keep   []string `json:"keep"`
	// From is the member running the recovery: the other kept OVN
	// centrals join its raft databases.
	From string `json:"from"`
	// Tarball is microcluster's recovery tarball of the service's database
	// (MicroOVN and MicroCeph), for PeerStart.
	Tarball []byte `json:"tarball,omitempty"`
}

// HandoverRequest is POST /1.0/handover: the member running a recovery
// that keeps this one asks it to wait for MicroCloud's recovered database.
type HandoverRequest struct {
	From string `json:"from"`
}

// HandoverPath is the URL that a member waiting for MicroCloud's recovered
// database serves alone, on its cluster address (GET: it waits; PUT: the
// tarball).
const HandoverPath = "/1.0/handover"
