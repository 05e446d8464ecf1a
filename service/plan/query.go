package plan

import (
	"net"
	"slices"
	"sort"
	"strings"

	"github.com/microcloud-project/microcloud/api/types"
)

// Questions about a Plan and its Facts that more than one part of the
// product asks: each is answered here, once, so that the validator, the
// executor, the wizard, the summary and the preseed can never disagree.

// Services are the clusters the plan forms, in the order they are formed:
// MicroCloud, then MicroOVN and MicroCeph when the plan has them, LXD last.
func (p Plan) Services() []types.ServiceType {
	out := []types.ServiceType{types.MicroCloud}
	if p.OVN != nil {
		out = append(out, types.MicroOVN)
	}

	if p.Ceph != nil {
		out = append(out, types.MicroCeph)
	}

	return append(out, types.LXD)
}

// Names are the names of the systems the run touches (Everyone), sorted.
func (p Plan) Names() []string {
	all := p.Everyone()
	out := make([]string, 0, len(all))
	for _, s := range all {
		out = append(out, s.Name)
	}

	return out
}

// Everyone are the plan's systems and, when it brings a service to a
// grown cloud, its members, sorted by name.
func (p Plan) Everyone() []System {
	out := slices.Clone(p.Systems)
	for _, m := range p.Members {
		if _, listed := p.System(m.Name); !listed {
			out = append(out, m)
		}
	}

	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Creates reports whether the plan brings a service to a grown cloud.
func (p Plan) Creates(t types.ServiceType) bool {
	return slices.Contains(p.Create, t)
}

// Member is one of the members the plan carries settings for.
func (p Plan) Member(name string) (System, bool) {
	for _, m := range p.Members {
		if m.Name == name {
			return m, true
		}
	}

	return System{}, false
}

// creation is the part of a plan that brings services to a grown cloud,
// as the plan that forms them would be: every system, old and new, with
// only the created services' settings. The validator checks it as it
// checks an init.
func (p Plan) creation() Plan {
	out := Plan{Mode: ModeInit, Initiator: p.Initiator}
	if p.Creates(types.MicroOVN) {
		out.OVN = p.OVN
	}

	if p.Creates(types.MicroCeph) {
		out.Ceph = p.Ceph
	}

	for _, s := range p.Clone().Everyone() {
		s.LocalDisk = nil
		if out.OVN == nil {
			s.UplinkInterface, s.UnderlayIP = "", ""
		}

		if out.Ceph == nil {
			s.CephDisks = nil
		}

		out.Systems = append(out.Systems, s)
	}

	return out
}

// Clone copies the plan deeply: a trial edit of the copy (the wizard
// validating an answer) leaves the original alone.
func (p Plan) Clone() Plan {
	out := p
	out.Systems = make([]System, len(p.Systems))
	for i, s := range p.Systems {
		if s.LocalDisk != nil {
			d := *s.LocalDisk
			s.LocalDisk = &d
		}

		s.CephDisks = slices.Clone(s.CephDisks)
		out.Systems[i] = s
	}

	out.Create = slices.Clone(p.Create)
	out.Members = make([]System, len(p.Members))
	for i, s := range p.Members {
		s.CephDisks = slices.Clone(s.CephDisks)
		out.Members[i] = s
	}

	if len(p.Members) == 0 {
		out.Members = nil
	}

	if p.Ceph != nil {
		c := *p.Ceph
		out.Ceph = &c
	}

	if p.OVN != nil {
		o := *p.OVN
		o.DNSServers = slices.Clone(o.DNSServers)
		out.OVN = &o
	}

	if p.LocalPool != nil {
		l := *p.LocalPool
		out.LocalPool = &l
	}

	return out
}

// CephNetworks are Ceph's public and internal networks: as planned, else
// the subnet of MicroCloud's address on the initiator (and the internal one
// defaults to the public one).
func (p Plan) CephNetworks(f Facts) (public string, internal string) {
	if p.Ceph != nil {
		public, internal = p.Ceph.PublicNetwork, p.Ceph.InternalNetwork
	}

	if public == "" {
		initiator, ok := p.System(p.Initiator)
		if !ok {
			initiator, _ = p.Member(p.Initiator)
		}

		public = f.Systems[p.Initiator].SubnetOf(initiator.Address)
	}

	if internal == "" {
		internal = public
	}

	return public, internal
}

// Nameservers are the OVN networks' DNS servers: as planned, else the
// uplink's gateways.
func (o *OVN) Nameservers() []string {
	if o == nil {
		return nil
	}

	if len(o.DNSServers) > 0 {
		return o.DNSServers
	}

	var out []string
	for _, gw := range []string{o.IPv4Gateway, o.IPv6Gateway} {
		if ip, _, ok := strings.Cut(gw, "/"); ok {
			out = append(out, ip)
		}
	}

	return out
}

// InterfaceHolding finds the interface that has ip among its addresses,
// with that address's subnet.
func (f SystemFacts) InterfaceHolding(ip net.IP) (types.Interface, *net.IPNet, bool) {
	for _, iface := range f.Inventory.Interfaces {
		for _, a := range iface.Addresses {
			addr, subnet, err := net.ParseCIDR(a)
			if err == nil && addr.Equal(ip) {
				return iface, subnet, true
			}
		}
	}

	return types.Interface{}, nil, false
}

// SubnetOf is the subnet of one of the system's addresses ("" when the
// system has no such address).
func (f SystemFacts) SubnetOf(ip string) string {
	_, subnet, ok := f.InterfaceHolding(net.ParseIP(ip))
	if !ok {
		return ""
	}

	return subnet.String()
}

// DiskUsable reports whether a disk may be used for a purpose (e: its
// eligibility for it): an eligible one, or, when the operator agreed to a
// wipe, one that only holds old data.
func DiskUsable(d types.Disk, e types.Eligibility, wipe bool) bool {
	return e.Eligible || (wipe && Wipeable(d))
}

// NeedsWipe reports whether a disk can serve a purpose only once wiped.
func NeedsWipe(d types.Disk, e types.Eligibility) bool {
	return !e.Eligible && Wipeable(d)
}
