package setup

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	lxd "github.com/canonical/lxd/client"
	"golang.org/x/sync/errgroup"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/microceph"
	"github.com/microcloud-project/microcloud/service/microovn"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/service/report"
)

// Executor carries out a validated plan.
type Executor struct {
	Plan  plan.Plan
	Facts plan.Facts
	Cloud Services

	// JoinMicroCloud asks a system of the discovery session to join
	// MicroCloud with a token (see daemon/session). nil when every system
	// already is a member.
	JoinMicroCloud func(ctx context.Context, name string, address string, token string) error
	// LeftSession is why a system left the discovery session, "" while
	// it is in it: a joiner whose MicroCloud join failed leaves with the
	// reason. nil when there is no session.
	LeftSession func(name string) string

	// Report receives progress; nil discards it.
	Report report.Reporter

	// Timing bounds the waits; the zero value means the defaults.
	Timing Timing

	// Existing are the MicroCloud's members before the run (name to
	// address): growing a cloud, the initiator is one of them and not
	// among the plan's systems.
	Existing map[string]string

	// Warnings collects what did not stop the run but deserves a look.
	Warnings []string
	mu       sync.Mutex
}

func (e *Executor) report(system string, t types.ServiceType, state report.State, detail string) {
	if e.Report != nil {
		e.Report.Report(report.Event{System: system, Service: t, State: state, Detail: detail})
	}
}

func (e *Executor) warn(format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Warnings = append(e.Warnings, fmt.Sprintf(format, args...))
}

func (e *Executor) fail(system string, t types.ServiceType, err error) error {
	e.report(system, t, report.Failed, err.Error())
	return &StepError{System: system, Service: t, Err: err}
}

func (e *Executor) initiator() plan.System {
	s, ok := e.Plan.System(e.Plan.Initiator)
	if !ok {
		s, ok = e.Plan.Member(e.Plan.Initiator)
	}

	if !ok {
		s = plan.System{Name: e.Plan.Initiator, Address: e.Existing[e.Plan.Initiator]}
	}

	return s
}

// joinersOf are the systems that join a service: every system other than
// the initiator, and every member too when the run brings the service to a
// grown cloud.
func (e *Executor) joinersOf(t types.ServiceType) []plan.System {
	if !e.Plan.Creates(t) {
		return e.joiners()
	}

	var out []plan.System
	for _, s := range e.Plan.Everyone() {
		if s.Name != e.Plan.Initiator {
			out = append(out, s)
		}
	}

	return out
}

// ovnSystems are the systems whose chassis the run sets up: the new ones,
// and the members too when it brings OVN to the cloud.
func (e *Executor) ovnSystems() []plan.System {
	if e.Plan.Creates(types.MicroOVN) {
		return e.Plan.Everyone()
	}

	return e.Plan.Systems
}

// joiners are the plan's systems other than the initiator.
func (e *Executor) joiners() []plan.System {
	var out []plan.System
	for _, s := range e.Plan.Systems {
		if s.Name != e.Plan.Initiator {
			out = append(out, s)
		}
	}

	return out
}

// bootstrapOrFind bootstraps a service on the initiator unless it already
// runs there (an earlier run), and returns the members it has.
func (e *Executor) bootstrapOrFind(ctx context.Context, t types.ServiceType, config map[string]string) (service.Service, []service.Member, error) {
	init := e.initiator()
	svc, err := e.Cloud.Service(ctx, init.Name, t)
	if err != nil {
		return nil, nil, e.fail(init.Name, t, err)
	}

	st, err := svc.Status(ctx)
	if err != nil {
		return nil, nil, e.fail(init.Name, t, err)
	}

	if st.Clustered {
		e.report(init.Name, t, report.Skipped, "already clustered")
	} else if e.Plan.Mode == plan.ModeInit || e.Plan.Creates(t) {
		e.report(init.Name, t, report.Running, "bootstrapping")
		err := svc.Bootstrap(ctx, init.Name, service.Address(t, init.Address), config)
		if err != nil {
			return nil, nil, e.fail(init.Name, t, err)
		}

		e.report(init.Name, t, report.Done, "bootstrapped")
	} else {
		return nil, nil, e.fail(init.Name, t, fmt.Errorf("%s is not initialized on the initiator", t))
	}

	members, err := svc.Members(ctx)
	if err != nil {
		return nil, nil, e.fail(init.Name, t, err)
	}

	return svc, members, nil
}

