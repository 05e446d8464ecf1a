package shrink

import (
	"fmt"
	"sort"
	"strings"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/microceph"
)

// Inventory is what removal learns before it changes anything.
type Inventory struct {
	// Members lists each service's members (name to address), for the
	// services the cloud has.
	Members map[types.ServiceType]map[string]string
	// Running lists the running instances of each LXD member.
	Running map[string][]string
	// Reachable says which of the members to remove answer.
	Reachable map[string]bool
	// OSDs are Ceph's OSDs, where the cloud has MicroCeph.
	OSDs []microceph.Disk
}

// serviceOrder is the order of removal: LXD first, MicroCloud last, so that
// a failure part way leaves MicroCloud aware of the machine and a re-run
// finishes the job.
var serviceOrder = []types.ServiceType{types.LXD, types.MicroCeph, types.MicroOVN, types.MicroCloud}

// Check refuses a removal that cannot or should not happen, before anything
// changes; each refusal names the reason and the way out.
func Check(inv Inventory, names []string, local string, force bool) error {
	if len(names) == 0 {
		return fmt.Errorf("No member to remove given")
	}

	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] {
			return fmt.Errorf("%s is given twice", name)
		}

		seen[name] = true
		if len(inv.ServicesOf(name)) == 0 {
			return fmt.Errorf("%s is not a member of any service of this MicroCloud (members: %s)", name, strings.Join(inv.AllMembers(), ", "))
		}

	}

	if cloud := inv.Members[types.MicroCloud]; len(cloud) > 0 && len(remaining(cloud, seen)) == 0 {
		if len(cloud) == 1 {
			return fmt.Errorf("%s is the last member of this MicroCloud: a MicroCloud keeps at least one member", names[0])
		}

		return fmt.Errorf("Removing %s would leave no member: a MicroCloud keeps at least one", strings.Join(names, ", "))
	}

	for _, name := range names {
		if name == local {
			return fmt.Errorf("%s cannot remove itself: run 'microcloud remove %s' on another member", name, name)
		}
	}

	for _, t := range serviceOrder {
		members := inv.Members[t]
		if len(members) == 0 {
			continue
		}

		if len(remaining(members, seen)) == 0 {
			return fmt.Errorf("Removing %s would leave %s without members: a MicroCloud keeps at least one", strings.Join(names, ", "), t)
		}
	}

	if lost := lastOSDs(inv.OSDs, seen); len(lost) > 0 && !force {
		return fmt.Errorf("Removing %s takes the last OSDs of Ceph (%s): their data would go with them; use --force to remove anyway", strings.Join(names, ", "), osdNames(lost))
	}

	for _, name := range names {
		if !inv.Reachable[name] && !force {
			return fmt.Errorf("%s is not reachable: if it is gone for good, remove it with --force (nothing on it is contacted)", name)
		}

		running := inv.Running[name]
		if len(running) > 0 && !force {
			return fmt.Errorf("%s runs %d instance(s) (%s): stop or move them first, or use --force to remove it with them", name, len(running), strings.Join(running, ", "))
		}
	}

	return nil
}

// lastOSDs lists the OSDs when every one of them is on a removed member.
func lastOSDs(osds []microceph.Disk, removed map[string]bool) []int64 {
	var ids []int64
	for _, d := range osds {
		if !removed[d.Location] {
			return nil
		}

		ids = append(ids, d.OSD)
	}

	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// remaining lists the members that are not removed.
func remaining(members map[string]string, removed map[string]bool) []string {
	var out []string
	for m := range members {
		if !removed[m] {
			out = append(out, m)
		}
	}

	return out
}

// ServicesOf lists the services that have the member, in removal order.
func (inv Inventory) ServicesOf(name string) []types.ServiceType {
	var out []types.ServiceType
	for _, t := range serviceOrder {
		if _, ok := inv.Members[t][name]; ok {
			out = append(out, t)
		}
	}

	return out
}

// AllMembers lists every member of any service.
func (inv Inventory) AllMembers() []string {
	set := map[string]bool{}
	for _, members := range inv.Members {
		for m := range members {
			set[m] = true
		}
	}

	out := make([]string, 0, len(set))
	for m := range set {
		out = append(out, m)
	}

	sort.Strings(out)
	return out
}

// PoolSizes says how far the pools' replication must come down before the
// named host's OSDs leave: to the number of OSD hosts that remain, at most
// 3 and never below 1. It returns that size and the pools above it; lost
// is true when no OSD would remain (the pools' data would go).
func PoolSizes(osds []microceph.Disk, pools []microceph.Pool, leaving string) (size int64, lower []string, lost bool) {
	hosts := map[string]bool{}
	for _, d := range osds {
		if d.Location != leaving {
			hosts[d.Location] = true
		}
	}

	size = int64(len(hosts))
	lost = size == 0 && len(osds) > 0
	if size > 3 {
		size = 3
	}

	if size < 1 {
		size = 1
	}

	for _, p := range pools {
		if p.Size > size {
			lower = append(lower, p.Pool)
		}
	}

	sort.Strings(lower)
	return size, lower, lost
}

// OSDsOf lists the OSDs a host holds.
func OSDsOf(osds []microceph.Disk, host string) []int64 {
	var out []int64
	for _, d := range osds {
		if d.Location == host {
			out = append(out, d.OSD)
		}
	}

	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
