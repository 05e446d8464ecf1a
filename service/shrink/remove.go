package shrink

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/canonical/lxd/shared/api"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/microceph"
	"github.com/microcloud-project/microcloud/service/microovn"
)

// osdRemoveTimeout bounds MicroCeph's wait for an OSD's data to live on
// elsewhere before the OSD goes (seconds).
const osdRemoveTimeout = 600

// Remover removes members from every service. Every call goes through
// Local, the member it runs on, which is never one of those removed.
type Remover struct {
	Services Services
	Local    string
	Force    bool
	// Say reports one step, as it happens.
	Say func(format string, args ...any)
	// Warnings are what the operator should know afterwards.
	Warnings []string
	// Gone are members that are gone for good along with those removed
	// (a recovery from quorum loss drops several at once): microcluster
	// runs its post-remove hooks on every remaining member, and one of
	// theirs that fails does not fail a removal that happened.
	Gone []string
	// VoterWait bounds the wait for the databases to replace a removed
	// voter, VoterPoll paces it (0: 30 s and 500 ms; see voters.go).
	VoterWait time.Duration
	VoterPoll time.Duration
}

func (r *Remover) say(format string, args ...any) {
	if r.Say != nil {
		r.Say(format, args...)
	}
}

func (r *Remover) warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.Warnings = append(r.Warnings, msg)
	r.say("Warning: %s", msg)
}

// Inventory reads every service's members, the named members' running
// instances and whether they answer.
func (r *Remover) Inventory(ctx context.Context, names []string) (Inventory, error) {
	inv := Inventory{Members: map[types.ServiceType]map[string]string{}, Running: map[string][]string{}, Reachable: map[string]bool{}}
	for _, t := range serviceOrder {
		svc, err := r.Services.Service(ctx, r.Local, t)
		if err != nil {
			return inv, err
		}

		// A service this machine does not run clustered is not part of
		// the cloud (every member runs what the cloud has).
		state, err := svc.Status(ctx)
		if err != nil || !state.Present || !state.Clustered {
			if t == types.MicroCloud || t == types.LXD {
				return inv, fmt.Errorf("%s is not clustered on %s: is this machine a MicroCloud member?", t, r.Local)
			}

			continue
		}

		members, err := svc.Members(ctx)
		if err != nil {
			return inv, fmt.Errorf("Failed to list %s's members: %w", t, err)
		}

		inv.Members[t] = map[string]string{}
		for _, m := range members {
			host, _, err := net.SplitHostPort(m.Address)
			if err != nil {
				host = m.Address
			}

			inv.Members[t][m.Name] = host
		}
	}

	for _, name := range names {
		inv.Reachable[name] = r.Services.Reachable(ctx, name)
	}

	if _, ok := inv.Members[types.MicroCeph]; ok {
		ceph, err := r.Services.Ceph(ctx, r.Local)
		if err != nil {
			return inv, err
		}

		inv.OSDs, err = ceph.OSDs(ctx)
		if err != nil {
			return inv, fmt.Errorf("Failed to list Ceph's OSDs: %w", err)
		}
	}

	if _, ok := inv.Members[types.LXD]; ok {
		lc, err := r.Services.LXD(ctx, r.Local)
		if err != nil {
			return inv, err
		}

		instances, err := lc.GetInstancesAllProjects(api.InstanceTypeAny)
		if err != nil {
			return inv, fmt.Errorf("Failed to list LXD's instances: %w", err)
		}

		for _, inst := range instances {
			if inst.StatusCode == api.Running {
				name := inst.Name
				if inst.Project != "" && inst.Project != api.ProjectDefaultName {
					name = inst.Project + "/" + name
				}

				inv.Running[inst.Location] = append(inv.Running[inst.Location], name)
			}
		}

		for _, list := range inv.Running {
			sort.Strings(list)
		}
	}

	return inv, nil
}

// Remove removes each named member, one after another, from every service
// that has it. A re-run after a failure finishes the job: a service that
// no longer lists a member is skipped, and what a dead member left behind
// is looked for each time.
func (r *Remover) Remove(ctx context.Context, inv Inventory, names []string) error {
	for _, name := range names {
		err := r.removeOne(ctx, inv, name)
		if err != nil {
			return err
		}

		for _, members := range inv.Members {
			delete(members, name)
		}
	}

	return nil
}

