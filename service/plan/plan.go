// Package plan is what every front end (interactive init, --preseed, --auto,
// add) produces and the executor carries out: which systems form the cloud,
// with which addresses, networks and disks. Validate checks a Plan against
// the facts gathered from the systems before anything changes.
package plan

import (
	"sort"
	"strings"

	"github.com/microcloud-project/microcloud/api/types"
)

// Mode says whether a plan forms a new cloud or grows an existing one.
type Mode string

// Modes.
const (
	ModeInit Mode = "init"
	ModeAdd  Mode = "add"
)

// Plan is the whole of an operator's choices.
type Plan struct {
	Mode Mode `json:"mode" yaml:"mode"`

	// Initiator is the system that drives the run; in ModeInit it is one of
	// Systems, in ModeAdd it is an existing member.
	Initiator string `json:"initiator" yaml:"initiator"`

	// Systems are the machines to set up, in a stable order (by name).
	Systems []System `json:"systems" yaml:"systems"`

	// LocalPool is the per-member storage pool "local"; nil: none.
	LocalPool *LocalPool `json:"local_pool,omitempty" yaml:"local_pool,omitempty"`

	// Ceph is distributed storage; nil: no MicroCeph.
	Ceph *Ceph `json:"ceph,omitempty" yaml:"ceph,omitempty"`

	// OVN is distributed networking; nil: no MicroOVN, and LXD gets the
	// bridge fallback.
	OVN *OVN `json:"ovn,omitempty" yaml:"ovn,omitempty"`

	// Create are the services a run that grows a cloud (ModeAdd) brings
	// to it for the first time (MicroOVN, MicroCeph): bootstrapped on the
	// initiator and joined by every member and new system.
	Create []types.ServiceType `json:"create,omitempty" yaml:"create,omitempty"`

	// Members are then the cloud's members, the initiator among them, each
	// with what those services need of it: an uplink and an underlay IP
	// for OVN, disks for Ceph. Empty when Create is.
	Members []System `json:"members,omitempty" yaml:"members,omitempty"`
}

// System is one machine of the plan.
type System struct {
	Name string `json:"name" yaml:"name"`

	// Address is MicroCloud's address on this system; every service listens
	// on it (MicroCloud 9443, MicroOVN 6443, MicroCeph 7443, LXD 8443).
	Address string `json:"address" yaml:"address"`

	// UplinkInterface is the interface given to OVN as uplink ("" with no OVN).
	UplinkInterface string `json:"uplink_interface,omitempty" yaml:"uplink_interface,omitempty"`

	// UnderlayIP is the Geneve encapsulation IP ("": the system's address).
	UnderlayIP string `json:"underlay_ip,omitempty" yaml:"underlay_ip,omitempty"`

	// LocalDisk backs the "local" pool on this system (zfs); nil with dir.
	LocalDisk *Disk `json:"local_disk,omitempty" yaml:"local_disk,omitempty"`

	// CephDisks become OSDs on this system.
	CephDisks []Disk `json:"ceph_disks,omitempty" yaml:"ceph_disks,omitempty"`
}

// Disk is a disk given to a pool or to Ceph. Path is a device path, or for
// Ceph a file-backed OSD spec "loop,<size>,<count>" (MicroCeph's form).
type Disk struct {
	Path    string `json:"path" yaml:"path"`
	Wipe    bool   `json:"wipe,omitempty" yaml:"wipe,omitempty"`
	Encrypt bool   `json:"encrypt,omitempty" yaml:"encrypt,omitempty"`
}

// Local pool drivers.
const (
	DriverZFS = "zfs"
	DriverDir = "dir"
)

// LocalPool is the "local" storage pool.
type LocalPool struct {
	// Driver is zfs (a disk on every system) or dir (a directory: this
	// product's choice for machines without a spare disk).
	Driver string `json:"driver" yaml:"driver"`
}

// Ceph is the distributed storage part.
type Ceph struct {
	PublicNetwork   string `json:"public_network,omitempty" yaml:"public_network,omitempty"`
	InternalNetwork string `json:"internal_network,omitempty" yaml:"internal_network,omitempty"`
	CephFS          bool   `json:"cephfs,omitempty" yaml:"cephfs,omitempty"`
}

