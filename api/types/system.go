package types

// System is the inventory of one machine (GET /1.0/system): every network
// interface and disk, each with what it can be used for and, if it cannot,
// why. Nothing is left out: ineligible items carry their reasons.
type System struct {
	Name       string      `json:"name" yaml:"name"`
	Interfaces []Interface `json:"interfaces" yaml:"interfaces"`
	Disks      []Disk      `json:"disks" yaml:"disks"`

	// StorageDrivers are the storage drivers LXD supports here.
	StorageDrivers []string `json:"storage_drivers,omitempty" yaml:"storage_drivers,omitempty"`

	// RBD is true when the kernel can map Ceph block devices (instances
	// can then start on a Ceph pool).
	RBD bool `json:"rbd" yaml:"rbd"`

	// Kernel says how the kernel has each feature Ceph needs (rbd, ceph,
	// dm_crypt): "built in", "loaded", "loadable", or "" when it has not.
	// Nil when the daemon did not look (an older microcloudd).
	Kernel map[string]string `json:"kernel,omitempty" yaml:"kernel,omitempty"`

	// Warnings explain gaps in the inventory (for example LXD unreachable, so
	// no disks and no "managed" flags).
	Warnings []string `json:"warnings,omitempty" yaml:"warnings,omitempty"`
}

// Eligibility says whether an item may be used for a purpose and, if not, why.
type Eligibility struct {
	Eligible bool   `json:"eligible" yaml:"eligible"`
	Reason   string `json:"reason,omitempty" yaml:"reason,omitempty"`
}

// Eligible is the Eligibility of an item that can be used.
var Eligible = Eligibility{Eligible: true}

// Ineligible returns the Eligibility of an item that cannot be used, with the reason.
func Ineligible(reason string) Eligibility {
	return Eligibility{Reason: reason}
}

// Interface is one network interface of a machine.
type Interface struct {
	Name string `json:"name" yaml:"name"`

	// Type is physical, bridge, bond, vlan, veth, loopback, tun or unknown.
	Type string `json:"type" yaml:"type"`

	// State is "up" or "down" (operational state: a link without carrier is down).
	State  string `json:"state" yaml:"state"`
	MTU    int    `json:"mtu" yaml:"mtu"`
	HWAddr string `json:"hwaddr,omitempty" yaml:"hwaddr,omitempty"`

	// Addresses are the global addresses in CIDR form ("10.0.0.5/24").
	Addresses []string `json:"addresses" yaml:"addresses"`

	// Managed is true when LXD manages the interface (for example lxdbr0).
	Managed bool `json:"managed" yaml:"managed"`

	// Master is the bridge, bond or switch the interface is a port of.
	Master string `json:"master,omitempty" yaml:"master,omitempty"`

	Uplink      Eligibility `json:"uplink" yaml:"uplink"`
	Underlay    Eligibility `json:"underlay" yaml:"underlay"`
	CephNetwork Eligibility `json:"ceph_network" yaml:"ceph_network"`
}

// Disk is one block device of a machine. The YAML field names are those of
// LXD's resources API, so that preseed disk filters ("size > 10GiB",
// "device_id == *disk1") read the same as in other MicroCloud implementations.
type Disk struct {
	ID              string      `json:"id" yaml:"id"`
	Device          string      `json:"device" yaml:"device"`
	Model           string      `json:"model,omitempty" yaml:"model"`
	Type            string      `json:"type,omitempty" yaml:"type"`
	ReadOnly        bool        `json:"read_only" yaml:"read_only"`
	Mounted         bool        `json:"mounted" yaml:"mounted"`
	Size            uint64      `json:"size" yaml:"size"`
	Removable       bool        `json:"removable" yaml:"removable"`
	WWN             string      `json:"wwn,omitempty" yaml:"wwn"`
	NUMANode        uint64      `json:"numa_node" yaml:"numa_node"`
	DevicePath      string      `json:"device_path,omitempty" yaml:"device_path"`
	BlockSize       uint64      `json:"block_size" yaml:"block_size"`
	FirmwareVersion string      `json:"firmware_version,omitempty" yaml:"firmware_version"`
	RPM             uint64      `json:"rpm" yaml:"rpm"`
	Serial          string      `json:"serial,omitempty" yaml:"serial"`
	DeviceID        string      `json:"device_id" yaml:"device_id"`
	PCIAddress      string      `json:"pci_address,omitempty" yaml:"pci_address"`
	Partitions      []Partition `json:"partitions" yaml:"partitions"`

	// UsedBy lists what holds the disk: device-mapper holders, filesystem or
	// Ceph signatures, mount points.
	UsedBy []string `json:"used_by" yaml:"used_by"`

	// Path is the stable path to hand to services: /dev/disk/by-id/<id> when
	// the disk has one, else /dev/disk/by-path/<path>, else /dev/<name>.
	Path string `json:"path" yaml:"path"`

	Local Eligibility `json:"local" yaml:"local"`
	Ceph  Eligibility `json:"ceph" yaml:"ceph"`
}

// Partition is one partition of a Disk.
type Partition struct {
	ID      string `json:"id" yaml:"id"`
	Size    uint64 `json:"size" yaml:"size"`
	Mounted bool   `json:"mounted" yaml:"mounted"`
}
