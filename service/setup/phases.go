package setup

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/service/report"
)

// Phase is one stage of a run. It starts once every phase it comes After
// has succeeded; phases that do not wait for each other run at the same
// time.
type Phase struct {
	Name  string
	After []string
	Run   func(context.Context) error
}

// Names of the phases that are not a service's name.
const (
	PhaseLXDCluster  = "LXD cluster"
	PhaseLXDNetworks = "LXD networks"
	PhaseLXDStorage  = "LXD storage"
	PhaseLXDProfile  = "LXD profile"
	PhaseVerify      = "verify"
)

// Phases lists the stages a plan needs. MicroCloud comes first: every
// other service is reached through it. MicroOVN and MicroCeph do not
// depend on each other and form at the same time. LXD's cluster forms
// beside them when the run creates the cloud (its members join a cluster
// that has no pools or networks yet, so they need neither service), and
// after them when the cloud grows (a member joining brings its keys of the
// cluster's pools and starts its OVN networks). LXD's networks need
// MicroOVN, its pools MicroCeph, the default profile both; verification
// comes last.
func (e *Executor) Phases() []Phase {
	microcloud := string(types.MicroCloud)
	phases := []Phase{{Name: microcloud, Run: e.microcloud}}
	networksAfter := []string{PhaseLXDCluster}
	storageAfter := []string{PhaseLXDCluster}
	var beside []string
	for _, t := range e.Plan.Services() {
		switch t {
		case types.MicroOVN:
			phases = append(phases, Phase{Name: string(t), After: []string{microcloud}, Run: e.microovn})
			networksAfter = append(networksAfter, string(t))
			beside = append(beside, string(t))
		case types.MicroCeph:
			phases = append(phases, Phase{Name: string(t), After: []string{microcloud}, Run: e.microceph})
			storageAfter = append(storageAfter, string(t))
			beside = append(beside, string(t))
		}
	}

	clusterAfter := []string{microcloud}
	if e.Plan.Mode != plan.ModeInit {
		clusterAfter = append(clusterAfter, beside...)
	}

	return append(phases,
		Phase{Name: PhaseLXDCluster, After: clusterAfter, Run: e.lxdCluster},
		Phase{Name: PhaseLXDNetworks, After: networksAfter, Run: e.lxdNetworks},
		Phase{Name: PhaseLXDStorage, After: storageAfter, Run: e.lxdStorage},
		Phase{Name: PhaseLXDProfile, After: []string{PhaseLXDNetworks, PhaseLXDStorage}, Run: e.lxdProfile},
		Phase{Name: PhaseVerify, After: []string{PhaseLXDProfile}, Run: e.Verify})
}

// runTimeout bounds a whole run whose context has no deadline (every call
// below needs one, see client.WithDeadline).
const runTimeout = 2 * time.Hour

// Run executes the phases, each as soon as those it comes after are done,
// and returns the first failure. A phase that fails does not cut short the
// phases running beside it, so that a re-run finds as much done as
// possible; the phases after it do not start.
func (e *Executor) Run(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, runTimeout)
		defer cancel()
	}

	e.Timing = e.Timing.withDefaults()
	e.awaitInterrupted(ctx)
	return runPhases(ctx, e.Phases())
}

// awaitInterrupted waits (at most JoinSettle) until no system has requests
// of an interrupted run still under way: a run killed while it joined a
// service or added a disk leaves that request to finish (see microcloudd's
// tunnel), and a phase that looked before it ended would do it twice.
// A system that cannot say (not a member yet, an older microcloudd) is not
// waited for.
func (e *Executor) awaitInterrupted(ctx context.Context) {
	names := append([]string{e.initiator().Name}, e.Plan.Names()...)
	deadline := time.Now().Add(e.Timing.JoinSettle)
	waiting := map[string]bool{}
	for {
		busy := false
		for _, name := range names {
			pollCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
			n, err := e.Cloud.DrainingRequests(pollCtx, name)
			cancel()
			if err != nil || n == 0 {
				if waiting[name] {
					e.report(name, types.MicroCloud, report.Done, "the interrupted run's requests ended")
					delete(waiting, name)
				}

				continue
			}

			busy = true
			if !waiting[name] {
				waiting[name] = true
				e.report(name, types.MicroCloud, report.Running, "waiting for the requests of an interrupted run to end")
			}
		}

		if !busy {
			return
		}

		if time.Now().After(deadline) {
			e.warn("Requests of an interrupted run were still under way after %s; the run went on", e.Timing.JoinSettle)
			return
		}

		select {
		case <-ctx.Done():
			return
		case <-time.After(e.Timing.MemberPoll):
		}
	}
}

// runPhases runs phases in their dependency order, concurrently where
// they allow it.
func runPhases(ctx context.Context, phases []Phase) error {
	type outcome struct {
		done chan struct{} // closed when the phase has ended
		ok   bool          // read after done: it succeeded
	}

	outcomes := map[string]*outcome{}
	for _, ph := range phases {
		if outcomes[ph.Name] != nil {
			return fmt.Errorf("Internal error: phase %q is listed twice", ph.Name)
		}

		outcomes[ph.Name] = &outcome{done: make(chan struct{})}
	}

	// Every phase a phase waits for is listed before it, which also rules
	// out a cycle.
	seen := map[string]bool{}
	for _, ph := range phases {
		for _, a := range ph.After {
			if !seen[a] {
				return fmt.Errorf("Internal error: phase %q comes after %q, which is not listed before it", ph.Name, a)
			}
		}

		seen[ph.Name] = true
	}

	var g errgroup.Group
	for _, ph := range phases {
		o := outcomes[ph.Name]
		g.Go(func() error {
			defer close(o.done)
			for _, a := range ph.After {
				<-outcomes[a].done
				if !outcomes[a].ok {
					return nil
				}
			}

			err := ph.Run(ctx)
			o.ok = err == nil
			return err
		})
	}

	return g.Wait()
}