func (r *Remover) removeOne(ctx context.Context, inv Inventory, name string) error {
	dead := !inv.Reachable[name]
	if dead {
		r.say("Removing %s, which does not answer, without contacting it", name)
	} else {
		r.say("Removing %s", name)
	}

	steps := []struct {
		t  types.ServiceType
		fn func(context.Context, Inventory, string, bool) error
	}{
		{types.LXD, r.removeLXD},
		{types.MicroCeph, r.removeCeph},
		{types.MicroOVN, r.removeOVN},
		{types.MicroCloud, r.removeMember},
	}

	for _, step := range steps {
		if _, ok := inv.Members[step.t]; !ok {
			continue
		}

		err := step.fn(ctx, inv, name, dead)
		if err != nil {
			return fmt.Errorf("Failed to remove %s from %s: %w", name, step.t, err)
		}
	}

	r.waitVoters(ctx, inv, name)
	return nil
}

// removeMemberOf removes the member from one service's cluster; forced for
// a dead member, whose hooks cannot run.
func (r *Remover) removeMemberOf(ctx context.Context, inv Inventory, t types.ServiceType, name string, force bool) error {
	if _, ok := inv.Members[t][name]; !ok {
		return nil
	}

	svc, err := r.Services.Service(ctx, r.Local, t)
	if err != nil {
		return err
	}

	err = svc.RemoveMember(ctx, name, force)
	if err != nil && !r.removedDespite(ctx, svc, name, err) {
		return err
	}

	r.say("  %s: removed %s", t, name)
	return nil
}

// removedDespite reports whether a removal that failed only in a hook of a
// member that is gone too did happen: the service no longer lists the
// member.
func (r *Remover) removedDespite(ctx context.Context, svc service.Service, name string, err error) bool {
	hookOfGone := false
	for _, other := range r.Gone {
		if other != name && strings.Contains(err.Error(), "target="+other) {
			hookOfGone = true
		}
	}

	if !hookOfGone {
		return false
	}

	members, listErr := svc.Members(ctx)
	return listErr == nil && !service.HasMember(members, name)
}

func (r *Remover) removeMember(ctx context.Context, inv Inventory, name string, dead bool) error {
	return r.removeMemberOf(ctx, inv, types.MicroCloud, name, dead || r.Force)
}

// removeLXD removes the member from LXD's cluster: forced for a dead
// member, or one that still runs instances when the operator said so.
func (r *Remover) removeLXD(ctx context.Context, inv Inventory, name string, dead bool) error {
	return r.removeMemberOf(ctx, inv, types.LXD, name, dead || r.Force)
}

// removeCeph lowers the pools' replication to what the remaining OSD hosts
// can hold, takes the member's OSDs out (a live member's through
// MicroCeph, which waits until their data lives on elsewhere), removes it
// from MicroCeph (its monitor leaves the monmap), and then drops whatever
// Ceph still knows of it (a dead member's monitor, OSDs and CRUSH host).
func (r *Remover) removeCeph(ctx context.Context, inv Inventory, name string, dead bool) error {
	ceph, err := r.Services.Ceph(ctx, r.Local)
	if err != nil {
		return err
	}

	osds, err := ceph.OSDs(ctx)
	if err != nil {
		return err
	}

	pools, err := ceph.Pools(ctx)
	if err != nil {
		return err
	}

	size, lower, lost := PoolSizes(osds, pools, name)
	mine := OSDsOf(osds, name)
	if lost && len(mine) > 0 && !r.Force {
		return fmt.Errorf("%s holds the last OSDs of Ceph (%s): their data would go with them; use --force to remove it anyway", name, osdNames(mine))
	}

	if len(lower) > 0 {
		err := ceph.SetPoolSize(ctx, lower, size)
		if err != nil {
			return fmt.Errorf("Failed to lower the replication of %s to %d: %w", strings.Join(lower, ", "), size, err)
		}

		r.say("  MicroCeph: replication of %s lowered to %d, the OSD hosts that remain", strings.Join(lower, ", "), size)
	}

	if size == 1 && len(lower) > 0 {
		r.warn("Ceph keeps a single copy of its data now: the loss of one more disk loses data; add machines with disks to raise it again")
	}

	if !dead {
		for _, osd := range mine {
			r.say("  MicroCeph: taking osd.%d out (its data moves to the other hosts first)", osd)
			err := ceph.RemoveDisk(ctx, name, microceph.DisksDelete{OSD: osd, ConfirmDowngrade: true, Timeout: osdRemoveTimeout})
			if err != nil {
				return fmt.Errorf("Failed to remove osd.%d: %w", osd, err)
			}
		}
	}

	admin, err := r.Services.Admin(r.Local)
	if err != nil {
		return err
	}

	if dead {
		err := r.forgetCeph(ctx, admin, name)
		if err != nil {
			return err
		}
	}

	err = r.removeMemberOf(ctx, inv, types.MicroCeph, name, dead || r.Force)
	if err != nil {
		return err
	}

	// A live member's removal leaves its (empty) CRUSH host behind.
	err = r.forgetCeph(ctx, admin, name)
	if err != nil {
		return err
	}

	return r.replaceMon(ctx, ceph, inv.Members[types.MicroCeph], name)
}