// joinAll joins the systems missing from a service's cluster, one after
// the other.
func (e *Executor) joinAll(ctx context.Context, t types.ServiceType, leader service.Service, members []service.Member, config func(plan.System) map[string]string) error {
	return e.joinAllThen(ctx, t, leader, members, config, nil)
}

// joinAllThen is joinAll, running then (unless nil) on each joiner as soon
// as it is a member: at once for those that already are, beside the joins.
func (e *Executor) joinAllThen(ctx context.Context, t types.ServiceType, leader service.Service, members []service.Member, config func(plan.System) map[string]string, then func(plan.System) error) error {
	var already errgroup.Group
	var todo []plan.System
	for _, s := range e.joinersOf(t) {
		if service.HasMember(members, s.Name) && e.stillJoined(ctx, leader, s, t) {
			e.report(s.Name, t, report.Skipped, "already a member")
			if then != nil {
				already.Go(func() error { return then(s) })
			}

			continue
		}

		todo = append(todo, s)
	}

	err := e.joinEach(ctx, t, leader, todo, config, then)
	return errors.Join(err, already.Wait())
}

// joinEach joins each of todo, one at a time, and runs then (unless nil)
// on each as soon as it is a member, beside the joins that follow.
//
// One at a time because no service tolerates concurrent joins: LXD refuses
// them, and microcluster (under MicroCloud, MicroOVN and MicroCeph) races.
// A joiner confirms itself with the members it finds, fails on one that is
// still joining ("connection refused", "No remote found at address ..."),
// and then cannot always undo its join: within the first heartbeat after
// the bootstrap every member is still pending, and microcluster leaves the
// failed joiner listed ("Cannot remove cluster members, there are no
// remaining non-pending members"), so no retry can follow.
func (e *Executor) joinEach(ctx context.Context, t types.ServiceType, leader service.Service, todo []plan.System, config func(plan.System) map[string]string, then func(plan.System) error) error {
	var after errgroup.Group
	for _, s := range todo {
		err := e.joinOne(ctx, t, leader, s, config)
		if err != nil {
			return errors.Join(err, after.Wait())
		}

		if then != nil {
			after.Go(func() error { return then(s) })
		}
	}

	return after.Wait()
}

// joinOne joins s to a service's cluster, or finishes a join an earlier
// run started.
func (e *Executor) joinOne(ctx context.Context, t types.ServiceType, leader service.Service, s plan.System, config func(plan.System) map[string]string) error {
	svc, err := e.Cloud.Service(ctx, s.Name, t)
	if err != nil {
		return e.fail(s.Name, t, err)
	}

	// A join an interrupted run started goes on without it (LXD joins
	// in the background): the system already calls itself clustered
	// and only needs time to appear among the members.
	st, err := e.answering(ctx, s.Name, t, svc)
	if err != nil {
		return e.fail(s.Name, t, err)
	}

	if st.Clustered {
		e.report(s.Name, t, report.Running, "finishing an earlier join")
		err := e.waitMember(ctx, leader, s.Name, e.Timing.JoinSettle)
		if err != nil {
			return e.fail(s.Name, t, fmt.Errorf("%s is clustered but not a member of this cluster (another cluster, or a join cut short that did not finish): %w", s.Name, err))
		}

		e.report(s.Name, t, report.Skipped, "already a member")
		return nil
	}

	e.report(s.Name, t, report.Running, "joining")
	token, err := leader.IssueToken(ctx, s.Name)
	if err != nil {
		return e.fail(s.Name, t, err)
	}

	err = svc.Join(ctx, s.Name, service.Address(t, s.Address), token, config(s))
	for attempt := 1; err != nil && attempt <= e.Timing.JoinRetries; attempt++ {
		// Concurrent microcluster joins race: a joiner that tells the
		// members it is up fails on one that is still joining ("No
		// remote found at address ...", or "connection refused"). The
		// service undoes a failed join after its request ends (the
		// leader drops the member, which resets and restarts), so the
		// join is tried again, with a fresh token, once that is over.
		_ = leader.RevokeToken(ctx, s.Name)
		if !e.joinUndone(ctx, leader, s, svc) {
			break
		}

		e.report(s.Name, t, report.Running, "joining again: "+firstLine(err.Error()))
		var again error
		token, again = leader.IssueToken(ctx, s.Name)
		if again != nil {
			break
		}

		err = svc.Join(ctx, s.Name, service.Address(t, s.Address), token, config(s))
	}

	if err != nil {
		_ = leader.RevokeToken(ctx, s.Name)
		return e.fail(s.Name, t, err)
	}

	e.report(s.Name, t, report.Done, "joined")
	return nil
}

