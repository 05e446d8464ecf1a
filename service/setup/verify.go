package setup

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/report"
)

// Verify checks the result against the plan: every service lists every
// system, each OVN chassis uses its planned encapsulation IP, and LXD's
// pools and networks are created on every member.
func (e *Executor) Verify(ctx context.Context) error {
	init := e.Plan.Initiator
	// Every member, the cloud's earlier ones too when it grew.
	names := e.Plan.Names()
	for name := range e.Existing {
		if !contains(names, name) {
			names = append(names, name)
		}
	}

	sort.Strings(names)
	for _, t := range e.Plan.Services() {
		svc, err := e.Cloud.Service(ctx, init, t)
		if err != nil {
			return e.fail(init, t, err)
		}

		members, err := svc.Members(ctx)
		if err != nil {
			return e.fail(init, t, err)
		}

		for _, name := range names {
			if !service.HasMember(members, name) {
				return e.fail(name, t, fmt.Errorf("%s is not a member of %s", name, t))
			}

			if t == types.LXD && !strings.EqualFold(memberStatus(members, name), "Online") {
				return e.fail(name, t, fmt.Errorf("LXD on %s is %s", name, memberStatus(members, name)))
			}
		}
	}

	if e.Plan.OVN != nil {
		err := e.verifyEncap(ctx)
		if err != nil {
			return err
		}
	}

	err := e.verifyLXDObjects(ctx)
	if err != nil {
		return err
	}

	if e.Plan.OVN != nil {
		err := e.verifyLXDReachesOVN(ctx)
		if err != nil {
			return err
		}
	}

	e.report(init, types.MicroCloud, report.Done, "verified")
	return nil
}

func memberStatus(members []service.Member, name string) string {
	for _, m := range members {
		if m.Name == name {
			return m.Status
		}
	}

	return ""
}

// verifyEncap compares each chassis' encapsulation IP with the plan, as
// OVN's southbound database has them (MicroOVN's API does not say); where
// that database cannot be read, as each member's own Open vSwitch database
// has it. A chassis registers a moment after its member joined: missing
// ones are waited for.
func (e *Executor) verifyEncap(ctx context.Context) error {
	sb, err := e.southbound(ctx)
	if err == nil {
		err = e.verifyChassis(ctx, sb)
		var mismatch *encapMismatch
		if err == nil || errors.As(err, &mismatch) {
			return err
		}

		e.warn("OVN's southbound database could not be read on %s: %v", e.Plan.Initiator, err)
	}

	var unknown []string
	for _, s := range e.ovnSystems() {
		got, err := e.Cloud.EncapIP(ctx, s.Name)
		if err != nil {
			e.warn("%s: the chassis' encapsulation IP could not be read: %v", s.Name, err)
			unknown = append(unknown, s.Name)
			continue
		}

		if got != plannedEncapIP(s) {
			return e.fail(s.Name, types.MicroOVN, fmt.Errorf("the chassis uses encapsulation IP %s, not the planned %s", got, plannedEncapIP(s)))
		}
	}

	if len(unknown) > 0 {
		e.warn("Encapsulation IPs not checked on %s", strings.Join(unknown, ", "))
	}

	return nil
}

// encapMismatch is a chassis on another IP than planned.
type encapMismatch struct{ err error }

func (m *encapMismatch) Error() string { return m.err.Error() }
func (m *encapMismatch) Unwrap() error { return m.err }

