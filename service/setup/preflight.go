package setup

import (
	"context"
	"fmt"

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
		for _, s := range e.Plan.Systems {
			st, _ := e.Facts.Systems[s.Name].Service(t)
			clustered[s.Name] = st.Clustered
		}

		// The cluster this run resumes or grows is the initiator's.
		var members []service.Member
		if clustered[e.Plan.Initiator] || e.Plan.Mode == plan.ModeAdd {
			svc, err := e.Cloud.Service(ctx, e.Plan.Initiator, t)
			if err != nil {
				return err
			}

			members, err = svc.Members(ctx)
			if err != nil {
				return fmt.Errorf("Failed to list %s's members: %w", t, err)
			}
		}

		for _, s := range e.Plan.Systems {
			if s.Name == e.Plan.Initiator || !clustered[s.Name] || service.HasMember(members, s.Name) {
				continue
			}

			return fmt.Errorf("%s on %s already belongs to another cluster; remove it from that cluster first", t, s.Name)
		}
	}

	return nil
}
