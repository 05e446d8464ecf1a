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