// OVN is the distributed networking part: the uplink network's settings.
type OVN struct {
	IPv4Gateway string   `json:"ipv4_gateway,omitempty" yaml:"ipv4_gateway,omitempty"`
	IPv4Range   string   `json:"ipv4_range,omitempty" yaml:"ipv4_range,omitempty"`
	IPv6Gateway string   `json:"ipv6_gateway,omitempty" yaml:"ipv6_gateway,omitempty"`
	DNSServers  []string `json:"dns_servers,omitempty" yaml:"dns_servers,omitempty"`
}

// System returns the named system.
func (p Plan) System(name string) (System, bool) {
	for _, s := range p.Systems {
		if s.Name == name {
			return s, true
		}
	}

	return System{}, false
}

// Sort orders the systems by name, so that equal plans print equally.
func (p *Plan) Sort() {
	sort.Slice(p.Systems, func(i, j int) bool { return p.Systems[i].Name < p.Systems[j].Name })
}

// Facts are what discovery learned about the systems, which choices are
// checked against: each system's services (versions, extensions, whether
// already clustered) and inventory (interfaces, disks, eligibility).
type Facts struct {
	Systems map[string]SystemFacts `json:"systems"`

	// Cloud is what the running MicroCloud has, when a run grows one
	// (nil otherwise).
	Cloud *Cloud `json:"cloud,omitempty"`
}

// SystemFacts are one system's facts.
type SystemFacts struct {
	Services  []types.ServiceState `json:"services"`
	Inventory types.System         `json:"inventory"`
}

// Service returns one service's state on the system.
func (f SystemFacts) Service(t types.ServiceType) (types.ServiceState, bool) {
	for _, s := range f.Services {
		if s.Type == t {
			return s, s.Usable()
		}
	}

	return types.ServiceState{Type: t}, false
}

// Interface returns the named interface.
func (f SystemFacts) Interface(name string) (types.Interface, bool) {
	for _, i := range f.Inventory.Interfaces {
		if i.Name == name {
			return i, true
		}
	}

	return types.Interface{}, false
}

// Problem is one thing wrong (or worth a warning) with a plan, with the
// place it concerns, in preseed terms ("systems[micro02].ovn_uplink_interface").
// System and Field are the same place, typed, for code that reacts to a
// problem (the wizard shows a question's own problems in place).
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
	System  string `json:"system,omitempty"`
	Field   Field  `json:"field,omitempty"`
}

// Field names a setting of a plan as a preseed file spells it: a system's
// own ("ovn_underlay_ip", "storage.ceph[0]") or the cloud's ("ovn.ipv4_range").
type Field string

// The fields that code asks about.
const (
	FieldUplink       Field = "ovn_uplink_interface"
	FieldUnderlay     Field = "ovn_underlay_ip"
	FieldLocalDisk    Field = "storage.local"
	FieldCephDisks    Field = "storage.ceph"
	FieldCephPublic   Field = "ceph.public_network"
	FieldCephInternal Field = "ceph.internal_network"
)

// In reports whether the field is section or one of its parts
// ("storage.ceph[1]" is in "storage.ceph").
func (f Field) In(section Field) bool {
	rest, ok := strings.CutPrefix(string(f), string(section))
	return ok && (rest == "" || rest[0] == '[' || rest[0] == '.')
}

// NewProblem is a problem at a path, with its system and field read from it.
func NewProblem(path string, message string) Problem {
	p := Problem{Path: path, Message: message, Field: Field(path)}
	if rest, ok := strings.CutPrefix(path, "systems["); ok {
		if name, field, ok := strings.Cut(rest, "]"); ok {
			p.System, p.Field = name, Field(strings.TrimPrefix(field, "."))
		}
	}

	return p
}

// Is reports whether the problem concerns this field of this system
// (system "" for the cloud's own settings).
func (p Problem) Is(system string, field Field) bool {
	return p.System == system && p.Field.In(field)
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}

	return p.Path + ": " + p.Message
}
