package plan

import (
	"bytes"
	"fmt"
	"net"
	"strings"
)

// GatewayCheck parses an uplink gateway: a host address with its prefix
// ("10.96.0.1/24"), not a network address ("10.96.0.0/24"); v6 selects the
// family. It returns the gateway IP and its subnet.
func GatewayCheck(value string, v6 bool) (net.IP, *net.IPNet, error) {
	ip, subnet, err := net.ParseCIDR(value)
	if err != nil {
		return nil, nil, fmt.Errorf("%q is not an address with a prefix (like %s)", value, map[bool]string{false: "10.0.0.1/24", true: "fd00::1/64"}[v6])
	}

	if (ip.To4() == nil) != v6 {
		return nil, nil, fmt.Errorf("%s is not an %s address", value, map[bool]string{false: "IPv4", true: "IPv6"}[v6])
	}

	if ip.Equal(subnet.IP) {
		return nil, nil, fmt.Errorf("%s is the network address of %s, not a gateway", ip, subnet)
	}

	ones, bits := subnet.Mask.Size()
	if !v6 && ones < bits-1 && ip.Equal(lastAddress(subnet)) {
		return nil, nil, fmt.Errorf("%s is the broadcast address of %s, not a gateway", ip, subnet)
	}

	return ip, subnet, nil
}

// RangeCheck parses "first-last" within the gateway's subnet, excluding the
// gateway and the systems' addresses (OVN would hand them out to routers).
func RangeCheck(value string, gateway net.IP, subnet *net.IPNet, reserved map[string]string) (net.IP, net.IP, error) {
	firstText, lastText, ok := strings.Cut(value, "-")
	first, last := net.ParseIP(strings.TrimSpace(firstText)), net.ParseIP(strings.TrimSpace(lastText))
	if !ok || first == nil || last == nil || first.To4() == nil || last.To4() == nil {
		return nil, nil, fmt.Errorf("%q is not an IPv4 range (first-last, like 10.0.0.100-10.0.0.150)", value)
	}

	if bytes.Compare(first.To16(), last.To16()) > 0 {
		return nil, nil, fmt.Errorf("range %s starts after it ends", value)
	}

	if subnet != nil && (!subnet.Contains(first) || !subnet.Contains(last)) {
		return nil, nil, fmt.Errorf("range %s is not inside the gateway's subnet %s", value, subnet)
	}

	if gateway != nil && inRange(gateway, first, last) {
		return nil, nil, fmt.Errorf("range %s contains the gateway %s", value, gateway)
	}

	for ip, owner := range reserved {
		addr := net.ParseIP(ip)
		if addr != nil && inRange(addr, first, last) {
			return nil, nil, fmt.Errorf("range %s contains %s, the address of %s", value, ip, owner)
		}
	}

	return first, last, nil
}

// SplitDNSServers splits a comma-separated list of nameservers, as the
// preseed, the flags and the interactive answer give it, ignoring spaces and
// empty entries ("10.0.0.1, 8.8.8.8,").
func SplitDNSServers(value string) []string {
	var out []string
	for _, v := range strings.Split(value, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}

	return out
}

// DNSCheck parses a list of nameserver IPs.
func DNSCheck(values []string) error {
	for _, v := range values {
		if net.ParseIP(strings.TrimSpace(v)) == nil {
			return fmt.Errorf("%q is not an IP address", v)
		}
	}

	return nil
}

func inRange(ip net.IP, first net.IP, last net.IP) bool {
	ip16 := ip.To16()
	return bytes.Compare(ip16, first.To16()) >= 0 && bytes.Compare(ip16, last.To16()) <= 0
}

func lastAddress(n *net.IPNet) net.IP {
	ip := make(net.IP, len(n.IP))
	for i := range n.IP {
		ip[i] = n.IP[i] | ^n.Mask[i]
	}

	return ip
}

// validateOVN checks the uplink settings. A new OVN network (init) needs a
// gateway, and an IPv4 gateway its range; growing a cloud keeps its own.
func validateOVN(p Plan, add func(path, format string, args ...any)) {
	o := p.OVN
	if o.IPv4Gateway == "" && o.IPv6Gateway == "" && p.Mode == ModeInit {
		add("ovn", "either the IPv4 or the IPv6 gateway of the uplink network is required")
	}

	reserved := map[string]string{}
	for _, s := range p.Systems {
		reserved[s.Address] = s.Name
	}

	CheckUplinkNetwork(*o, reserved, p.Mode == ModeInit, add)
}

// CheckUplinkNetwork checks the uplink network's settings, which need no
// facts: each gateway's form, the IPv4 range's form and place (inside the
// gateway's subnet, clear of the gateway and of reserved addresses: IP to
// system name), the pairing of range and gateway (requireRange: an IPv4
// gateway needs a range), and the nameservers. The validator and the
// preseed parser both ask it, so both refuse the same settings with the
// same words; paths are the preseed's ("ovn.ipv4_range").
func CheckUplinkNetwork(o OVN, reserved map[string]string, requireRange bool, add func(path, format string, args ...any)) {
	var gw net.IP
	var subnet *net.IPNet
	if o.IPv4Gateway != "" {
		var err error
		gw, subnet, err = GatewayCheck(o.IPv4Gateway, false)
		if err != nil {
			add("ovn.ipv4_gateway", "%v", err)
		}
	}

	switch {
	case o.IPv4Range != "" && o.IPv4Gateway == "":
		if _, _, err := RangeCheck(o.IPv4Range, nil, nil, nil); err != nil {
			add("ovn.ipv4_range", "%v", err)
		}

		add("ovn.ipv4_range", "a range needs the IPv4 gateway (ovn.ipv4_gateway)")
	case o.IPv4Range != "":
		// A gateway that does not parse leaves only the range's form.
		_, _, err := RangeCheck(o.IPv4Range, gw, subnet, reserved)
		if err != nil {
			add("ovn.ipv4_range", "%v", err)
		}
	case o.IPv4Gateway != "" && requireRange:
		add("ovn.ipv4_range", "the IPv4 gateway needs a range of addresses for OVN routers")
	}

	if o.IPv6Gateway != "" {
		_, _, err := GatewayCheck(o.IPv6Gateway, true)
		if err != nil {
			add("ovn.ipv6_gateway", "%v", err)
		}
	}

	err := DNSCheck(o.DNSServers)
	if err != nil {
		add("ovn.dns_servers", "%v", err)
	}
}

// EveryOrNone lists the indexes of the systems that lack a per-system
// setting (set[i]) that some other system has: such a setting is on every
// system or on none.
func EveryOrNone(set []bool) []int {
	some := false
	for _, s := range set {
		some = some || s
	}

	var missing []int
	for i, s := range set {
		if some && !s {
			missing = append(missing, i)
		}
	}

	return missing
}

// The words of EveryOrNone's findings.
const (
	MissingUplink   = "missing: other systems have an uplink interface, so every system needs one"
	MissingUnderlay = "missing: other systems have an underlay IP, so every system needs one"
)
