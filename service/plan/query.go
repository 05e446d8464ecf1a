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

// Names are the plan's system names, sorted.
func (p Plan) Names() []string {
	out := make([]string, 0, len(p.Systems))
	for _, s := range p.Systems {
		out = append(out, s.Name)
	}

	sort.Strings(out)
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
		initiator, _ := p.System(p.Initiator)
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
