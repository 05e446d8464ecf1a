package setup

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/service/plan"
)

// phaseLog records the order in which fake phases start and end.
type phaseLog struct {
	mu     sync.Mutex
	events []string
}

func (l *phaseLog) add(event string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, event)
}

func (l *phaseLog) index(event string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Index(l.events, event)
}

// phase is a fake phase that logs its start and end, and fails with err.
func (l *phaseLog) phase(name string, err error, after ...string) Phase {
	return Phase{Name: name, After: after, Run: func(context.Context) error {
		l.add(name + " start")
		time.Sleep(20 * time.Millisecond)
		l.add(name + " end")
		return err
	}}
}

func TestRunPhasesFollowsTheDependencies(t *testing.T) {
	log := &phaseLog{}
	err := runPhases(context.Background(), []Phase{
		log.phase("A", nil),
		log.phase("B", nil, "A"),
		log.phase("C", nil, "A"),
		log.phase("D", nil, "B", "C"),
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, order := range [][2]string{{"A end", "B start"}, {"A end", "C start"}, {"B end", "D start"}, {"C end", "D start"}} {
		if log.index(order[0]) > log.index(order[1]) {
			t.Fatalf("%q after %q: %v", order[0], order[1], log.events)
		}
	}

	// B and C run at the same time.
	if log.index("B start") > log.index("C end") || log.index("C start") > log.index("B end") {
		t.Fatalf("B and C did not overlap: %v", log.events)
	}
}

func TestRunPhasesStopsAfterAFailureButFinishesWhatRunsBeside(t *testing.T) {
	log := &phaseLog{}
	failure := errors.New("B failed")
	err := runPhases(context.Background(), []Phase{
		log.phase("A", nil),
		log.phase("B", failure, "A"),
		{Name: "C", After: []string{"A"}, Run: func(context.Context) error {
			time.Sleep(100 * time.Millisecond)
			log.add("C end")
			return nil
		}},
		log.phase("D", nil, "B", "C"),
		log.phase("E", nil, "C"),
	})
	if !errors.Is(err, failure) {
		t.Fatalf("err %v", err)
	}

	if log.index("C end") < 0 || log.index("E end") < 0 {
		t.Fatalf("the phases beside the failure did not finish: %v", log.events)
	}

	if log.index("D start") >= 0 {
		t.Fatalf("a phase after the failure ran: %v", log.events)
	}
}

func TestRunPhasesRefusesAnUnknownOrLaterDependency(t *testing.T) {
	for _, phases := range [][]Phase{
		{{Name: "A", After: []string{"B"}}, {Name: "B"}},
		{{Name: "A", After: []string{"X"}}},
		{{Name: "A"}, {Name: "A"}},
	} {
		err := runPhases(context.Background(), phases)
		if err == nil || !strings.HasPrefix(err.Error(), "Internal error: phase") {
			t.Fatalf("%v: err %v", phases, err)
		}
	}
}

// TestPhasesOverlapLXDOnlyWhenCreating: LXD's cluster forms beside MicroOVN
// and MicroCeph in a new cloud, after them in a grown one.
func TestPhasesOverlapLXDOnlyWhenCreating(t *testing.T) {
	for _, tc := range []struct {
		mode plan.Mode
		want string
	}{
		{plan.ModeInit, "MicroCloud"},
		{plan.ModeAdd, "MicroCloud,MicroOVN,MicroCeph"},
	} {
		p := fullPlan()
		p.Mode = tc.mode
		e, _ := newExecutor(p, newFakeCloud("a", "b", "c"))
		for _, ph := range e.Phases() {
			if ph.Name == PhaseLXDCluster && strings.Join(ph.After, ",") != tc.want {
				t.Fatalf("%s: LXD's cluster comes after %v, want %s", tc.mode, ph.After, tc.want)
			}

			after := map[string]string{PhaseLXDNetworks: "LXD cluster,MicroOVN", PhaseLXDStorage: "LXD cluster,MicroCeph", PhaseLXDProfile: "LXD networks,LXD storage"}
			if want, ok := after[ph.Name]; ok && strings.Join(ph.After, ",") != want {
				t.Fatalf("%s: %s comes after %v, want %s", tc.mode, ph.Name, ph.After, want)
			}
		}
	}
}

// TestRunWaitsForAnInterruptedRunsRequests: requests a killed run left
// under way end before any phase looks at what exists.
func TestRunWaitsForAnInterruptedRunsRequests(t *testing.T) {
	cloud := newFakeCloud("a", "b", "c")
	cloud.drainingPolls = map[string]int{"b": 2}
	p := fullPlan()
	for _, s := range p.Systems {
		cloud.ovn.encap[s.Name] = s.UnderlayIP
	}

	e, ev := newExecutor(p, cloud)
	e.Timing.MemberPoll = time.Millisecond
	err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	out := ev.String()
	wait := strings.Index(out, "b MicroCloud: waiting for the requests of an interrupted run to end")
	ended := strings.Index(out, "b MicroCloud: the interrupted run's requests ended")
	bootstrap := strings.Index(out, "a MicroCloud: bootstrapping")
	if wait < 0 || ended < wait || bootstrap < ended {
		t.Fatalf("events:\n%s", out)
	}
}
