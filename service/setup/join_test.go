package setup

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/service/report"
)

// fakeService is one system's service: clustered or not, with the members
// its cluster lists (shared by every member of a fake cluster).
type fakeService struct {
	name      string
	clustered bool
	cluster   *fakeCluster
}

type fakeCluster struct {
	mu      sync.Mutex
	members []service.Member
	tokens  []string
	joins   []string
}

func (f *fakeService) Type() types.ServiceType { return types.LXD }

func (f *fakeService) Status(context.Context) (types.ServiceState, error) {
	return types.ServiceState{Type: types.LXD, Present: true, Clustered: f.clustered}, nil
}

func (f *fakeService) Bootstrap(context.Context, string, string, map[string]string) error { return nil }

func (f *fakeService) IssueToken(_ context.Context, name string) (string, error) {
	f.cluster.mu.Lock()
	defer f.cluster.mu.Unlock()
	f.cluster.tokens = append(f.cluster.tokens, name)
	return "token-" + name, nil
}

func (f *fakeService) RevokeToken(context.Context, string) error { return nil }

func (f *fakeService) Join(_ context.Context, name string, _ string, _ string, _ map[string]string) error {
	f.cluster.add(name)
	f.cluster.mu.Lock()
	defer f.cluster.mu.Unlock()
	f.cluster.joins = append(f.cluster.joins, name)
	return nil
}

func (f *fakeService) Members(context.Context) ([]service.Member, error) {
	f.cluster.mu.Lock()
	defer f.cluster.mu.Unlock()
	return append([]service.Member(nil), f.cluster.members...), nil
}

func (f *fakeService) RemoveMember(context.Context, string, bool) error { return nil }

func (c *fakeCluster) add(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.members = append(c.members, service.Member{Name: name})
}

type fakeServices map[string]*fakeService

func (f fakeServices) Service(_ context.Context, system string, _ types.ServiceType) (service.Service, error) {
	return f[system], nil
}

func (f fakeServices) Local() *client.Client { return nil }

// TestJoinFinishesAnInterruptedJoin: a system that already calls itself
// clustered (its join goes on after the run that started it was killed) is
// waited for, not joined again; one that never shows up is an error that
// says why.
func TestJoinFinishesAnInterruptedJoin(t *testing.T) {
	joinSettle = 300 * time.Millisecond
	cluster := &fakeCluster{members: []service.Member{{Name: "a"}}}
	systems := fakeServices{
		"a": {name: "a", clustered: true, cluster: cluster},
		"b": {name: "b", cluster: cluster},
		"c": {name: "c", clustered: true, cluster: cluster}, // its join is still running
	}

	var events []string
	var mu sync.Mutex
	e := &Executor{Cloud: systems, Plan: plan.Plan{Initiator: "a", Systems: []plan.System{{Name: "a"}, {Name: "b"}, {Name: "c"}}},
		Report: report.Func(func(ev report.Event) {
			mu.Lock()
			defer mu.Unlock()
			events = append(events, ev.String())
		})}

	go func() {
		time.Sleep(50 * time.Millisecond)
		cluster.add("c")
	}()

	err := e.joinAll(context.Background(), types.LXD, systems["a"], cluster.members[:1], false, func(plan.System) map[string]string { return nil })
	if err != nil {
		t.Fatal(err)
	}

	if strings.Join(cluster.joins, ",") != "b" || strings.Join(cluster.tokens, ",") != "b" {
		t.Fatalf("joins %v, tokens %v: only b should join", cluster.joins, cluster.tokens)
	}

	if !strings.Contains(strings.Join(events, "\n"), "c LXD: finishing an earlier join\nc LXD: already a member") {
		t.Fatalf("events:\n%s", strings.Join(events, "\n"))
	}

	// A system clustered elsewhere never appears.
	stray := &fakeCluster{members: []service.Member{{Name: "a"}}}
	systems = fakeServices{"a": {name: "a", clustered: true, cluster: stray}, "d": {name: "d", clustered: true, cluster: &fakeCluster{}}}
	e = &Executor{Cloud: systems, Plan: plan.Plan{Initiator: "a", Systems: []plan.System{{Name: "a"}, {Name: "d"}}}}
	err = e.joinAll(context.Background(), types.LXD, systems["a"], stray.members, false, func(plan.System) map[string]string { return nil })
	if err == nil || !strings.Contains(err.Error(), "d is clustered but not a member of this cluster") {
		t.Fatalf("err %v", err)
	}
}
