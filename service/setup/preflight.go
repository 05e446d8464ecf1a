package setup

import (
	"context"
	"fmt"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/plan"
)

// Preflight checks, before anything changes, that no system's service
// already belongs to a cluster other than the one this run forms or
// resumes: such a system would fail half-way or be torn out of its cluster.
func (e *Executor) Preflight(ctx context.Context) error {
	for _, t := range e.Plan.Services() {
		if t == types.MicroCloud {
			continue
		}

		clustered := map[string]bool{}
		for _, s := range e.Plan.Everyone() {
			st, _ := e.Facts.Systems[s.Name].Service(t)
			clustered[s.Name] = st.Clustered
		}

		// The cluster this run resumes or grows is the initiator's.
		var members []service.Member
		if clustered[e.Plan.Initiator] || (e.Plan.Mode == plan.ModeAdd && !e.Plan.Creates(t)) {
			svc, err := e.Cloud.Service(ctx, e.Plan.Initiator, t)
			if err != nil {
				return err
			}

			members, err = svc.Members(ctx)
			if err != nil {
				return fmt.Errorf("Failed to list %s's members: %w", t, err)
			}
		}

		for _, s := range e.Plan.Everyone() {
			if s.Name == e.Plan.Initiator || !clustered[s.Name] || service.HasMember(members, s.Name) {
				continue
			}

			// A join an interrupted run sent goes on, or is undone, without
			// it: give the system a moment to settle into this cluster or
			// out of any before calling its cluster another one.
			if e.settles(ctx, svcOf(e, ctx, e.Plan.Initiator, t), s.Name, t) {
				continue
			}

			return fmt.Errorf("%s on %s already belongs to another cluster; remove it from that cluster first", t, s.Name)
		}
	}

	return nil
}

// settles reports whether a system's service, clustered without the
// initiator's cluster listing it, turns out within Timing.ForeignSettle to
// be joining this cluster (either side lists the other), or to be reset by
// a join an interrupted run cut short (no longer clustered): then this run
// finishes the join. A service that stays in a cluster of its own is in
// another cluster.
func (e *Executor) settles(ctx context.Context, leader service.Service, system string, t types.ServiceType) bool {
	svc, err := e.Cloud.Service(ctx, system, t)
	if err != nil {
		return false
	}

	deadline := time.Now().Add(e.Timing.withDefaults().ForeignSettle)
	for {
		if leader != nil {
			if members, err := leader.Members(ctx); err == nil && service.HasMember(members, system) {
				return true
			}
		}

		if st, err := svc.Status(ctx); err == nil && !st.Clustered {
			return true
		}

		if members, err := svc.Members(ctx); err == nil && service.HasMember(members, e.Plan.Initiator) {
			return true
		}

		if time.Now().After(deadline) {
			return false
		}

		select {
		case <-ctx.Done():
			return false
		case <-time.After(time.Second):
		}
	}
}

// svcOf is a system's service, or nil when it cannot be reached.
func svcOf(e *Executor, ctx context.Context, system string, t types.ServiceType) service.Service {
	svc, err := e.Cloud.Service(ctx, system, t)
	if err != nil {
		return nil
	}

	return svc
}