// cephTopUps are the Ceph daemons MicroCeph runs on three hosts, with how
// removal names them: monitors (their quorum), managers and metadata
// servers (CephFS).
var cephTopUps = []struct{ service, what, why string }{
	{"mon", "a monitor", "so that three monitors keep Ceph's quorum"},
	{"mgr", "a manager", "so that a standby manager remains"},
	{"mds", "a metadata server", "so that CephFS keeps its standbys"},
}

// replaceMon starts, for each of monitors, managers and metadata servers
// that the cluster runs, one on a member without one while fewer than three
// remain: three monitors keep a quorum through the loss of one, two do not.
func (r *Remover) replaceMon(ctx context.Context, ceph Ceph, members map[string]string, name string) error {
	services, err := ceph.Services(ctx)
	if err != nil {
		return err
	}

	for _, top := range cephTopUps {
		var have []string
		runs := false
		for _, s := range services {
			if s.Service == top.service {
				runs = true
				if s.Location != name {
					have = append(have, s.Location)
				}
			}
		}

		if !runs {
			continue
		}

		r.topUp(members, name, have, func(m string) error { return ceph.EnableService(ctx, m, top.service) },
			"MicroCeph could not start "+top.what+" on %s: %v",
			"  MicroCeph: started "+top.what+" on %s, "+top.why)
	}

	return nil
}

// topUp starts a service on members that lack it until three have it (or
// no member is left to take it), and returns who got it. Three copies of a
// quorum survive the loss of one; two do not.
func (r *Remover) topUp(members map[string]string, leaving string, have []string, enable func(member string) error, failed string, started string) []string {
	has := map[string]bool{}
	for _, m := range have {
		has[m] = true
	}

	var candidates []string
	for m := range members {
		if m != leaving && !has[m] && !slices.Contains(r.Gone, m) {
			candidates = append(candidates, m)
		}
	}

	sort.Strings(candidates)
	var added []string
	for _, m := range candidates {
		if len(has) >= 3 {
			break
		}

		err := enable(m)
		if err != nil {
			r.warn(failed, m, err)
			continue
		}

		has[m] = true
		added = append(added, m)
		r.say(started, m)
	}

	return added
}

func (r *Remover) forgetCeph(ctx context.Context, admin Admin, name string) error {
	actions, err := admin.ForgetCeph(ctx, types.Forget{Member: name})
	if err != nil {
		return err
	}

	for _, a := range actions {
		r.say("  MicroCeph: %s", a)
	}

	return nil
}

func osdNames(ids []int64) string {
	var out []string
	for _, id := range ids {
		out = append(out, fmt.Sprintf("osd.%d", id))
	}

	return strings.Join(out, ", ")
}