// microcloud forms MicroCloud itself: bootstrap on the initiator, then each
// joiner (which is still in the discovery session) joins with a token.
func (e *Executor) microcloud(ctx context.Context) error {
	leader, members, err := e.bootstrapOrFind(ctx, types.MicroCloud, nil)
	if err != nil {
		return err
	}

	join := func(s plan.System) error {
		e.report(s.Name, types.MicroCloud, report.Running, "joining")
		token, err := leader.IssueToken(ctx, s.Name)
		if err != nil {
			return e.fail(s.Name, types.MicroCloud, err)
		}

		err = e.JoinMicroCloud(ctx, s.Name, service.Address(types.MicroCloud, s.Address), token)
		if err != nil {
			return e.fail(s.Name, types.MicroCloud, err)
		}

		err = e.waitMemberOrLeft(ctx, leader, s.Name, e.Timing.MemberWait)
		if err != nil {
			return e.fail(s.Name, types.MicroCloud, err)
		}

		e.report(s.Name, types.MicroCloud, report.Done, "joined")
		return nil
	}

	// The joins run one at a time, as for the services (see joinEach).
	var todo []plan.System
	for _, s := range e.joiners() {
		if service.HasMember(members, s.Name) {
			e.report(s.Name, types.MicroCloud, report.Skipped, "already a member")
			continue
		}

		if e.JoinMicroCloud == nil {
			return e.fail(s.Name, types.MicroCloud, fmt.Errorf("%s is not a MicroCloud member and is not in a session: run 'microcloud join' on it", s.Name))
		}

		todo = append(todo, s)
	}

	for _, s := range todo {
		err := join(s)
		if err != nil {
			return err
		}
	}

	return nil
}

// firstLine is the first line of a message, for a progress line.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// stillJoined reports whether a system the leader lists as a member is one:
// a join an interrupted run cut short leaves the system unclustered (the
// service resets it) while the leader still lists it until it undoes the
// join. Such a system is waited for until the leader drops it, then joined
// afresh.
func (e *Executor) stillJoined(ctx context.Context, leader service.Service, s plan.System, t types.ServiceType) bool {
	if t == types.MicroCloud {
		return true
	}

	svc, err := e.Cloud.Service(ctx, s.Name, t)
	if err != nil {
		return true
	}

	st, err := svc.Status(ctx)
	if err != nil || st.Clustered {
		return true
	}

	e.report(s.Name, t, report.Running, "an earlier join was cut short; waiting for it to be undone")
	e.joinUndone(ctx, leader, s, svc)

	// Still listed or not, the join below says what the service makes of
	// it; a run that is being cancelled does not start one.
	return ctx.Err() != nil
}

// joinUndone waits (at most JoinSettle) until a join that failed or was
// cut short is undone on both sides: the leader no longer lists the system,
// and the system, reset, answers as unclustered once the restart that
// follows is over. It reports whether that happened.
func (e *Executor) joinUndone(ctx context.Context, leader service.Service, s plan.System, svc service.Service) bool {
	deadline := time.Now().Add(e.Timing.JoinSettle)
	for {
		members, err := leader.Members(ctx)
		if err == nil && !service.HasMember(members, s.Name) && e.settledUnclustered(ctx, svc) {
			return true
		}

		if !time.Now().Before(deadline) {
			return false
		}

		select {
		case <-ctx.Done():
			return false
		case <-time.After(e.Timing.MemberPoll):
		}
	}
}

