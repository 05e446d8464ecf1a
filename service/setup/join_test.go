package setup

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
)

// TestJoinFinishesAnInterruptedJoin: a system that already calls itself
// clustered (its join goes on after the run that started it was killed) is
// waited for, not joined again; one that never shows up is an error that
// says why.
func TestJoinFinishesAnInterruptedJoin(t *testing.T) {
	cloud := newFakeCloud("a", "b", "c")
	cluster := cloud.clusters[types.LXD]
	cluster.add("a", "")
	lxds := cloud.services[types.LXD]
	lxds["a"].clustered = true
	lxds["c"].clustered = true // its join is still running

	ev := &events{}
	timing := Timing{JoinSettle: 300 * time.Millisecond, MemberPoll: 10 * time.Millisecond}
	e := &Executor{Cloud: cloud, Plan: plan.Plan{Initiator: "a", Systems: []plan.System{{Name: "a"}, {Name: "b"}, {Name: "c"}}}, Report: ev, Timing: timing}
	go func() {
		time.Sleep(50 * time.Millisecond)
		cluster.add("c", "")
	}()

	members, _ := lxds["a"].Members(context.Background())
	err := e.joinAll(context.Background(), types.LXD, lxds["a"], members, func(plan.System) map[string]string { return nil })
	if err != nil {
		t.Fatal(err)
	}

	if cluster.joined() != "b" || strings.Join(cluster.tokens, ",") != "b" {
		t.Fatalf("joins %v, tokens %v: only b should join", cluster.joins, cluster.tokens)
	}

	if !strings.Contains(ev.String(), "c LXD: finishing an earlier join\nc LXD: already a member") {
		t.Fatalf("events:\n%s", ev)
	}

	// A system clustered elsewhere never appears.
	cloud = newFakeCloud("a", "d")
	cloud.clusters[types.LXD].add("a", "")
	cloud.services[types.LXD]["a"].clustered = true
	cloud.services[types.LXD]["d"].clustered = true
	cloud.services[types.LXD]["d"].cluster = &fakeCluster{}
	e = &Executor{Cloud: cloud, Plan: plan.Plan{Initiator: "a", Systems: []plan.System{{Name: "a"}, {Name: "d"}}}, Timing: timing}
	members, _ = cloud.services[types.LXD]["a"].Members(context.Background())
	err = e.joinAll(context.Background(), types.LXD, cloud.services[types.LXD]["a"], members, func(plan.System) map[string]string { return nil })
	if err == nil || !strings.Contains(err.Error(), "d is clustered but not a member of this cluster") {
		t.Fatalf("err %v", err)
	}
}

// TestJoinRetriesARacedJoin: a join that fails the way concurrent
// microcluster joins race (the system is listed and clustered at the
// failure, and the service undoes the join just after) is tried again once
// it is undone, and succeeds; one that keeps failing fails after the retries.
func TestJoinRetriesARacedJoin(t *testing.T) {
	for _, tc := range []struct {
		name  string
		raced int
		err   string
	}{
		{name: "once", raced: 1},
		{name: "always", raced: 10, err: "No remote found at address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cloud := newFakeCloud("a", "b", "c")
			cluster := cloud.clusters[types.MicroOVN]
			cluster.add("a", "")
			ovns := cloud.services[types.MicroOVN]
			ovns["a"].clustered = true
			ovns["b"].raced = tc.raced

			ev := &events{}
			timing := Timing{JoinSettle: time.Second, MemberPoll: 5 * time.Millisecond, JoinRetryWait: 5 * time.Millisecond, JoinRetries: 2}
			e := &Executor{Cloud: cloud, Plan: plan.Plan{Initiator: "a", Systems: []plan.System{{Name: "a"}, {Name: "b"}, {Name: "c"}}}, Report: ev, Timing: timing}
			members, _ := ovns["a"].Members(context.Background())
			err := e.joinAll(context.Background(), types.MicroOVN, ovns["a"], members, func(plan.System) map[string]string { return nil })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}

				if n := strings.Count(ev.String(), "b MicroOVN: joining again"); n != 2 {
					t.Fatalf("%d retries, want 2:\n%s", n, ev)
				}

				return
			}

			if err != nil {
				t.Fatal(err)
			}

			if cluster.joinedSet() != "b,c" {
				t.Fatalf("joins %v", cluster.joins)
			}

			if !strings.Contains(ev.String(), "b MicroOVN: joining again: No remote found") {
				t.Fatalf("events:\n%s", ev)
			}
		})
	}
}
