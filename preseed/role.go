package preseed

import (
	"fmt"
	"net"

	"github.com/microcloud-project/microcloud/service/plan"
)

// Role tells the machine running the file what it is: the initiator (the
// system named by initiator, or owning initiator_address, or in a 1.x file
// the one owning lookup_subnet's IP) or a joiner (any other listed system).
// A machine that is neither has no business with the file.
func (f *File) Role(hostname string, localIPs []net.IP) (initiator bool, err error) {
	switch {
	case f.Initiator != "":
		if hostname == f.Initiator {
			return true, nil
		}

	case f.InitiatorAddress != "":
		if owns(localIPs, net.ParseIP(f.InitiatorAddress)) {
			return true, nil
		}

	default:
		ip, _, err := net.ParseCIDR(f.LookupSubnet)
		if err == nil && owns(localIPs, ip) {
			return true, nil
		}
	}

	if f.systemIndex(hostname) >= 0 {
		return false, nil
	}

	return false, fmt.Errorf("This machine (%q) is neither the initiator (%s) nor one of the systems of the preseed file", hostname, f.initiatorDescription())
}

// initiatorDescription says how the file names its initiator.
func (f *File) initiatorDescription() string {
	switch {
	case f.Initiator != "":
		return fmt.Sprintf("%q", f.Initiator)
	case f.InitiatorAddress != "":
		return "the owner of " + f.InitiatorAddress
	default:
		ip, _, _ := net.ParseCIDR(f.LookupSubnet)
		return fmt.Sprintf("the owner of %s, the IP of lookup_subnet", ip)
	}
}

// Mode is init when the initiator is one of the systems (it forms a new
// cloud with them), add otherwise (it is a member of an existing cloud and
// the systems join it). initiator is the initiator's host name; "" takes
// the file's initiator.
func (f *File) Mode(initiator string) plan.Mode {
	if initiator == "" {
		initiator = f.Initiator
	}

	if initiator != "" && f.systemIndex(initiator) >= 0 {
		return plan.ModeInit
	}

	if f.InitiatorAddress != "" {
		want := net.ParseIP(f.InitiatorAddress)
		for _, s := range f.Systems {
			if want != nil && want.Equal(net.ParseIP(s.Address)) {
				return plan.ModeInit
			}
		}
	}

	return plan.ModeAdd
}

// LocalAddress is the MicroCloud address of the machine running the file:
// its system's address (unicast mode), the initiator address it owns (an
// initiator adding systems in unicast mode), or its address inside
// lookup_subnet (multicast and 1.x).
func (f *File) LocalAddress(hostname string, localIPs []net.IP) (net.IP, error) {
	i := f.systemIndex(hostname)
	if i >= 0 && f.Systems[i].Address != "" {
		ip := net.ParseIP(f.Systems[i].Address)
		if !owns(localIPs, ip) {
			return nil, fmt.Errorf("The address of system %q (%s) is not an address of this machine", hostname, f.Systems[i].Address)
		}

		return ip, nil
	}

	if f.InitiatorAddress != "" {
		ip := net.ParseIP(f.InitiatorAddress)
		if owns(localIPs, ip) {
			return ip, nil
		}

		return nil, fmt.Errorf("This machine (%q) has no address in the preseed file: it is not the initiator (%s) and its system has no address", hostname, f.InitiatorAddress)
	}

	ip := addressInSubnet(localIPs, f.LookupSubnet)
	if ip == nil {
		return nil, fmt.Errorf("Failed to determine MicroCloud address within subnet %q: no address of this machine is in it", f.LookupSubnet)
	}

	return ip, nil
}

// addressInSubnet picks a machine's MicroCloud address inside the lookup
// subnet: the subnet's own IP when the machine has it (1.x files write the
// initiator's address there), else the first address inside.
func addressInSubnet(ips []net.IP, lookupSubnet string) net.IP {
	given, subnet, err := net.ParseCIDR(lookupSubnet)
	if err != nil {
		return nil
	}

	if owns(ips, given) {
		return given
	}

	for _, ip := range ips {
		if subnet.Contains(ip) {
			return ip
		}
	}

	return nil
}

func owns(ips []net.IP, ip net.IP) bool {
	if ip == nil {
		return false
	}

	for _, local := range ips {
		if local.Equal(ip) {
			return true
		}
	}

	return false
}

// systemIndex is the position of the named system, or -1.
func (f *File) systemIndex(name string) int {
	for i, s := range f.Systems {
		if name != "" && s.Name == name {
			return i
		}
	}

	return -1
}