// answering is a joiner's service state, waiting up to JoinSettle for a
// service that does not answer yet: one that a join cut short reset is
// restarting (its state directory is recreated), and comes back.
func (e *Executor) answering(ctx context.Context, name string, t types.ServiceType, svc service.Service) (types.ServiceState, error) {
	st, err := svc.Status(ctx)
	if err == nil {
		return st, nil
	}

	e.report(name, t, report.Running, "waiting for it to answer (restarting)")
	deadline := time.Now().Add(e.Timing.JoinSettle)
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(e.Timing.MemberPoll):
		}

		st, err = svc.Status(ctx)
		if err == nil {
			return st, nil
		}
	}

	return st, fmt.Errorf("%w (no answer within %s)", err, e.Timing.JoinSettle)
}

// settledUnclustered reports whether a service answers as unclustered
// twice, JoinRetryWait apart: a service that reset itself after a failed
// join restarts once more before it can join again.
func (e *Executor) settledUnclustered(ctx context.Context, svc service.Service) bool {
	for i := 0; i < 2; i++ {
		st, err := svc.Status(ctx)
		if err != nil || st.Clustered {
			return false
		}

		if i == 0 {
			select {
			case <-ctx.Done():
				return false
			case <-time.After(e.Timing.JoinRetryWait):
			}
		}
	}

	return true
}

// waitMember waits until a service lists name as a member.
func (e *Executor) waitMember(ctx context.Context, svc service.Service, name string, timeout time.Duration) error {
	return e.waitMemberUnless(ctx, svc, name, timeout, nil)
}

// waitMemberOrLeft is waitMember for a MicroCloud joiner of the discovery
// session, which fails at once when the joiner leaves the session with a
// reason: its join failed, and it will not become a member.
func (e *Executor) waitMemberOrLeft(ctx context.Context, svc service.Service, name string, timeout time.Duration) error {
	if e.LeftSession == nil {
		return e.waitMember(ctx, svc, name, timeout)
	}

	return e.waitMemberUnless(ctx, svc, name, timeout, func() error {
		reason := e.LeftSession(name)
		if reason == "" {
			return nil
		}

		return fmt.Errorf("%s left the session: %s (run 'microcloud join' on it, then the same command here again)", name, reason)
	})
}

// waitMemberUnless is waitMember that gives up with gone's error.
func (e *Executor) waitMemberUnless(ctx context.Context, svc service.Service, name string, timeout time.Duration, gone func() error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		members, err := svc.Members(ctx)
		if err == nil && service.HasMember(members, name) {
			return nil
		}

		if gone != nil {
			err := gone()
			if err != nil {
				return err
			}
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not become a member within %s", name, timeout)
		case <-time.After(e.Timing.MemberPoll):
		}
	}
}

// ovnConfig is MicroOVN's initConfig for one system: every system's underlay
// under its host name, and the receiver's own under the plain key that
// MicroOVN 24.03 reads.
func (e *Executor) ovnConfig(s plan.System) map[string]string {
	config := map[string]string{}
	for _, other := range e.ovnSystems() {
		if other.UnderlayIP != "" {
			config[other.Name+".ovn-encap-ip"] = other.UnderlayIP
		}
	}

	if s.UnderlayIP != "" {
		config["ovn-encap-ip"] = s.UnderlayIP
	}

	return config
}

func (e *Executor) microovn(ctx context.Context) error {
	leader, members, err := e.bootstrapOrFind(ctx, types.MicroOVN, e.ovnConfig(e.initiator()))
	if err != nil {
		return err
	}

	err = e.joinAll(ctx, types.MicroOVN, leader, members, e.ovnConfig)
	if err != nil {
		return err
	}

	e.recordEncapIPs(ctx)
	return nil
}

// plannedEncapIP is the encapsulation IP a system's chassis should use: its
// underlay IP, else its MicroCloud address (MicroOVN's default).
func plannedEncapIP(s plan.System) string {
	if s.UnderlayIP != "" {
		return s.UnderlayIP
	}

	return s.Address
}

