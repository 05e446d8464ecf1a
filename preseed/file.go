package preseed

// File is a whole preseed file. The YAML names are the reference
// MicroCloud's (1.x and 2.x/3.x); the order of the fields is the order
// FromPlan writes them in.
type File struct {
	// Initiator is the host name of the system that drives the session
	// (multicast mode, 2.x).
	Initiator string `yaml:"initiator,omitempty"`

	// InitiatorAddress is the initiator's IP (unicast mode, 2.x): joiners
	// contact it directly and every system then gives its address.
	InitiatorAddress string `yaml:"initiator_address,omitempty"`

	// LookupSubnet limits discovery to a subnet; a system's MicroCloud
	// address is its address inside it. In 1.x files without an initiator
	// its IP is the initiator's own address.
	LookupSubnet string `yaml:"lookup_subnet,omitempty"`

	// LookupInterface restricts discovery to one interface (1.x).
	LookupInterface string `yaml:"lookup_interface,omitempty"`

	// LookupTimeout is how long to wait for the listed systems, in seconds
	// (0: DefaultLookupTimeout).
	LookupTimeout int64 `yaml:"lookup_timeout,omitempty" expect:"a whole number of seconds"`

	// SessionPassphrase is the shared secret of the trust session.
	SessionPassphrase string `yaml:"session_passphrase,omitempty"`

	// SessionTimeout is the life of the trust session, in seconds
	// (0: DefaultSessionTimeout).
	SessionTimeout int64 `yaml:"session_timeout,omitempty" expect:"a whole number of seconds"`

	Systems []System `yaml:"systems"`
	OVN     OVN      `yaml:"ovn,omitempty"`
	Ceph    Ceph     `yaml:"ceph,omitempty"`
	Storage Storage  `yaml:"storage,omitempty"`
}

// System is one machine of the file.
type System struct {
	// Name is the machine's host name.
	Name string `yaml:"name"`

	// Address is the machine's MicroCloud address (unicast mode only).
	Address string `yaml:"address,omitempty"`

	// UplinkInterface is the interface given to OVN as uplink.
	UplinkInterface string `yaml:"ovn_uplink_interface,omitempty"`

	// UnderlayIP is the machine's Geneve encapsulation address.
	UnderlayIP string `yaml:"ovn_underlay_ip,omitempty"`

	// Storage names disks explicitly; disk filters skip such machines.
	Storage SystemStorage `yaml:"storage,omitempty"`
}

// SystemStorage is the disks one machine gives, by path.
type SystemStorage struct {
	Local DirectDisk   `yaml:"local,omitempty"`
	Ceph  []DirectDisk `yaml:"ceph,omitempty"`
}

// DirectDisk is one disk by path. For Ceph, Path may also be MicroCeph's
// file-backed form "loop,<size>,<count>" (our extension).
type DirectDisk struct {
	Path    string `yaml:"path"`
	Wipe    bool   `yaml:"wipe,omitempty"`
	Encrypt bool   `yaml:"encrypt,omitempty"`
}

// given reports whether the file says anything about this disk.
func (d DirectDisk) given() bool {
	return d != DirectDisk{}
}

// OVN is the uplink network's settings.
type OVN struct {
	IPv4Gateway string `yaml:"ipv4_gateway,omitempty"`
	IPv4Range   string `yaml:"ipv4_range,omitempty"`
	IPv6Gateway string `yaml:"ipv6_gateway,omitempty"`

	// DNSServers is a comma-separated list, as in the reference.
	DNSServers string `yaml:"dns_servers,omitempty" expect:"a comma-separated string of IP addresses (like 10.1.123.1,8.8.8.8)"`
}

// Ceph is the distributed storage's settings.
type Ceph struct {
	CephFS          bool   `yaml:"cephfs,omitempty"`
	InternalNetwork string `yaml:"internal_network,omitempty"`
	PublicNetwork   string `yaml:"public_network,omitempty"`
}

// Storage holds the disk filters, for machines that name no disk.
type Storage struct {
	Local []DiskFilter `yaml:"local,omitempty"`
	Ceph  []DiskFilter `yaml:"ceph,omitempty"`
}

// DiskFilter picks disks by their properties (see Filter).
type DiskFilter struct {
	Find string `yaml:"find"`

	// FindMin and FindMax bound how many disks the filter must match. For
	// Ceph they count disks across all systems; for the local pool, systems
	// that got their disk from this filter. 0 means no bound, except that a
	// local filter's minimum is then 1.
	FindMin int `yaml:"find_min,omitempty"`
	FindMax int `yaml:"find_max,omitempty"`

	Wipe    bool `yaml:"wipe,omitempty"`
	Encrypt bool `yaml:"encrypt,omitempty"`

	// matcher is Find compiled, once, when the file is validated.
	matcher *Filter
}
