package plan

import (
	"net"
	"sort"
)

// Cloud is what a running MicroCloud already has, read before it grows:
// the new members get the same pools and networks, so only their own
// settings are asked (a disk for a ZFS local pool, an uplink, an underlay
// address), and the defaults follow what the members use.
type Cloud struct {
	// LocalDriver is the driver of LXD's "local" pool; "" without one.
	LocalDriver string `json:"local_driver,omitempty"`
	// Remote and RemoteFS: LXD's Ceph pools exist.
	Remote   bool `json:"remote,omitempty"`
	RemoteFS bool `json:"remote_fs,omitempty"`
	// OVN: LXD's UPLINK network exists.
	OVN bool `json:"ovn,omitempty"`
	// Uplinks are each member's UPLINK parent interface.
	Uplinks map[string]string `json:"uplinks,omitempty"`
	// EncapIPs are each member's planned OVN encapsulation IP (recorded
	// by init and add), to tell whether the cloud carries OVN on an
	// underlay.
	EncapIPs map[string]string `json:"encap_ips,omitempty"`
	// Addresses are the members' MicroCloud addresses.
	Addresses map[string]string `json:"addresses,omitempty"`
}

// UplinkName is the uplink interface name most members use ("" when none
// does): a new machine with an interface of that name gets it by default.
// A tie goes to the alphabetically first name.
func (c *Cloud) UplinkName() string {
	if c == nil {
		return ""
	}

	count := map[string]int{}
	for _, parent := range c.Uplinks {
		count[parent]++
	}

	best := ""
	for name, n := range count {
		if best == "" || n > count[best] || (n == count[best] && name < best) {
			best = name
		}
	}

	return best
}

// UnderlaySubnets are the subnets (CIDR) of the members' encapsulation
// IPs that are not their MicroCloud addresses, most used first: where a
// new member's underlay address is looked for. Empty when the cloud
// carries OVN on the MicroCloud network. f gives the members' interfaces.
func (c *Cloud) UnderlaySubnets(f Facts) []string {
	if c == nil {
		return nil
	}

	count := map[string]int{}
	for name, ip := range c.EncapIPs {
		if ip == "" || ip == c.Addresses[name] {
			continue
		}

		if subnet := f.Systems[name].SubnetOf(ip); subnet != "" {
			count[subnet]++
		}
	}

	out := make([]string, 0, len(count))
	for subnet := range count {
		out = append(out, subnet)
	}

	sort.Slice(out, func(i, j int) bool {
		if count[out[i]] != count[out[j]] {
			return count[out[i]] > count[out[j]]
		}

		return out[i] < out[j]
	})
	return out
}

// UsesUnderlay reports whether the members carry OVN on an underlay.
func (c *Cloud) UsesUnderlay(f Facts) bool {
	return len(c.UnderlaySubnets(f)) > 0
}

// UnderlayFor is the address of a system's interfaces in the cloud's
// underlay subnet ("" when it has none), for the underlay a new member
// gets by default.
func (c *Cloud) UnderlayFor(f Facts, system string) string {
	for _, cidr := range c.UnderlaySubnets(f) {
		if ip := f.Systems[system].UnderlayAddressIn(cidr); ip != "" {
			return ip
		}
	}

	return ""
}

// UnderlayAddressIn is the system's address in a subnet (CIDR) on an
// interface that can carry the underlay, or "".
func (sf SystemFacts) UnderlayAddressIn(cidr string) string {
	_, subnet, err := net.ParseCIDR(cidr)
	if err != nil {
		return ""
	}

	for _, iface := range sf.Inventory.Interfaces {
		if !iface.Underlay.Eligible {
			continue
		}

		for _, a := range iface.Addresses {
			ip, _, err := net.ParseCIDR(a)
			if err == nil && subnet.Contains(ip) {
				return ip.String()
			}
		}
	}

	return ""
}

// DefaultUplink is the uplink interface a system gets when none is chosen:
// growing a cloud, the name most members use when the system has it and it
// is eligible; otherwise the alphabetically first eligible interface (as
// in the reference), or "" when none is.
func DefaultUplink(f Facts, system string) string {
	sf := f.Systems[system]
	if name := f.Cloud.UplinkName(); name != "" {
		if iface, ok := sf.Interface(name); ok && iface.Uplink.Eligible {
			return name
		}
	}

	var names []string
	for _, iface := range sf.Inventory.Interfaces {
		if iface.Uplink.Eligible {
			names = append(names, iface.Name)
		}
	}

	if len(names) == 0 {
		return ""
	}

	sort.Strings(names)
	return names[0]
}