func (e *Executor) verifyChassis(ctx context.Context, southbound string) error {
	deadline := time.Now().Add(e.Timing.withDefaults().MemberWait)
	for {
		chassis, err := e.Cloud.Chassis(ctx, southbound)
		if err != nil {
			return err
		}

		var missing []string
		for _, s := range e.ovnSystems() {
			c, ok := chassisOf(chassis, s.Name)
			if !ok {
				missing = append(missing, s.Name)
				continue
			}

			want := plannedEncapIP(s)
			if !contains(c.EncapIPs, want) {
				return &encapMismatch{e.fail(s.Name, types.MicroOVN, fmt.Errorf("the chassis uses encapsulation IP %s, not the planned %s", strings.Join(c.EncapIPs, ", "), want))}
			}
		}

		if len(missing) == 0 {
			return nil
		}

		if time.Now().After(deadline) {
			return &encapMismatch{e.fail(missing[0], types.MicroOVN, fmt.Errorf("OVN's southbound database has no chassis for %s", strings.Join(missing, ", ")))}
		}

		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(e.Timing.withDefaults().MemberPoll):
		}
	}
}

func chassisOf(chassis []types.OVNChassis, name string) (types.OVNChassis, bool) {
	for _, c := range chassis {
		if c.Hostname == name || c.Name == name {
			return c, true
		}
	}

	return types.OVNChassis{}, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}

	return false
}

func (e *Executor) verifyLXDObjects(ctx context.Context) error {
	init := e.Plan.Initiator
	svc, err := e.Cloud.Service(ctx, init, types.LXD)
	if err != nil {
		return e.fail(init, types.LXD, err)
	}

	st, err := svc.Status(ctx)
	if err != nil {
		return e.fail(init, types.LXD, err)
	}

	l, err := e.Cloud.LXD(ctx, init)
	if err != nil {
		return e.fail(init, types.LXD, err)
	}

	members, want, err := e.desiredLXD(ctx, svc, st)
	if err != nil {
		return e.fail(init, types.LXD, err)
	}

	for _, p := range want.Pools {
		pool, _, err := l.GetStoragePool(p.Name)
		if err != nil {
			return e.fail(init, types.LXD, fmt.Errorf("storage pool %q: %w", p.Name, err))
		}

		if pool.Status != statusCreated || !covers(pool.Locations, members) {
			return e.fail(init, types.LXD, fmt.Errorf("storage pool %q is %s on %v", p.Name, pool.Status, pool.Locations))
		}
	}

	for _, n := range want.Networks {
		network, _, err := l.GetNetwork(n.Name)
		if err != nil {
			return e.fail(init, types.LXD, fmt.Errorf("network %q: %w", n.Name, err))
		}

		if network.Status != statusCreated || (len(n.Member) > 0 && !covers(network.Locations, members)) {
			return e.fail(init, types.LXD, fmt.Errorf("network %q is %s on %v", n.Name, network.Status, network.Locations))
		}
	}

	return nil
}

// verifyLXDReachesOVN checks that LXD, with the connection and certificates
// the product gave it, really reaches OVN's northbound database: asked the
// way LXD asks, it lists a logical router for each of LXD's OVN networks.
// A network can be CREATED while LXD's certificates no longer work (they
// changed after), so the networks' status alone does not show it.
func (e *Executor) verifyLXDReachesOVN(ctx context.Context) error {
	init := e.Plan.Initiator
	l, err := e.Cloud.LXD(ctx, init)
	if err != nil {
		return e.fail(init, types.LXD, err)
	}

	networks, err := l.GetNetworks()
	if err != nil {
		return e.fail(init, types.LXD, err)
	}

	ovnNetworks := 0
	for _, n := range networks {
		if n.Type == "ovn" {
			ovnNetworks++
		}
	}

	if ovnNetworks == 0 {
		return nil
	}

	routers, err := e.Cloud.OVNRoutersForLXD(ctx, init)
	if err != nil {
		return e.fail(init, types.LXD, fmt.Errorf("LXD cannot reach OVN's northbound database with its certificates: %w", err))
	}

	lxdRouters := 0
	for _, r := range routers {
		if strings.HasPrefix(r, "lxd-net") && strings.HasSuffix(r, "-lr") {
			lxdRouters++
		}
	}

	if lxdRouters < ovnNetworks {
		return e.fail(init, types.LXD, fmt.Errorf("OVN's northbound database lacks routers of LXD's OVN networks: %d of %d found", lxdRouters, ovnNetworks))
	}

	return nil
}
