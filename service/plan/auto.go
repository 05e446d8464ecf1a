package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/microcloud-project/microcloud/api/types"
)

// AutoOptions are the few choices --auto takes from flags.
type AutoOptions struct {
	IPv4Gateway string
	IPv4Range   string
	IPv6Gateway string
	DNSServers  []string
}

// Auto builds the plan `microcloud init --auto` runs, from the systems'
// facts alone (doc/how-to/init.md, "--auto"): a zfs local pool when every system has a free
// disk and LXD supports zfs, else dir; Ceph on all remaining free disks when
// at least three systems have one; OVN when every system has exactly one
// eligible uplink and a gateway was given, else the bridge fallback; no
// underlay. Notes say why each choice was made.
func Auto(initiator string, addresses map[string]string, f Facts, o AutoOptions) (Plan, []string) {
	p := Plan{Mode: ModeInit, Initiator: initiator}
	var notes []string
	names := make([]string, 0, len(addresses))
	for name := range addresses {
		names = append(names, name)
	}

	sort.Strings(names)
	free := map[string][]types.Disk{}
	zfs := true
	for _, name := range names {
		p.Systems = append(p.Systems, System{Name: name, Address: addresses[name]})
		sf := f.Systems[name]
		for _, d := range sf.Inventory.Disks {
			if d.Local.Eligible {
				free[name] = append(free[name], d)
			}
		}

		if !slices.Contains(sf.Inventory.StorageDrivers, DriverZFS) {
			zfs = false
		}
	}

	// Local pool.
	everyHasDisk := len(names) > 0
	for _, name := range names {
		if len(free[name]) == 0 {
			everyHasDisk = false
		}
	}

	switch {
	case everyHasDisk && zfs:
		p.LocalPool = &LocalPool{Driver: DriverZFS}
		for i := range p.Systems {
			d := free[p.Systems[i].Name][0]
			free[p.Systems[i].Name] = free[p.Systems[i].Name][1:]
			p.Systems[i].LocalDisk = &Disk{Path: d.Path}
		}

		notes = append(notes, "local storage: zfs on one free disk per system")
	case everyHasDisk:
		p.LocalPool = &LocalPool{Driver: DriverDir}
		notes = append(notes, "local storage: dir (LXD here does not support zfs)")
	default:
		p.LocalPool = &LocalPool{Driver: DriverDir}
		notes = append(notes, "local storage: dir (not every system has a free disk)")
	}

	// Ceph on every remaining free disk.
	withDisks := 0
	for _, name := range names {
		if len(free[name]) > 0 {
			withDisks++
		}
	}

	switch {
	case withDisks >= RecommendedMembers && allHave(f, names, types.MicroCeph):
		p.Ceph = &Ceph{}
		for i := range p.Systems {
			for _, d := range free[p.Systems[i].Name] {
				p.Systems[i].CephDisks = append(p.Systems[i].CephDisks, Disk{Path: d.Path})
			}
		}

		notes = append(notes, fmt.Sprintf("distributed storage: Ceph on the free disks of %d systems", withDisks))
	case withDisks >= RecommendedMembers:
		notes = append(notes, "no distributed storage: MicroCeph is not on every system")
	default:
		notes = append(notes, fmt.Sprintf("no distributed storage: %d system(s) have free disks, %d are needed", withDisks, RecommendedMembers))
	}

	// OVN.
	uplinks := map[string]string{}
	for _, name := range names {
		var eligible []string
		for _, iface := range f.Systems[name].Inventory.Interfaces {
			if iface.Uplink.Eligible {
				eligible = append(eligible, iface.Name)
			}
		}

		if len(eligible) == 1 {
			uplinks[name] = eligible[0]
		}
	}

	gateway := o.IPv4Gateway != "" || o.IPv6Gateway != ""
	switch {
	case !allHave(f, names, types.MicroOVN):
		notes = append(notes, "no distributed networking: MicroOVN is not on every system; a local bridge is used")
	case len(uplinks) != len(names):
		var without []string
		for _, name := range names {
			if uplinks[name] == "" {
				without = append(without, name)
			}
		}

		notes = append(notes, fmt.Sprintf("no distributed networking: not exactly one eligible uplink interface on %s; a local bridge is used", strings.Join(without, ", ")))
	case !gateway:
		notes = append(notes, "no distributed networking: no uplink gateway given (--ovn-ipv4-gateway and --ovn-ipv4-range, or --ovn-ipv6-gateway); a local bridge is used")
	default:
		p.OVN = &OVN{IPv4Gateway: o.IPv4Gateway, IPv4Range: o.IPv4Range, IPv6Gateway: o.IPv6Gateway, DNSServers: o.DNSServers}
		for i := range p.Systems {
			p.Systems[i].UplinkInterface = uplinks[p.Systems[i].Name]
		}

		notes = append(notes, "distributed networking: OVN on each system's only eligible uplink interface")
	}

	return p, notes
}

func allHave(f Facts, names []string, t types.ServiceType) bool {
	for _, name := range names {
		if _, ok := f.Systems[name].Service(t); !ok {
			return false
		}
	}

	return true
}
