package plan

import (
	"fmt"
	"sort"

	"github.com/microcloud-project/microcloud/api/types"
)

// AutoGrow builds the plan `microcloud add --auto` runs: the new systems
// (addresses: name to address) take their part of what the cloud has
// (f.Cloud, and the services clustered on the initiator, a member), with
// defaults only: the first free disk for a ZFS local pool, every other
// free disk for the cloud's Ceph, the members' uplink interface name (else
// the only eligible interface), an underlay address in the members'
// underlay subnet. What cannot be chosen is left empty for Validate to
// report. Notes say what was chosen.
func AutoGrow(initiator string, addresses map[string]string, f Facts) (Plan, []string) {
	p := Plan{Mode: ModeAdd, Initiator: initiator}
	names := make([]string, 0, len(addresses))
	for name := range addresses {
		names = append(names, name)
	}

	sort.Strings(names)
	cloud := f.Cloud
	if cloud == nil {
		cloud = &Cloud{}
	}

	var notes []string
	driver := cloud.LocalDriver
	if driver == "" {
		driver = DriverDir
	}

	p.LocalPool = &LocalPool{Driver: driver}
	notes = append(notes, fmt.Sprintf("local storage: %s, as the cloud's pool \"local\"", driver))
	ceph := clusteredOn(f, initiator, types.MicroCeph)
	ovn := clusteredOn(f, initiator, types.MicroOVN)
	if ceph {
		p.Ceph = &Ceph{CephFS: cloud.RemoteFS}
	}

	if ovn {
		p.OVN = &OVN{}
	}

	for _, name := range names {
		s := System{Name: name, Address: addresses[name]}
		var free []types.Disk
		for _, d := range f.Systems[name].Inventory.Disks {
			if d.Local.Eligible {
				free = append(free, d)
			}
		}

		if driver == DriverZFS && len(free) > 0 {
			s.LocalDisk = &Disk{Path: free[0].Path}
			free = free[1:]
		}

		if ceph {
			for _, d := range free {
				if d.Ceph.Eligible {
					s.CephDisks = append(s.CephDisks, Disk{Path: d.Path})
				}
			}

			notes = append(notes, fmt.Sprintf("%s: %d disk(s) for Ceph", name, len(s.CephDisks)))
		}

		if ovn {
			s.UplinkInterface = autoGrowUplink(f, name)
			s.UnderlayIP = cloud.UnderlayFor(f, name)
			notes = append(notes, fmt.Sprintf("%s: uplink %q%s", name, s.UplinkInterface, underlayNote(s.UnderlayIP)))
		}

		p.Systems = append(p.Systems, s)
	}

	if !ceph {
		notes = append(notes, "no distributed storage: the cloud has none")
	}

	if !ovn {
		notes = append(notes, "no distributed networking: the cloud has none")
	}

	return p, notes
}

// autoGrowUplink is the members' uplink name where the system has it
// eligible, else its only eligible interface, else "".
func autoGrowUplink(f Facts, system string) string {
	if name := f.Cloud.UplinkName(); name != "" {
		if iface, ok := f.Systems[system].Interface(name); ok && iface.Uplink.Eligible {
			return name
		}
	}

	var eligible []string
	for _, iface := range f.Systems[system].Inventory.Interfaces {
		if iface.Uplink.Eligible {
			eligible = append(eligible, iface.Name)
		}
	}

	if len(eligible) == 1 {
		return eligible[0]
	}

	return ""
}

func underlayNote(ip string) string {
	if ip == "" {
		return ""
	}

	return ", underlay " + ip
}

// clusteredOn reports whether a service forms a cluster on a system.
func clusteredOn(f Facts, system string, t types.ServiceType) bool {
	st, ok := f.Systems[system].Service(t)
	return ok && st.Clustered
}
