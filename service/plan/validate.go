package plan

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"

	"github.com/microcloud-project/microcloud/api/types"
)

// RecommendedMembers is the fewest members (and Ceph hosts) for a cloud that
// survives losing one.
const RecommendedMembers = 3

var hostnamePattern = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$`)

// Validate checks a whole plan against the facts: every problem, each with
// its place, and warnings that do not stop the run. Nothing here changes
// anything.
func Validate(p Plan, f Facts) (errs []Problem, warnings []Problem) {
	add := func(path string, format string, args ...any) {
		errs = append(errs, NewProblem(path, fmt.Sprintf(format, args...)))
	}

	warn := func(path string, format string, args ...any) {
		warnings = append(warnings, NewProblem(path, fmt.Sprintf(format, args...)))
	}

	validateSystems(p, f, add)
	if p.OVN != nil {
		validateOVN(p, add)
		validateUplinks(p, f, add)
	}

	validateUnderlay(p, f, add)
	validateStorage(p, f, add, warn)
	validateServices(p, f, add, warn)
	validateKernel(p, f, add, warn)
	if p.Mode == ModeInit && len(p.Systems) < RecommendedMembers {
		warn("systems", "%d member(s): %d are needed to survive the loss of one", len(p.Systems), RecommendedMembers)
	}

	// Services a grown cloud gets for the first time are checked on every
	// system, old and new, as an init checks them.
	if p.Mode == ModeAdd && len(p.Create) > 0 {
		more, moreWarnings := Validate(p.creation(), f)
		errs = appendNew(errs, more)
		warnings = appendNew(warnings, moreWarnings)
	}

	return errs, warnings
}

// appendNew appends the problems that are not in the list yet.
func appendNew(list []Problem, more []Problem) []Problem {
	for _, m := range more {
		if !slices.Contains(list, m) {
			list = append(list, m)
		}
	}

	return list
}

func sysPath(s System, field string) string {
	return fmt.Sprintf("systems[%s].%s", s.Name, field)
}

func validateSystems(p Plan, f Facts, add func(string, string, ...any)) {
	if len(p.Systems) == 0 {
		if p.Mode == ModeAdd && len(p.Create) > 0 {
			return
		}

		if p.Mode == ModeAdd {
			add("systems", "no new machines: select at least one machine to add")
		} else {
			add("systems", "no systems")
		}

		return
	}

	names := map[string]bool{}
	addresses := map[string]string{}
	initiatorListed := false
	var family string
	for i, s := range p.Systems {
		path := fmt.Sprintf("systems[%d]", i)
		if s.Name != "" {
			path = fmt.Sprintf("systems[%s]", s.Name)
		}

		switch {
		case s.Name == "":
			add(path+".name", "missing")
		case !hostnamePattern.MatchString(s.Name):
			add(path+".name", "%q is not a valid host name", s.Name)
		case names[s.Name]:
			add(path+".name", "duplicate system name %q", s.Name)
		}

		names[s.Name] = true
		if s.Name == p.Initiator {
			initiatorListed = true
		}

		ip := net.ParseIP(s.Address)
		switch {
		case ip == nil:
			add(path+".address", "%q is not an IP address", s.Address)
		case addresses[ip.String()] != "":
			add(path+".address", "%s is also the address of %s", s.Address, addresses[ip.String()])
		default:
			addresses[ip.String()] = s.Name
			fam := map[bool]string{true: "IPv4", false: "IPv6"}[ip.To4() != nil]
			if family == "" {
				family = fam
			} else if fam != family {
				add(path+".address", "%s is %s while other systems use %s", s.Address, fam, family)
			}
		}

		if _, ok := f.Systems[s.Name]; !ok && s.Name != "" {
			add(path, "no information about this system (it did not join the session)")
		}
	}

	if p.Mode == ModeInit && !initiatorListed {
		add("systems", "the initiator %q must be one of the systems", p.Initiator)
	}

	if p.Mode == ModeAdd && initiatorListed {
		add("systems", "the initiator %q is already a member and cannot be added", p.Initiator)
	}
}

func validateUplinks(p Plan, f Facts, add func(string, string, ...any)) {
	withUplink := 0
	for _, s := range p.Systems {
		if s.UplinkInterface != "" {
			withUplink++
		}
	}

	for _, s := range p.Systems {
		path := sysPath(s, "ovn_uplink_interface")
		if s.UplinkInterface == "" {
			// A new member of a cloud with OVN networks needs one too: LXD
			// asks each member for the uplink's parent.
			if withUplink > 0 || p.Mode == ModeInit || (f.Cloud != nil && f.Cloud.OVN) {
				add(path, "missing: every system needs an uplink interface for OVN")
			}

			continue
		}

		iface, ok := f.Systems[s.Name].Interface(s.UplinkInterface)
		switch {
		case !ok:
			add(path, "%s has no interface %q", s.Name, s.UplinkInterface)
		case !iface.Uplink.Eligible:
			add(path, "%s cannot be the uplink: %s", s.UplinkInterface, iface.Uplink.Reason)
		}
	}
}

func validateUnderlay(p Plan, f Facts, add func(string, string, ...any)) {
	with := 0
	for _, s := range p.Systems {
		if s.UnderlayIP != "" {
			with++
		}
	}

	if with == 0 {
		return
	}

	if p.OVN == nil {
		add("systems", "an OVN underlay is set but OVN is not configured")
		return
	}

	var set []bool
	for _, s := range p.Systems {
		set = append(set, s.UnderlayIP != "")
	}

	for _, i := range EveryOrNone(set) {
		add(sysPath(p.Systems[i], "ovn_underlay_ip"), MissingUnderlay)
	}

	seen := map[string]string{}
	for _, s := range p.Systems {
		path := sysPath(s, "ovn_underlay_ip")
		if s.UnderlayIP == "" {
			continue
		}

		ip := net.ParseIP(s.UnderlayIP)
		if ip == nil {
			add(path, "%q is not an IP address", s.UnderlayIP)
			continue
		}

		if other := seen[ip.String()]; other != "" {
			add(path, "%s is also the underlay of %s", ip, other)
		}

		seen[ip.String()] = s.Name
		iface, _, ok := f.Systems[s.Name].InterfaceHolding(ip)
		switch {
		case !ok:
			add(path, "%s is not an address of %s", ip, s.Name)
		case !iface.Underlay.Eligible:
			add(path, "%s (on %s) cannot carry the underlay: %s", ip, iface.Name, iface.Underlay.Reason)
		}
	}
}

// loopDisk matches MicroCeph's file-backed OSD form "loop,<size>,<count>".
var loopDisk = regexp.MustCompile(`^loop,[0-9]+[KMGTP]?(i?B)?,[0-9]+$`)

// IsLoopDisk reports whether a Ceph disk path is the file-backed form.
func IsLoopDisk(path string) bool {
	return loopDisk.MatchString(path)
}

func validateStorage(p Plan, f Facts, add func(string, string, ...any), warn func(string, string, ...any)) {
	if p.LocalPool != nil {
		switch p.LocalPool.Driver {
		case DriverZFS, DriverDir:
		default:
			add("storage.local", "unknown local pool driver %q (zfs or dir)", p.LocalPool.Driver)
		}
	}

	cephHosts := 0
	for _, s := range p.Systems {
		used := map[string]string{}
		facts := f.Systems[s.Name]
		if s.LocalDisk != nil {
			checkDisk(facts, s, "storage.local", *s.LocalDisk, used, add)
		}

		if p.LocalPool != nil && p.LocalPool.Driver == DriverZFS && s.LocalDisk == nil {
			add(sysPath(s, "storage.local"), "missing: a zfs local pool needs a disk on every system")
		}

		if p.LocalPool != nil && p.LocalPool.Driver == DriverDir && s.LocalDisk != nil {
			add(sysPath(s, "storage.local"), "a dir local pool takes no disk")
		}

		for i, d := range s.CephDisks {
			field := fmt.Sprintf("storage.ceph[%d]", i)
			if IsLoopDisk(d.Path) {
				continue
			}

			checkDisk(facts, s, field, d, used, add)
		}

		if len(s.CephDisks) > 0 {
			cephHosts++
			if p.Ceph == nil {
				add(sysPath(s, "storage.ceph"), "Ceph disks given but Ceph is not configured")
			}
		}
	}

	if p.Ceph == nil {
		return
	}

	if cephHosts == 0 && p.Mode == ModeInit {
		add("storage.ceph", "Ceph is configured but no system gives it a disk")
	} else if cephHosts < RecommendedMembers && p.Mode == ModeInit {
		warn("storage.ceph", "only %d system(s) supply disks to Ceph: %d are needed to keep data when one fails", cephHosts, RecommendedMembers)
	}

	for _, field := range []struct{ name, value string }{{"ceph.public_network", p.Ceph.PublicNetwork}, {"ceph.internal_network", p.Ceph.InternalNetwork}} {
		if field.value == "" {
			continue
		}

		_, subnet, err := net.ParseCIDR(field.value)
		if err != nil {
			add(field.name, "%q is not a subnet in CIDR form", field.value)
			continue
		}

		for _, s := range p.Systems {
			if _, ok := addressIn(f.Systems[s.Name], subnet); !ok {
				add(field.name, "%s has no address in %s", s.Name, subnet)
			}
		}
	}
}

// addressIn finds an eligible interface address of the system in subnet.
func addressIn(f SystemFacts, subnet *net.IPNet) (string, bool) {
	for _, iface := range f.Inventory.Interfaces {
		if !iface.CephNetwork.Eligible {
			continue
		}

		for _, a := range iface.Addresses {
			ip, _, err := net.ParseCIDR(a)
			if err == nil && subnet.Contains(ip) {
				return ip.String(), true
			}
		}
	}

	return "", false
}

// checkDisk refuses a disk the system does not have, or that is in use
// (wipe only makes partitions and old signatures acceptable, never a
// mounted or held disk), or that is given twice.
func checkDisk(f SystemFacts, s System, field string, d Disk, used map[string]string, add func(string, string, ...any)) {
	path := sysPath(s, field)
	if other, ok := used[d.Path]; ok {
		add(path, "%s is already used for %s", d.Path, other)
		return
	}

	used[d.Path] = field
	for _, disk := range f.Inventory.Disks {
		if disk.Path != d.Path && "/dev/"+disk.ID != d.Path {
			continue
		}

		if DiskUsable(disk, disk.Local, d.Wipe) {
			return
		}

		add(path, "%s cannot be used: %s", d.Path, disk.Local.Reason)
		return
	}

	add(path, "%s has no disk %s", s.Name, d.Path)
}

// Wipeable reports whether a disk only holds old data that a wipe may
// destroy: partitions or signatures, but never a mounted, held, swapped-on,
// unreadable or read-only disk, or one without media. Every front end asks
// this one question so a preseed and the TUI refuse the same disks.
func Wipeable(d types.Disk) bool {
	if d.Mounted || d.ReadOnly || d.Type == "cdrom" || d.Size == 0 {
		return false
	}

	for _, p := range d.Partitions {
		if p.Mounted {
			return false
		}
	}

	for _, u := range d.UsedBy {
		if strings.HasPrefix(u, "mounted") || strings.HasPrefix(u, "held by") || strings.HasPrefix(u, "swap") || strings.HasPrefix(u, "unreadable") {
			return false
		}
	}

	return true
}

// validateServices checks that the services a plan needs are on every
// system, not already clustered (init), at one release, and have the API
// extensions the plan relies on.
func validateServices(p Plan, f Facts, add func(string, string, ...any), warn func(string, string, ...any)) {
	for _, t := range p.Services() {
		if t == types.MicroCloud {
			continue
		}

		versions := map[string]string{}
		for _, s := range p.Systems {
			st, ok := f.Systems[s.Name].Service(t)
			if !ok {
				if _, known := f.Systems[s.Name]; known {
					add(fmt.Sprintf("systems[%s]", s.Name), "%s is not available on %s%s", t, s.Name, reason(st))
				}

				continue
			}

			versions[s.Name] = st.Version
			for _, ext := range requiredExtensions(p, s, t) {
				if !st.HasExtension(ext) {
					add(fmt.Sprintf("systems[%s]", s.Name), "%s %s on %s lacks the API extension %q", t, st.Version, s.Name, ext)
				}
			}
		}

		// Growing a cloud, the new systems must match its members too.
		if p.Mode == ModeAdd {
			for name, sf := range f.Systems {
				if _, planned := p.System(name); planned {
					continue
				}

				if st, ok := sf.Service(t); ok && st.Clustered {
					versions[name] = st.Version
				}
			}
		}

		errs, warnings := VersionSkew(string(t), versions)
		for _, e := range errs {
			add("systems", "%s", e)
		}

		for _, w := range warnings {
			warn("systems", "%s", w)
		}
	}
}

func reason(st types.ServiceState) string {
	if st.Error != "" {
		return " (" + st.Error + ")"
	}

	if !st.Present {
		return " (not installed)"
	}

	return ""
}

// requiredExtensions are the API extensions one system's part of the plan
// relies on.
func requiredExtensions(p Plan, s System, t types.ServiceType) []string {
	var out []string
	switch t {
	case types.LXD:
		out = append(out, "clustering_join_token")
		if p.OVN != nil {
			out = append(out, "network_type_ovn", "network_type_physical")
		}

		if s.LocalDisk != nil && s.LocalDisk.Wipe {
			out = append(out, "storage_pool_source_wipe")
		}

		if p.Ceph != nil && p.Ceph.CephFS {
			out = append(out, "storage_cephfs_create_missing")
		}

	case types.MicroOVN:
		if s.UnderlayIP != "" {
			out = append(out, "custom_encapsulation_ip")
		}
	}

	return out
}
