package labceph

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// BootstrapPlan is what the first member makes of MicroCeph's bootstrap
// initConfig (the keys service/setup sends).
type BootstrapPlan struct {
	MonIP      netip.Addr
	PublicNet  netip.Prefix
	ClusterNet netip.Prefix
	V2Only     bool
}

// Initial configuration keys (case-sensitive, as MicroCeph spells them).
const (
	keyMonIP      = "MonIp"
	keyPublicNet  = "PublicNet"
	keyClusterNet = "ClusterNet"
	keyV2Only     = "V2Only"
)

// PlanBootstrap applies MicroCeph's defaults: without MonIp the monitor
// takes this system's first address in PublicNet, or else the address the
// cluster API listens on; without PublicNet the public network is the
// subnet of the interface that holds the monitor address; ClusterNet
// defaults to the public network. local lists this system's addresses with
// their prefix lengths.
func PlanBootstrap(initConfig map[string]string, local []netip.Prefix, listen netip.Addr) (BootstrapPlan, error) {
	var plan BootstrapPlan
	var err error
	pub := strings.TrimSpace(initConfig[keyPublicNet])
	if pub != "" {
		plan.PublicNet, err = parseSubnet(keyPublicNet, pub)
		if err != nil {
			return plan, err
		}
	}

	monIP := strings.TrimSpace(initConfig[keyMonIP])
	switch {
	case monIP != "":
		plan.MonIP, err = netip.ParseAddr(monIP)
		if err != nil {
			return plan, fmt.Errorf("MonIp %q is not an IP address", monIP)
		}

		if _, ok := prefixOf(local, plan.MonIP); !ok {
			return plan, fmt.Errorf("MonIp %s is not an address of this system", plan.MonIP)
		}

		if plan.PublicNet.IsValid() && !plan.PublicNet.Contains(plan.MonIP) {
			return plan, fmt.Errorf("MonIp %s is not in PublicNet %s", plan.MonIP, plan.PublicNet)
		}

	case plan.PublicNet.IsValid():
		ip, ok := AddrInSubnet(local, plan.PublicNet)
		if !ok {
			return plan, fmt.Errorf("No address of this system is in PublicNet %s", plan.PublicNet)
		}

		plan.MonIP = ip
	default:
		if !listen.IsValid() {
			return plan, fmt.Errorf("Neither MonIp nor PublicNet is set and the listen address is unknown")
		}

		plan.MonIP = listen.Unmap()
	}

	if !plan.PublicNet.IsValid() {
		p, ok := prefixOf(local, plan.MonIP)
		if !ok {
			return plan, fmt.Errorf("Monitor address %s is not an address of this system", plan.MonIP)
		}

		plan.PublicNet = p.Masked()
	}

	plan.ClusterNet = plan.PublicNet
	if c := strings.TrimSpace(initConfig[keyClusterNet]); c != "" {
		plan.ClusterNet, err = parseSubnet(keyClusterNet, c)
		if err != nil {
			return plan, err
		}
	}

	switch v := strings.TrimSpace(initConfig[keyV2Only]); v {
	case "", "false":
	case "true":
		plan.V2Only = true
	default:
		return plan, fmt.Errorf("V2Only must be \"true\" or \"false\", not %q", v)
	}

	return plan, nil
}

func parseSubnet(key string, value string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(value)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%s %q is not a subnet in CIDR form (like 10.0.0.0/24)", key, value)
	}

	return p.Masked(), nil
}

// AddrInSubnet is this system's first address inside subnet.
func AddrInSubnet(local []netip.Prefix, subnet netip.Prefix) (netip.Addr, bool) {
	for _, p := range local {
		if subnet.Contains(p.Addr()) {
			return p.Addr(), true
		}
	}

	return netip.Addr{}, false
}

func prefixOf(local []netip.Prefix, ip netip.Addr) (netip.Prefix, bool) {
	for _, p := range local {
		if p.Addr() == ip.Unmap() {
			return p, true
		}
	}

	return netip.Prefix{}, false
}

// MonAddrVec is a monitor's address vector: messenger v2 on 3300 and,
// unless V2Only, v1 on 6789.
func MonAddrVec(ip netip.Addr, v2Only bool) string {
	v2 := netip.AddrPortFrom(ip, 3300).String()
	if v2Only {
		return "[v2:" + v2 + "]"
	}

	return "[v2:" + v2 + ",v1:" + netip.AddrPortFrom(ip, 6789).String() + "]"
}

// localAddrs lists the system's (the lab node's) addresses.
func localAddrs() ([]netip.Prefix, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil, fmt.Errorf("Failed to list the system's addresses: %w", err)
	}

	var out []netip.Prefix
	for _, a := range addrs {
		ipNet, ok := a.(*net.IPNet)
		if !ok {
			continue
		}

		ip, ok := netip.AddrFromSlice(ipNet.IP)
		if !ok {
			continue
		}

		ones, _ := ipNet.Mask.Size()
		out = append(out, netip.PrefixFrom(ip.Unmap(), ones))
	}

	return out, nil
}
