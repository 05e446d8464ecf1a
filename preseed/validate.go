package preseed

import (
	"net"

	"github.com/microcloud-project/microcloud/service/plan"
)

// Validate checks what the file alone can tell, every problem at once: the
// reference's rules (initiator and lookup, systems, all-or-none uplinks and
// underlay, OVN and Ceph settings, filters) and the syntax of every value
// ToPlan relies on. What needs the systems' facts (interfaces, disks,
// services) is plan.Validate's job on the resulting Plan. The session
// passphrase is checked by ValidatePassphrase, because --passphrase may
// supply it.
func (f *File) Validate() []plan.Problem {
	var ps problems
	f.validateSession(&ps)
	f.validateSystems(&ps)
	f.validateNetworking(&ps)
	f.validateStorage(&ps)
	return ps
}

// validateSession checks how the systems find each other: multicast
// (initiator + lookup_subnet), unicast (initiator_address + an address per
// system), or 1.x (lookup_subnet alone: its IP is the initiator's address).
func (f *File) validateSession(ps *problems) {
	switch {
	case f.Initiator != "" && f.InitiatorAddress != "":
		ps.add("initiator_address", "cannot provide both the initiator's name (initiator) and address (initiator_address)")
	case f.Initiator == "" && f.InitiatorAddress == "" && f.LookupSubnet == "":
		ps.add("initiator", "missing the initiator's name (initiator, with lookup_subnet) or address (initiator_address)")
	case f.Initiator != "" && f.LookupSubnet == "":
		ps.add("lookup_subnet", "missing: the initiator is found by name (initiator), which needs the subnet to look in")
	}

	if f.InitiatorAddress != "" {
		if net.ParseIP(f.InitiatorAddress) == nil {
			ps.add("initiator_address", "%q is not an IP address", f.InitiatorAddress)
		}

		if f.LookupSubnet != "" {
			ps.add("lookup_subnet", "cannot provide both the initiator's address (initiator_address) and the lookup subnet")
		}
	}

	if f.LookupSubnet != "" {
		_, _, err := net.ParseCIDR(f.LookupSubnet)
		if err != nil {
			ps.add("lookup_subnet", "%q is not a subnet in CIDR form (like 10.0.0.1/24)", f.LookupSubnet)
		}
	}

	if f.LookupTimeout < 0 {
		ps.add("lookup_timeout", "%d is negative: give seconds, or leave it out for %d", f.LookupTimeout, int(DefaultLookupTimeout.Seconds()))
	}

	switch {
	case f.SessionTimeout < 0:
		ps.add("session_timeout", "%d is negative: give seconds, or leave it out for %d", f.SessionTimeout, int(DefaultSessionTimeout.Seconds()))
	case f.SessionTimeout > int64(MaxSessionTimeout.Seconds()):
		ps.add("session_timeout", "%d exceeds the maximum of %d seconds (one hour)", f.SessionTimeout, int(MaxSessionTimeout.Seconds()))
	}
}

func (f *File) validateSystems(ps *problems) {
	if len(f.Systems) == 0 {
		ps.add("systems", "no systems given")
		return
	}

	names := map[string]int{}
	for i, s := range f.Systems {
		switch first, dup := names[s.Name]; {
		case s.Name == "":
			ps.add(systemPath(i, "name"), "missing system name")
		case dup:
			ps.add(systemPath(i, "name"), "duplicate system name %q (also systems[%d])", s.Name, first)
		default:
			names[s.Name] = i
		}

		switch {
		case s.Address != "" && f.LookupSubnet != "":
			ps.add(systemPath(i, "address"), "cannot provide both the address of system %q and the lookup subnet (addresses are for initiator_address mode)", s.Name)
		case s.Address != "" && f.InitiatorAddress == "":
			ps.add(systemPath(i, "address"), "missing the initiator's address (initiator_address) as system %q has an address", s.Name)
		case s.Address == "" && f.InitiatorAddress != "":
			ps.add(systemPath(i, "address"), "missing address of system %q: every system needs one when the initiator's address is set", s.Name)
		}

		if s.Address != "" && net.ParseIP(s.Address) == nil {
			ps.add(systemPath(i, "address"), "%q is not an IP address", s.Address)
		}
	}
}
