package preseed

import (
	"net"

	"github.com/microcloud-project/microcloud/service/plan"
)

// validateNetworking checks the OVN and Ceph network settings' syntax and
// the all-or-none rules. Whether an uplink or underlay suits its system,
// and whether the range lies in the gateway's subnet, needs facts: that is
// plan.Validate's part.
func (f *File) validateNetworking(ps *problems) {
	f.validateAllOrNone(ps)
	f.validateOVN(ps)
	f.validateCephNetworks(ps)
}

func (f *File) validateAllOrNone(ps *problems) {
	uplinks, underlays := 0, 0
	for _, s := range f.Systems {
		if s.UplinkInterface != "" {
			uplinks++
		}

		if s.UnderlayIP != "" {
			underlays++
		}
	}

	for i, s := range f.Systems {
		if uplinks > 0 && s.UplinkInterface == "" {
			ps.add(systemPath(i, "ovn_uplink_interface"), "missing: other systems have an uplink interface, so every system needs one")
		}

		switch {
		case s.UnderlayIP != "" && net.ParseIP(s.UnderlayIP) == nil:
			ps.add(systemPath(i, "ovn_underlay_ip"), "%q is not an IP address", s.UnderlayIP)
		case underlays > 0 && s.UnderlayIP == "":
			ps.add(systemPath(i, "ovn_underlay_ip"), "missing: other systems have an underlay IP, so every system needs one")
		}
	}
}

func (f *File) validateOVN(ps *problems) {
	o := f.OVN
	if o.IPv4Gateway != "" {
		_, _, err := plan.GatewayCheck(o.IPv4Gateway, false)
		if err != nil {
			ps.add("ovn.ipv4_gateway", "%v", err)
		}

		if o.IPv4Range == "" {
			ps.add("ovn.ipv4_range", "the IPv4 gateway needs a range of addresses for OVN routers")
		}
	}

	if o.IPv4Range != "" {
		// Only the syntax: whether the range fits the gateway's subnet and
		// avoids the systems' addresses is checked on the plan.
		_, _, err := plan.RangeCheck(o.IPv4Range, nil, nil, nil)
		if err != nil {
			ps.add("ovn.ipv4_range", "%v", err)
		}

		if o.IPv4Gateway == "" {
			ps.add("ovn.ipv4_range", "a range needs the IPv4 gateway (ovn.ipv4_gateway)")
		}
	}

	if o.IPv6Gateway != "" {
		_, _, err := plan.GatewayCheck(o.IPv6Gateway, true)
		if err != nil {
			ps.add("ovn.ipv6_gateway", "%v", err)
		}
	}

	err := plan.DNSCheck(plan.SplitDNSServers(o.DNSServers))
	if err != nil {
		ps.add("ovn.dns_servers", "%v", err)
	}
}

func (f *File) validateCephNetworks(ps *problems) {
	withCeph := len(f.Storage.Ceph) > 0
	for _, s := range f.Systems {
		if len(s.Storage.Ceph) > 0 {
			withCeph = true
		}
	}

	for _, network := range []struct{ path, name, value string }{
		{"ceph.internal_network", "internal", f.Ceph.InternalNetwork},
		{"ceph.public_network", "public", f.Ceph.PublicNetwork},
	} {
		if network.value == "" {
			continue
		}

		if !withCeph {
			ps.add(network.path, "cannot specify a Ceph %s network without Ceph storage disks (systems[].storage.ceph or storage.ceph)", network.name)
		}

		ip, subnet, err := net.ParseCIDR(network.value)
		switch {
		case err != nil:
			ps.add(network.path, "%q is not a subnet in CIDR form (like 10.2.123.0/24)", network.value)
		case !ip.Equal(subnet.IP):
			ps.add(network.path, "%s is not a network address: did you mean %s?", network.value, subnet)
		}
	}
}
