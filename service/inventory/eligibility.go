// Package inventory describes a machine's network interfaces and disks and
// decides, with a reason, what each can be used for (doc/how-to/init.md lists the reasons). The rules
// here are pure functions of the facts; reading the facts from the kernel and
// LXD lives in interfaces.go and disks.go.
package inventory

import (
	"fmt"
	"strings"

	"github.com/microcloud-project/microcloud/api/types"
)

// UplinkEligibility decides whether an interface can be given to OVN as its
// uplink: it must be up, carry no global address (a bridge may: LXD then
// connects through a veth and the host keeps its address), not be managed by
// LXD, and not already be a port of a bridge, bond or switch.
func UplinkEligibility(i types.Interface) types.Eligibility {
	switch {
	case i.Type == "loopback":
		return types.Ineligible("loopback")
	case i.Managed:
		return types.Ineligible("managed by LXD")
	case i.Master != "":
		return types.Ineligible(fmt.Sprintf("port of %s", i.Master))
	case i.State != "up":
		return types.Ineligible("DOWN")
	case len(i.Addresses) > 0 && i.Type != "bridge":
		return types.Ineligible(fmt.Sprintf("has IP %s", strings.Join(i.Addresses, ", ")))
	}

	return types.Eligible
}

// AddressedEligibility decides whether an interface can carry an OVN underlay
// or a Ceph network: it must be up and hold a global address of its own.
func AddressedEligibility(i types.Interface) types.Eligibility {
	switch {
	case i.Type == "loopback":
		return types.Ineligible("loopback")
	case i.Managed:
		return types.Ineligible("managed by LXD")
	case i.State != "up":
		return types.Ineligible("DOWN")
	case len(i.Addresses) == 0:
		return types.Ineligible("no IP address")
	}

	return types.Eligible
}

// DiskEligibility decides whether a disk can be given to a storage pool or
// Ceph as a whole device: it must be writable, have media, and be free of
// partitions, mounts and any holder or signature that shows it is in use.
// Local and Ceph disks follow the same rule.
func DiskEligibility(d types.Disk) types.Eligibility {
	switch {
	case d.Type == "cdrom":
		return types.Ineligible("CD-ROM")
	case d.ReadOnly:
		return types.Ineligible("read-only")
	case d.Size == 0:
		return types.Ineligible("no media")
	case len(d.Partitions) > 0:
		return types.Ineligible(fmt.Sprintf("partitioned (%d partitions)", len(d.Partitions)))
	case d.Mounted:
		return types.Ineligible("mounted")
	case len(d.UsedBy) > 0:
		return types.Ineligible("in use: " + strings.Join(d.UsedBy, ", "))
	}

	return types.Eligible
}

// Classify fills in the eligibility fields of every interface and disk.
func Classify(sys *types.System) {
	for i := range sys.Interfaces {
		iface := &sys.Interfaces[i]
		iface.Uplink = UplinkEligibility(*iface)
		iface.Underlay = AddressedEligibility(*iface)
		iface.CephNetwork = iface.Underlay
	}

	for i := range sys.Disks {
		disk := &sys.Disks[i]
		disk.Local = DiskEligibility(*disk)
		disk.Ceph = disk.Local
	}
}
