package shrink

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
)

// Each microcluster-based service (MicroCloud, MicroOVN, MicroCeph) keeps
// its state in dqlite, whose leader keeps three voters once the cluster
// has three members or more (one below three). A removed voter is not
// replaced at once: the leader promotes a stand-by at its next roles
// adjustment, one heartbeat (10 s) later, and the member list shows it
// one heartbeat after that. Until then the database runs on two voters and
// the loss of either stops the service for good (no quorum left to
// promote anyone), so a removal waits for the promotion before it reports
// success.
const (
	// votersWanted is dqlite's voter count from three members on.
	votersWanted = 3
	// voterWaitDefault bounds the wait: two heartbeats and a margin.
	voterWaitDefault = 30 * time.Second
	// voterPollDefault is how often the member list is read meanwhile.
	voterPollDefault = 500 * time.Millisecond
)

// votersOf counts a service's voters and how many it should have. Members
// gone for good (still listed, removed next) count for neither: nobody
// promotes them.
func votersOf(members []service.Member, gone []string) (have int, want int) {
	live := 0
	for _, m := range members {
		if slices.Contains(gone, m.Name) {
			continue
		}

		live++
		if strings.EqualFold(m.Role, "voter") {
			have++
		}
	}

	if live >= votersWanted {
		want = votersWanted
	}

	return have, want
}

// microclusterServices are the services whose databases are dqlite
// clusters of their members.
var microclusterServices = []types.ServiceType{types.MicroCloud, types.MicroCeph, types.MicroOVN}

// waitVoters waits, within one bound for them all, until every
// microcluster-based service that had the removed member has its voters
// again. The services promote on their own clocks, so the waits overlap;
// one that is still short when the bound is over is a warning, since the
// removal itself happened.
func (r *Remover) waitVoters(ctx context.Context, inv Inventory, name string) {
	bound, poll := r.VoterWait, r.VoterPoll
	if bound == 0 {
		bound = voterWaitDefault
	}

	if poll == 0 {
		poll = voterPollDefault
	}

	deadline := time.Now().Add(bound)
	for _, t := range microclusterServices {
		if _, ok := inv.Members[t][name]; !ok {
			continue
		}

		svc, err := r.Services.Service(ctx, r.Local, t)
		if err != nil {
			continue
		}

		r.waitVotersOf(ctx, t, svc, deadline, poll)
	}
}

func (r *Remover) waitVotersOf(ctx context.Context, t types.ServiceType, svc service.Service, deadline time.Time, poll time.Duration) {
	waiting := false
	have, want := 0, 0
	for {
		members, err := svc.Members(ctx)
		if err != nil && !time.Now().Before(deadline) {
			r.warn("%s's members could not be read to check its database's voters: %v", t, err)
			return
		}

		if err == nil {
			have, want = votersOf(members, r.Gone)
			if have >= want {
				if waiting {
					r.say("  %s: %d voters again", t, have)
				}

				return
			}

			if !waiting {
				r.say("  %s: waiting for its database to promote a member to voter (%d of %d)", t, have, want)
				waiting = true
			}
		}

		if !time.Now().Before(deadline) {
			r.warn("%s's database has %d of %d voters: until its leader promotes a member, the loss of one more voter stops %s", t, have, want, t)
			return
		}

		select {
		case <-ctx.Done():
			return
		case <-time.After(poll):
		}
	}
}
