package types

// Wire types of microcloudd's service administration endpoints. They run
// the services' own command-line tools on the member that serves them
// (Ceph's and OVN's), for what MicroCeph's and MicroOVN's APIs do not
// offer: health, a chassis' encapsulation IP, and forgetting a dead
// member's monitor, OSDs, chassis and raft seats.

// CephReport is what Ceph says about itself (GET /1.0/ceph).
type CephReport struct {
	// Health is HEALTH_OK, HEALTH_WARN or HEALTH_ERR.
	Health string `json:"health" yaml:"health"`
	// Checks are the summaries of the failing health checks.
	Checks []string `json:"checks" yaml:"checks"`
	// Mons are the monitors of the monmap.
	Mons []string `json:"mons" yaml:"mons"`
	// Hosts are the CRUSH hosts and their OSDs.
	Hosts []CephHost `json:"hosts" yaml:"hosts"`
}

// CephHost is one host of Ceph's OSD tree.
type CephHost struct {
	Name string    `json:"name" yaml:"name"`
	OSDs []CephOSD `json:"osds" yaml:"osds"`
}

// CephOSD is one OSD of the OSD tree.
type CephOSD struct {
	ID int64 `json:"id" yaml:"id"`
	Up bool  `json:"up" yaml:"up"`
}

// OVNChassis is one chassis of OVN's southbound database (GET /1.0/ovn).
type OVNChassis struct {
	Name     string   `json:"name" yaml:"name"`
	Hostname string   `json:"hostname" yaml:"hostname"`
	EncapIPs []string `json:"encap_ips" yaml:"encap_ips"`
}

// OVNReport is OVN's view of the cloud: its chassis, and the raft servers
// of the central databases as this member's central sees them.
type OVNReport struct {
	Chassis []OVNChassis `json:"chassis" yaml:"chassis"`
	// Raft maps a database (OVN_Northbound, OVN_Southbound) to the
	// addresses of its servers; empty where this member runs no central.
	Raft map[string][]string `json:"raft" yaml:"raft"`
}

// OVNEncap is the encapsulation IP a machine's chassis is set up with
// (GET /1.0/ovn/encap-ip).
type OVNEncap struct {
	IP string `json:"ip" yaml:"ip"`
}

// OVNRouters are the logical routers OVN's northbound database lists to a
// client that connects as LXD does (GET /1.0/ovn/lxd-routers).
type OVNRouters struct {
	Northbound string   `json:"northbound" yaml:"northbound"`
	Routers    []string `json:"routers" yaml:"routers"`
}

// Forget asks a member to drop every trace a dead member left in a service
// (POST /1.0/ceph/forget, POST /1.0/ovn/forget).
type Forget struct {
	// Member is the dead member's name (its CRUSH host, monitor and
	// chassis hostname).
	Member string `json:"member" yaml:"member"`
	// Address is its address (its OVN raft seats).
	Address string `json:"address" yaml:"address"`
	// Southbound is the OVN southbound connection of the survivors.
	Southbound string `json:"southbound" yaml:"southbound"`
}

// ForgetResult says what was dropped, one line per action.
type ForgetResult struct {
	Actions []string `json:"actions" yaml:"actions"`
}

// MemberSettings are what each member was set up with (member name to key
// to value), kept in MicroCloud's database (GET and PUT /1.0/settings).
type MemberSettings map[string]map[string]string

// SettingOVNEncapIP is the encapsulation IP a member's chassis was given.
const SettingOVNEncapIP = "ovn-encap-ip"