// recordEncapIPs keeps the planned encapsulation IPs in MicroCloud's
// database, where 'microcloud status' compares OVN's chassis with them.
func (e *Executor) recordEncapIPs(ctx context.Context) {
	settings := types.MemberSettings{}
	for _, s := range e.ovnSystems() {
		settings[s.Name] = map[string]string{types.SettingOVNEncapIP: plannedEncapIP(s)}
	}

	err := e.Cloud.RecordSettings(ctx, settings)
	if err != nil {
		e.warn("The planned OVN encapsulation IPs could not be recorded (status will not compare them): %v", err)
	}
}

func (e *Executor) microceph(ctx context.Context) error {
	public, internal := e.Plan.CephNetworks(e.Facts)
	config := map[string]string{"PublicNet": public, "ClusterNet": internal}
	leader, members, err := e.bootstrapOrFind(ctx, types.MicroCeph, config)
	if err != nil {
		return err
	}

	ceph, err := e.Cloud.Ceph(ctx, e.Plan.Initiator)
	if err != nil {
		return e.fail(e.Plan.Initiator, types.MicroCeph, err)
	}

	existing, err := ceph.OSDs(ctx)
	if err != nil {
		return e.fail(e.Plan.Initiator, types.MicroCeph, err)
	}

	// Each system's disks are added as soon as it is a member, beside the
	// joins still running. Joins run at the same time: a joiner decides in
	// one database transaction whether it takes one of the three monitors
	// (and managers), so concurrent joins never place a fourth, and Ceph
	// adds monitors that start together to its quorum one after the other.
	planned := map[string]plan.System{}
	for _, s := range e.Plan.Everyone() {
		planned[s.Name] = s
	}

	disksOf := func(s plan.System) error {
		if p, ok := planned[s.Name]; ok {
			return e.cephDisksOf(ctx, ceph, p, existing)
		}

		return nil
	}

	var initiatorDisks errgroup.Group
	initiatorDisks.Go(func() error { return disksOf(e.initiator()) })
	err = e.joinAllThen(ctx, types.MicroCeph, leader, members, func(plan.System) map[string]string { return nil }, disksOf)
	err = errors.Join(err, initiatorDisks.Wait())
	if err != nil {
		return err
	}

	osds, err := ceph.OSDs(ctx)
	if err != nil {
		return e.fail(e.Plan.Initiator, types.MicroCeph, err)
	}

	hosts := map[string]bool{}
	for _, o := range osds {
		hosts[o.Location] = true
	}

	size := int64(min(len(hosts), 3))
	if size == 0 {
		return nil
	}

	err = ceph.SetReplication(ctx, size)
	if err != nil {
		return e.fail(e.Plan.Initiator, types.MicroCeph, fmt.Errorf("Failed to set the replication size to %d: %w", size, err))
	}

	e.report(e.Plan.Initiator, types.MicroCeph, report.Done, fmt.Sprintf("%d OSDs on %d hosts, replication %d", len(osds), len(hosts), size))
	return nil
}

// cephDisksOf adds the planned disks of s that are not OSDs yet (osds are
// the cluster's before the run). A file-backed spec counts the OSDs
// already backed by files on that system.
func (e *Executor) cephDisksOf(ctx context.Context, ceph CephAdmin, s plan.System, osds []microceph.Disk) error {
	explicit := map[string]bool{}
	for _, d := range s.CephDisks {
		if !plan.IsLoopDisk(d.Path) {
			explicit[d.Path] = true
		}
	}

	have := map[string]bool{}
	fileBacked := 0
	for _, o := range osds {
		if o.Location != s.Name {
			continue
		}

		have[o.Path] = true
		if !explicit[o.Path] {
			fileBacked++
		}
	}

	for _, d := range s.CephDisks {
		path := d.Path
		if plan.IsLoopDisk(path) {
			missing := loopCount(path) - fileBacked
			fileBacked = max(0, -missing)
			if missing <= 0 {
				e.report(s.Name, types.MicroCeph, report.Skipped, path+" already added")
				continue
			}

			path = withCount(path, missing)
		} else if have[path] {
			e.report(s.Name, types.MicroCeph, report.Skipped, path+" already added")
			continue
		}

		e.report(s.Name, types.MicroCeph, report.Running, "adding "+path)
		err := ceph.AddDisk(ctx, s.Name, microceph.DisksPost{Path: []string{path}, Wipe: d.Wipe, Encrypt: d.Encrypt})
		if err != nil {
			return e.fail(s.Name, types.MicroCeph, fmt.Errorf("Failed to add disk %s: %w", path, err))
		}

		e.report(s.Name, types.MicroCeph, report.Done, "added "+path)
	}

	return nil
}