// removeOVN removes the member from MicroOVN (a live member leaves OVN's
// raft clusters and its chassis deletes itself), drops what a dead member
// left (its chassis, its raft seats), starts a central on a member that
// has none when fewer than three would remain, and points LXD at the
// centrals that remain.
func (r *Remover) removeOVN(ctx context.Context, inv Inventory, name string, dead bool) error {
	ovn, err := r.Services.OVN(ctx, r.Local)
	if err != nil {
		return err
	}

	entries, err := ovn.Services(ctx)
	if err != nil {
		return err
	}

	members := inv.Members[types.MicroOVN]
	var left []microovn.ServiceEntry
	for _, e := range entries {
		if e.Location != name {
			left = append(left, e)
		}
	}

	if dead {
		err := r.forgetOVN(ctx, members, left, name)
		if err != nil {
			return err
		}
	}

	err = r.removeMemberOf(ctx, inv, types.MicroOVN, name, dead || r.Force)
	if err != nil {
		return err
	}

	// A live member's chassis deletes itself as it leaves; one that did
	// not (its ovn-controller was stopped before it could) goes now.
	if !dead {
		err := r.forgetOVN(ctx, members, left, name)
		if err != nil {
			return err
		}
	}

	left = r.replaceCentral(ctx, ovn, members, left, name)

	return r.pointLXDAtCentrals(ctx, inv, left, name)
}

func centrals(entries []microovn.ServiceEntry) []string {
	var out []string
	for _, e := range entries {
		if e.Service == "central" {
			out = append(out, e.Location)
		}
	}

	sort.Strings(out)
	return out
}

// forgetOVN asks a surviving central to drop the dead member's chassis and
// raft seats.
func (r *Remover) forgetOVN(ctx context.Context, members map[string]string, left []microovn.ServiceEntry, name string) error {
	survivors := centrals(left)
	if len(survivors) == 0 {
		return fmt.Errorf("No OVN central would remain: %s ran the last one", name)
	}

	at := survivors[0]
	for _, c := range survivors {
		if c == r.Local {
			at = c
		}
	}

	admin, err := r.Services.Admin(at)
	if err != nil {
		return err
	}

	actions, err := admin.ForgetOVN(ctx, types.Forget{Member: name, Address: members[name]})
	if err != nil {
		return err
	}

	for _, a := range actions {
		r.say("  MicroOVN: %s", a)
	}

	return nil
}

// replaceCentral starts OVN's central service on a member without one when
// fewer than three centrals remain: a raft cluster of three survives the
// loss of one, a cluster of two does not.
func (r *Remover) replaceCentral(ctx context.Context, ovn OVN, members map[string]string, left []microovn.ServiceEntry, name string) []microovn.ServiceEntry {
	added := r.topUp(members, name, centrals(left), func(m string) error { return ovn.EnableService(ctx, m, "central") },
		"OVN's central could not be started on %s: %v",
		"  MicroOVN: started central on %s, so that three centrals keep OVN's databases")
	for _, m := range added {
		left = append(left, microovn.ServiceEntry{Service: "central", Location: m})
	}

	return left
}

// pointLXDAtCentrals sets LXD's northbound connection to the centrals that
// remain, when LXD has one set.
func (r *Remover) pointLXDAtCentrals(ctx context.Context, inv Inventory, left []microovn.ServiceEntry, name string) error {
	if _, ok := inv.Members[types.LXD]; !ok {
		return nil
	}

	lc, err := r.Services.LXD(ctx, r.Local)
	if err != nil {
		return err
	}

	server, etag, err := lc.GetServer()
	if err != nil {
		return err
	}

	current, _ := server.Config["network.ovn.northbound_connection"].(string)
	if current == "" {
		return nil
	}

	addrs := map[string]string{}
	for m, ip := range inv.Members[types.MicroOVN] {
		addrs[m] = net.JoinHostPort(ip, "0")
	}

	// Centrals of members gone for good are left out already: they are
	// removed next.
	var live []microovn.ServiceEntry
	for _, e := range left {
		if !slices.Contains(r.Gone, e.Location) {
			live = append(live, e)
		}
	}

	nb := microovn.Northbound(live, addrs)
	if nb == "" || nb == current {
		return nil
	}

	put := server.Writable()
	put.Config["network.ovn.northbound_connection"] = nb
	err = lc.UpdateServer(put, etag)
	if err != nil {
		return fmt.Errorf("Failed to point LXD at OVN's remaining centrals: %w", err)
	}

	r.say("  LXD: OVN northbound connection is now %s", nb)
	return nil
}
