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

// validateAllOrNone applies plan's every-or-none rule to uplinks and
// underlays, and checks the underlays' form.
func (f *File) validateAllOrNone(ps *problems) {
	var uplinks, underlays []bool
	for _, s := range f.Systems {
		uplinks = append(uplinks, s.UplinkInterface != "")
		underlays = append(underlays, s.UnderlayIP != "")
	}

	noUplink, noUnderlay := indexSet(plan.EveryOrNone(uplinks)), indexSet(plan.EveryOrNone(underlays))
	for i, s := range f.Systems {
		if noUplink[i] {
			ps.add(systemPath(i, "ovn_uplink_interface"), plan.MissingUplink)
		}

		switch {
		case s.UnderlayIP != "" && net.ParseIP(s.UnderlayIP) == nil:
			ps.add(systemPath(i, "ovn_underlay_ip"), "%q is not an IP address", s.UnderlayIP)
		case noUnderlay[i]:
			ps.add(systemPath(i, "ovn_underlay_ip"), plan.MissingUnderlay)
		}
	}
}

func indexSet(indexes []int) map[int]bool {
	out := map[int]bool{}
	for _, i := range indexes {
		out[i] = true
	}

	return out
}

// validateOVN checks the uplink network's settings with plan's own rule,
// with the systems' addresses in the file as the reserved ones.
func (f *File) validateOVN(ps *problems) {
	reserved := map[string]string{}
	for _, s := range f.Systems {
		if ip := net.ParseIP(s.Address); ip != nil {
			reserved[ip.String()] = s.Name
		}
	}

	o := plan.OVN{IPv4Gateway: f.OVN.IPv4Gateway, IPv4Range: f.OVN.IPv4Range, IPv6Gateway: f.OVN.IPv6Gateway, DNSServers: plan.SplitDNSServers(f.OVN.DNSServers)}
	plan.CheckUplinkNetwork(o, reserved, true, ps.add)
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