// lxdCluster forms LXD's cluster: bootstrap on the initiator, then the
// joins.
func (e *Executor) lxdCluster(ctx context.Context) error {
	leader, members, err := e.bootstrapOrFind(ctx, types.LXD, nil)
	if err != nil {
		return err
	}

	// A member joining a cluster that already has pools and networks (a
	// grown cloud, a resumed run) brings its own keys of them, and must
	// reach OVN's northbound before it joins: it starts the cluster's OVN
	// networks as it joins, with the configuration it had until then.
	configs, err := e.lxdJoinConfigs(ctx, leader)
	if err != nil {
		return e.fail(e.Plan.Initiator, types.LXD, err)
	}

	err = e.ovnBeforeJoin(ctx, leader, members)
	if err != nil {
		return err
	}

	// LXD accepts one join at a time.
	return e.joinAll(ctx, types.LXD, leader, members, func(s plan.System) map[string]string { return configs[s.Name] })
}

// lxdLeader is the initiator's LXD, as a service (its state) and as a
// client, for the phases that configure the cluster.
func (e *Executor) lxdLeader(ctx context.Context) (service.Service, types.ServiceState, lxd.InstanceServer, error) {
	init := e.Plan.Initiator
	leader, err := e.Cloud.Service(ctx, init, types.LXD)
	if err != nil {
		return nil, types.ServiceState{}, nil, e.fail(init, types.LXD, err)
	}

	st, err := leader.Status(ctx)
	if err != nil {
		return nil, types.ServiceState{}, nil, e.fail(init, types.LXD, err)
	}

	l, err := e.Cloud.LXD(ctx, init)
	if err != nil {
		return nil, types.ServiceState{}, nil, e.fail(init, types.LXD, err)
	}

	return leader, st, l, nil
}

// lxdNetworks gives the LXD cluster OVN access and creates the networks
// the plan wants.
func (e *Executor) lxdNetworks(ctx context.Context) error {
	init := e.Plan.Initiator
	leader, st, l, err := e.lxdLeader(ctx)
	if err != nil {
		return err
	}

	if e.Plan.OVN != nil {
		config, err := e.ovnServerConfig(ctx, st.HasExtension("ovn_ssl_config"))
		if err != nil {
			return e.fail(init, types.LXD, err)
		}

		if !st.HasExtension("ovn_ssl_config") {
			err := e.placeLXDPKI(ctx, e.Plan.Names())
			if err != nil {
				return err
			}
		}

		_, err = ensureServerConfig(l, config)
		if err != nil {
			return e.fail(init, types.LXD, fmt.Errorf("Failed to give LXD the OVN connection: %w", err))
		}

		// A member that joined a cluster which already had the OVN
		// connection does not see it (LXD 5.0 keeps the configuration it
		// had before joining): set it through that member too, which a
		// member that sees it already takes as nothing to do.
		for _, s := range e.joiners() {
			ml, err := e.Cloud.LXD(ctx, s.Name)
			if err == nil {
				_, err = ensureServerConfig(ml, config)
			}

			if err != nil {
				return e.fail(s.Name, types.LXD, fmt.Errorf("Failed to give LXD the OVN connection: %w", err))
			}
		}
	}

	names, want, err := e.desiredLXD(ctx, leader, st)
	if err != nil {
		return e.fail(init, types.LXD, err)
	}

	for _, network := range want.Networks {
		created, err := ensureNetwork(l, network, names, e.settling())
		if err != nil {
			return e.fail(init, types.LXD, err)
		}

		e.report(init, types.LXD, doneOrSkipped(created), "network "+network.Name)
	}

	return nil
}

