package preseed

import (
	"net"
	"sort"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
)

// ToPlan builds the Plan a file describes, given the facts the session
// gathered from its systems; initiator is the initiator's host name (""
// takes the file's). It expects a file that passed Validate and does not
// repeat those checks. What it cannot decide is reported, never guessed:
// a listed system that did not take part, a system without an address in
// the lookup subnet, filters that find too few or too many disks. Choices
// it leaves open on purpose (a system without any uplink candidate) are
// left empty for plan.Validate to report.
func ToPlan(f *File, facts plan.Facts, initiator string) (plan.Plan, []plan.Problem) {
	var ps problems
	if initiator == "" {
		initiator = f.Initiator
	}

	switch {
	case initiator == "":
		ps.add("initiator", "unknown: the plan needs the initiator's host name")
	case f.Initiator != "" && f.Initiator != initiator:
		ps.add("initiator", "the file names %q as the initiator, not %q", f.Initiator, initiator)
	}

	p := plan.Plan{Mode: f.Mode(initiator), Initiator: initiator}
	for i, s := range f.Systems {
		sys := plan.System{Name: s.Name, Address: s.Address, UplinkInterface: s.UplinkInterface, UnderlayIP: s.UnderlayIP}
		sf, ok := facts.Systems[s.Name]
		switch {
		case !ok:
			ps.add(systemPath(i, ""), "system %q hasn't reached out: it did not join the session", s.Name)
		case sys.Address == "":
			sys.Address = addressFromFacts(sf, f.LookupSubnet)
			if sys.Address == "" {
				ps.add(systemPath(i, "address"), "system %q has no address in the lookup subnet %s", s.Name, f.LookupSubnet)
			}
		}

		p.Systems = append(p.Systems, sys)
	}

	planOVN(f, facts, &p)
	planStorage(f, facts, &p, &ps)
	if p.Mode == plan.ModeAdd {
		planCreate(facts, &p)
	}

	p.Sort()
	return p, ps
}

// planCreate brings the cloud the services the file asks for and the
// cloud does not have (an uplink on a cloud without MicroOVN, Ceph disks on
// one without MicroCeph): every member then joins them, with the defaults
// the file cannot give for members (the members' own default uplink; an
// underlay address in the subnet of the new systems' underlay).
func planCreate(facts plan.Facts, p *plan.Plan) {
	if p.OVN != nil && !clustered(facts, p.Initiator, types.MicroOVN) {
		p.Create = append(p.Create, types.MicroOVN)
	}

	if p.Ceph != nil && !clustered(facts, p.Initiator, types.MicroCeph) {
		p.Create = append(p.Create, types.MicroCeph)
	}

	if len(p.Create) == 0 || facts.Cloud == nil {
		return
	}

	underlay := ""
	for _, s := range p.Systems {
		if s.UnderlayIP != "" && underlay == "" {
			underlay = facts.Systems[s.Name].SubnetOf(s.UnderlayIP)
		}
	}

	for _, name := range sortedNames(facts.Cloud.Addresses) {
		if _, listed := p.System(name); listed {
			continue
		}

		m := plan.System{Name: name, Address: facts.Cloud.Addresses[name]}
		if p.Creates(types.MicroOVN) {
			m.UplinkInterface = plan.DefaultUplink(facts, name)
			m.UnderlayIP = facts.Systems[name].UnderlayAddressIn(underlay)
		}

		p.Members = append(p.Members, m)
	}
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}

	sort.Strings(out)
	return out
}

// addressFromFacts is a system's address inside the lookup subnet, chosen
// as LocalAddress chooses it on the system itself.
func addressFromFacts(sf plan.SystemFacts, lookupSubnet string) string {
	var ips []net.IP
	for _, iface := range sf.Inventory.Interfaces {
		for _, a := range iface.Addresses {
			ip, _, err := net.ParseCIDR(a)
			if err == nil {
				ips = append(ips, ip)
			}
		}
	}

	ip := addressInSubnet(ips, lookupSubnet)
	if ip == nil {
		return ""
	}

	return ip.String()
}

// planOVN sets up OVN when the file asks for it (an uplink or a gateway),
// or when systems are added to a cloud that has it. Systems without an
// explicit uplink get their alphabetically first eligible interface, as in
// the reference; a system without any keeps none, for plan.Validate to
// report rather than to be silently left out.
func planOVN(f *File, facts plan.Facts, p *plan.Plan) {
	want := f.OVN.IPv4Gateway != "" || f.OVN.IPv6Gateway != ""
	for _, s := range f.Systems {
		want = want || s.UplinkInterface != ""
	}

	if !want && !(p.Mode == plan.ModeAdd && clustered(facts, p.Initiator, types.MicroOVN)) {
		return
	}

	p.OVN = &plan.OVN{
		IPv4Gateway: f.OVN.IPv4Gateway,
		IPv4Range:   f.OVN.IPv4Range,
		IPv6Gateway: f.OVN.IPv6Gateway,
		DNSServers:  plan.SplitDNSServers(f.OVN.DNSServers),
	}

	// Growing a cloud, the members' uplink name and underlay subnet are
	// the defaults.
	for i := range p.Systems {
		s := &p.Systems[i]
		if s.UplinkInterface == "" {
			s.UplinkInterface = plan.DefaultUplink(facts, s.Name)
		}

		if s.UnderlayIP == "" && p.Mode == plan.ModeAdd {
			s.UnderlayIP = facts.Cloud.UnderlayFor(facts, s.Name)
		}
	}
}

// clustered reports whether a service already forms a cluster on the
// initiator: when adding systems, the cloud's Ceph or OVN then extends to
// them even if the file gives them no disk or uplink.
func clustered(facts plan.Facts, initiator string, t types.ServiceType) bool {
	sf, ok := facts.Systems[initiator]
	if !ok {
		return false
	}

	st, ok := sf.Service(t)
	return ok && st.Clustered
}

// planStorage gives each system its disks and decides the pools: local is
// zfs when systems have a local disk, dir (our extension) when none does;
// Ceph is set up when any system has a Ceph disk.
func planStorage(f *File, facts plan.Facts, p *plan.Plan, ps *problems) {
	chosen := selectDisks(f, facts, ps)
	cephDisks := 0
	for i := range p.Systems {
		s := &p.Systems[i]
		s.LocalDisk = chosen.local[s.Name]
		s.CephDisks = chosen.ceph[s.Name]
		cephDisks += len(s.CephDisks)
	}

	p.LocalPool = &plan.LocalPool{Driver: plan.DriverDir}
	switch {
	case p.Mode == plan.ModeAdd && facts.Cloud != nil && facts.Cloud.LocalDriver != "":
		// The cloud's pool decides: a ZFS one needs a disk per new member.
		p.LocalPool.Driver = facts.Cloud.LocalDriver
	case len(chosen.local) > 0:
		p.LocalPool.Driver = plan.DriverZFS
	}

	if cephDisks > 0 || (p.Mode == plan.ModeAdd && clustered(facts, p.Initiator, types.MicroCeph)) {
		p.Ceph = &plan.Ceph{
			PublicNetwork:   f.Ceph.PublicNetwork,
			InternalNetwork: f.Ceph.InternalNetwork,
			CephFS:          f.Ceph.CephFS || (facts.Cloud != nil && facts.Cloud.RemoteFS),
		}
	}
}