// lxdStorage creates the storage pools the plan wants.
func (e *Executor) lxdStorage(ctx context.Context) error {
	init := e.Plan.Initiator
	leader, st, l, err := e.lxdLeader(ctx)
	if err != nil {
		return err
	}

	names, want, err := e.desiredLXD(ctx, leader, st)
	if err != nil {
		return e.fail(init, types.LXD, err)
	}

	for _, pool := range want.Pools {
		created, err := ensurePool(l, pool, names, e.settling())
		if err != nil {
			return e.fail(init, types.LXD, err)
		}

		e.report(init, types.LXD, doneOrSkipped(created), "storage pool "+pool.Name)
	}

	return nil
}

// lxdProfile points the default profile at the plan's root pool and
// network.
func (e *Executor) lxdProfile(ctx context.Context) error {
	init := e.Plan.Initiator
	_, st, l, err := e.lxdLeader(ctx)
	if err != nil {
		return err
	}

	want := DesiredLXD(e.Plan, st.Extensions, RBDEverywhere(e.Plan, e.Facts))

	// A cloud that gets OVN now moves its instances' default NIC from
	// the bridge it had without OVN to the OVN network.
	replaceNIC := ""
	if e.Plan.Creates(types.MicroOVN) {
		replaceNIC = NetworkBridge
	}

	changed, kept, err := ensureProfile(l, want.RootPool, want.NICNetwork, replaceNIC)
	if err != nil {
		return e.fail(init, types.LXD, fmt.Errorf("Failed to update the default profile: %w", err))
	}

	for _, k := range kept {
		e.warn("%s", k)
	}

	e.report(init, types.LXD, doneOrSkipped(changed), "default profile")
	return nil
}

// ovnBeforeJoin gives every system that is about to join an LXD cluster
// that already reaches OVN the same OVN connection, on its still
// standalone LXD.
func (e *Executor) ovnBeforeJoin(ctx context.Context, leader service.Service, members []service.Member) error {
	if e.Plan.OVN == nil {
		return nil
	}

	l, err := e.Cloud.LXD(ctx, e.Plan.Initiator)
	if err != nil {
		return e.fail(e.Plan.Initiator, types.LXD, err)
	}

	server, _, err := l.GetServer()
	if err != nil || server.Config["network.ovn.northbound_connection"] == nil {
		return nil
	}

	st, err := leader.Status(ctx)
	if err != nil {
		return e.fail(e.Plan.Initiator, types.LXD, err)
	}

	config, err := e.ovnServerConfig(ctx, st.HasExtension("ovn_ssl_config"))
	if err != nil {
		return e.fail(e.Plan.Initiator, types.LXD, err)
	}

	for _, s := range e.joiners() {
		if service.HasMember(members, s.Name) {
			continue
		}

		if !st.HasExtension("ovn_ssl_config") {
			err := e.placeLXDPKI(ctx, []string{s.Name})
			if err != nil {
				return err
			}
		}

		jl, err := e.Cloud.LXD(ctx, s.Name)
		if err == nil {
			_, err = ensureServerConfig(jl, config)
		}

		if err != nil {
			return e.fail(s.Name, types.LXD, fmt.Errorf("Failed to give LXD the OVN connection before it joins: %w", err))
		}
	}

	return nil
}

// lxdJoinConfigs are each system's values of the member-specific keys the
// LXD cluster asks of a joining member (those of its existing pools and
// networks), taken from what the plan wants of that member: a local pool's
// disk, an uplink's parent interface. Keys the plan has no value for are
// left to LXD's defaults.
func (e *Executor) lxdJoinConfigs(ctx context.Context, leader service.Service) (map[string]map[string]string, error) {
	st, err := leader.Status(ctx)
	if err != nil || !st.Clustered {
		return nil, err
	}

	l, err := e.Cloud.LXD(ctx, e.Plan.Initiator)
	if err != nil {
		return nil, err
	}

	cluster, _, err := l.GetCluster()
	if err != nil {
		return nil, fmt.Errorf("Failed to read LXD's member configuration: %w", err)
	}

	want := DesiredLXD(e.Plan, st.Extensions, RBDEverywhere(e.Plan, e.Facts))
	objects := map[string]LXDObject{}
	for _, p := range want.Pools {
		objects["storage-pool/"+p.Name] = p
	}

	for _, n := range want.Networks {
		objects["network/"+n.Name] = n
	}

	out := map[string]map[string]string{}
	for _, s := range e.joiners() {
		config := map[string]string{}
		for _, k := range cluster.MemberConfig {
			obj, ok := objects[k.Entity+"/"+k.Name]
			if v, has := obj.Member[s.Name][k.Key]; ok && has {
				config[service.LXDMemberConfigKey(k.Entity, k.Name, k.Key)] = v
			}
		}

		out[s.Name] = config
	}

	return out, nil
}

// desiredLXD is what the plan wants of the LXD cluster, and the members
// (sorted) every pool and network must cover: those the cluster lists.
// Configuration and verification both ask it, so they never judge by
// different member lists.
func (e *Executor) desiredLXD(ctx context.Context, leader service.Service, st types.ServiceState) ([]string, LXDConfig, error) {
	members, err := leader.Members(ctx)
	if err != nil {
		return nil, LXDConfig{}, err
	}

	var names []string
	for _, m := range members {
		names = append(names, m.Name)
	}

	sort.Strings(names)
	return names, DesiredLXD(e.Plan, st.Extensions, RBDEverywhere(e.Plan, e.Facts)), nil
}

func doneOrSkipped(changed bool) report.State {
	if changed {
		return report.Done
	}

	return report.Skipped
}

// placeLXDPKI puts each system's MicroOVN client PKI where its LXD, which
// takes no certificates as configuration, reads them: MicroOVN does not put
// them there, and outside snaps nothing else does.
func (e *Executor) placeLXDPKI(ctx context.Context, systems []string) error {
	for _, name := range systems {
		err := e.Cloud.PlaceOVNPKIForLXD(ctx, name)
		if err != nil {
			return e.fail(name, types.LXD, fmt.Errorf("Failed to give LXD MicroOVN's client certificate: %w", err))
		}
	}

	return nil
}

// ovnServerConfig is what LXD needs to reach OVN: the northbound databases
// and, where LXD takes them as configuration (ovn_ssl_config), the client
// PKI MicroOVN made on the initiator; older LXD reads it from /etc/ovn.
func (e *Executor) ovnServerConfig(ctx context.Context, sslConfig bool) (map[string]string, error) {
	nb, err := e.northbound(ctx)
	if err != nil {
		return nil, fmt.Errorf("Failed to find OVN's northbound databases: %w", err)
	}

	config := map[string]string{"network.ovn.northbound_connection": nb}
	if !sslConfig {
		return config, nil
	}

	pki, err := e.Cloud.OVNPKI(ctx)
	if err != nil {
		e.warn("LXD relies on its default OVN certificate paths: %v", err)
		return config, nil
	}

	config["network.ovn.ca_cert"] = pki.CACert
	config["network.ovn.client_cert"] = pki.ClientCert
	config["network.ovn.client_key"] = pki.ClientKey
	return config, nil
}

// northbound is the connection string of OVN's northbound databases, from
// where MicroOVN runs its central service and the members' addresses.
func (e *Executor) northbound(ctx context.Context) (string, error) {
	return e.centralConnection(ctx, microovn.Northbound)
}

// southbound is the connection string of OVN's southbound databases.
func (e *Executor) southbound(ctx context.Context) (string, error) {
	return e.centralConnection(ctx, microovn.Southbound)
}

func (e *Executor) centralConnection(ctx context.Context, connection func([]microovn.ServiceEntry, map[string]string) string) (string, error) {
	ovn, err := e.Cloud.OVN(ctx, e.Plan.Initiator)
	if err != nil {
		return "", err
	}

	entries, err := ovn.Services(ctx)
	if err != nil {
		return "", err
	}

	svc, err := e.Cloud.Service(ctx, e.Plan.Initiator, types.MicroOVN)
	if err != nil {
		return "", err
	}

	members, err := svc.Members(ctx)
	if err != nil {
		return "", err
	}

	addresses := map[string]string{}
	for _, m := range members {
		addresses[m.Name] = m.Address
	}

	return connection(entries, addresses), nil
}

func (e *Executor) settling() settling {
	return settling{timeout: e.Timing.ObjectSettle, poll: e.Timing.ObjectPoll}
}
