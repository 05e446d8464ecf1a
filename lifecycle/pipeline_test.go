package lifecycle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/inventory"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/service/report"
	"github.com/microcloud-project/microcloud/service/setup"
	"github.com/microcloud-project/microcloud/tui"
)

// Unit tests of the pipeline's rules with a fake daemon, session and
// planner: when a session starts, what its joiners are told when it ends,
// when the plan is saved, what a dry run does and does not do.

// fakeSession records what the pipeline does with it.
type fakeSession struct {
	peers     []types.SessionPeer
	confirmed []string
	closed    []string
}

func (s *fakeSession) Info() types.SessionInfo {
	return types.SessionInfo{Name: "micro01", Address: "10.99.0.11", Interface: "mgmt0", Passphrase: "a b c d", Fingerprint: strings.Repeat("ab", 32)}
}

func (s *fakeSession) Peers() []types.SessionPeer         { return s.peers }
func (s *fakeSession) Updates() <-chan types.SessionEvent { return nil }
func (s *fakeSession) WaitFor(context.Context, []string, time.Duration) error {
	return nil
}

func (s *fakeSession) Collect(context.Context, time.Duration, func(types.SessionPeer)) []types.SessionPeer {
	return s.peers
}

func (s *fakeSession) Confirm(_ context.Context, names []string) error {
	s.confirmed = append(s.confirmed, names...)
	return nil
}

func (s *fakeSession) Facts(context.Context, string) (plan.SystemFacts, error) {
	return plan.SystemFacts{}, nil
}

func (s *fakeSession) JoinMicroCloud(context.Context, string, string, string) error { return nil }
func (s *fakeSession) Left(string) string                                           { return "" }
func (s *fakeSession) Close(reason string)                                          { s.closed = append(s.closed, reason) }

// fakeBackend is the daemon: members, facts, and an execution that records
// its calls.
type fakeBackend struct {
	members   map[string]string
	session   *fakeSession
	facts     plan.Facts
	runErr    error
	gatherErr error
	calls     []string
	savePath  string
	// savedAtPreflight: whether the plan's file existed when the run began.
	savedAtPreflight bool
}

func (b *fakeBackend) Members(context.Context) (map[string]string, error) { return b.members, nil }
func (b *fakeBackend) System(context.Context) (*types.System, error)      { return &types.System{}, nil }
func (b *fakeBackend) StartSession(context.Context, types.SessionStart) (Session, error) {
	b.calls = append(b.calls, "start session")
	return b.session, nil
}

func (b *fakeBackend) JoinSession(context.Context, types.SessionStart) (EventStream, error) {
	return nil, errors.New("not a joiner")
}

func (b *fakeBackend) GatherFacts(_ context.Context, _ string, names []string, _ map[string]string, _ Session, _ func(string)) (plan.Facts, error) {
	b.calls = append(b.calls, "gather "+strings.Join(names, ","))
	return b.facts, b.gatherErr
}

func (b *fakeBackend) Cloud(context.Context, map[string]string) (*plan.Cloud, error) {
	return &plan.Cloud{}, nil
}

func (b *fakeBackend) Executor(plan.Plan, plan.Facts, map[string]string, Session) Execution {
	return fakeExecution{b}
}

type fakeExecution struct{ b *fakeBackend }

func (x fakeExecution) Preflight(context.Context) error {
	x.b.calls = append(x.b.calls, "preflight")
	if x.b.savePath != "" {
		_, err := os.Stat(x.b.savePath)
		x.b.savedAtPreflight = err == nil
	}

	return nil
}

func (x fakeExecution) Run(_ context.Context, rep report.Reporter) error {
	x.b.calls = append(x.b.calls, "run")
	return x.b.runErr
}

func (x fakeExecution) Warnings() []string { return []string{"something to look at"} }

// fakePlanner makes a one- or two-system plan, failing where told.
type fakePlanner struct {
	session   bool
	systems   []plan.System
	plan      plan.Plan
	systemErr error
	planErr   error
	confirm   bool
	savePath  string
	mode      plan.Mode
}

func (p *fakePlanner) Mode() plan.Mode {
	if p.mode == "" {
		return plan.ModeInit
	}

	return p.mode
}

func (p *fakePlanner) Check(*Env, map[string]string) error { return nil }

func (p *fakePlanner) Session(context.Context, *Env, map[string]string) (*types.SessionStart, error) {
	if !p.session {
		return nil, nil
	}

	return &types.SessionStart{Passphrase: "a b c d"}, nil
}

func (p *fakePlanner) Systems(ctx context.Context, _ *Env, s Session, _ map[string]string) ([]plan.System, error) {
	if p.systemErr != nil {
		return nil, p.systemErr
	}

	if s != nil {
		_ = s.Confirm(ctx, []string{"micro02"})
	}

	return p.systems, nil
}

func (p *fakePlanner) Plan(context.Context, *Env, []plan.System, plan.Facts) (plan.Plan, error) {
	return p.plan, p.planErr
}

func (p *fakePlanner) Confirm(*Env, plan.Plan) (bool, error) { return p.confirm, nil }
func (p *fakePlanner) Preseed(plan.Plan) (string, error)     { return "systems:\n- name: micro01\n", nil }
func (p *fakePlanner) SavePath(*Env) string                  { return p.savePath }

// systemFacts are a lab machine's facts: LXD and MicroCloud, interfaces.
func systemFacts(name string, n int) plan.SystemFacts {
	sys := types.System{Name: name, StorageDrivers: []string{"dir"}, Interfaces: []types.Interface{
		{Name: "mgmt0", Type: "veth", State: "up", Addresses: []string{fmt.Sprintf("10.99.0.%d/24", n)}},
	}}
	inventory.Classify(&sys)
	return plan.SystemFacts{Inventory: sys, Services: []types.ServiceState{
		{Type: types.MicroCloud, Present: true, Version: "0.1.0"},
		{Type: types.LXD, Present: true, Version: "5.0.2", Extensions: []string{"clustering_join_token"}},
	}}
}

func twoSystems() (plan.Plan, plan.Facts) {
	p := plan.Plan{Mode: plan.ModeInit, Initiator: "micro01", LocalPool: &plan.LocalPool{Driver: plan.DriverDir},
		Systems: []plan.System{{Name: "micro01", Address: "10.99.0.11"}, {Name: "micro02", Address: "10.99.0.12"}}}
	f := plan.Facts{Systems: map[string]plan.SystemFacts{"micro01": systemFacts("micro01", 11), "micro02": systemFacts("micro02", 12)}}
	return p, f
}

func newPipeline(t *testing.T, pl *fakePlanner, dryRun bool) (*Pipeline, *fakeBackend, *bytes.Buffer, *bytes.Buffer) {
	p, f := twoSystems()
	pl.plan = p
	pl.systems = p.Systems
	b := &fakeBackend{members: map[string]string{}, session: &fakeSession{}, facts: f, savePath: pl.savePath}
	var out, errOut bytes.Buffer
	env := &Env{Out: &out, Err: &errOut, Backend: b, Hostname: "micro01", StateDir: t.TempDir(),
		Progress: func(ctx context.Context, _ string, _ []string, fn func(context.Context, report.Reporter) error) error {
			return fn(ctx, nil)
		}}
	return &Pipeline{Env: env, Planner: pl, Options: Options{DryRun: dryRun}}, b, &out, &errOut
}

// TestPipelineTellsJoinersWhyTheSessionEnded: whatever stops a run, the
// session is closed once, with the reason of the step that stopped it.
func TestPipelineTellsJoinersWhyTheSessionEnded(t *testing.T) {
	cases := []struct {
		name    string
		planner fakePlanner
		runErr  error
		dryRun  bool
		reason  string
		err     string
		calls   string
	}{
		{"success", fakePlanner{session: true, confirm: true}, nil, false, "",
			"", "start session,gather micro01,micro02,preflight,run"},
		{"the operator cancels choosing machines", fakePlanner{session: true, systemErr: tui.ErrCancelled}, nil, false, reasonCancelled,
			"Cancelled: nothing was changed", "start session"},
		{"a planner's own reason", fakePlanner{session: true, systemErr: withReason("not every system of the preseed file joined", errors.New("Not found"))}, nil, false,
			"not every system of the preseed file joined", "Not found", "start session"},
		{"the plan fails", fakePlanner{session: true, planErr: errors.New("no disks")}, nil, false, reasonStopped,
			"no disks", "start session,gather micro01,micro02"},
		{"no at the summary", fakePlanner{session: true, confirm: false}, nil, false, reasonSummary,
			"Cancelled: nothing was changed", "start session,gather micro01,micro02"},
		{"dry run", fakePlanner{session: true, confirm: true}, nil, true, reasonDryRun,
			"", "start session,gather micro01,micro02"},
		{"the setup fails", fakePlanner{session: true, confirm: true}, errors.New("LXD said no"), false, reasonFailed,
			"LXD said no", "start session,gather micro01,micro02,preflight,run"},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pl := tc.planner
			r, b, out, _ := newPipeline(t, &pl, tc.dryRun)
			b.runErr = tc.runErr
			err := r.Run(context.Background())
			if (tc.err == "") != (err == nil) || (err != nil && err.Error() != tc.err) {
				t.Fatalf("err %v, want %q", err, tc.err)
			}

			if got := strings.Join(b.session.closed, "|"); got != tc.reason || len(b.session.closed) != 1 {
				t.Fatalf("session closed with %q, want %q once", b.session.closed, tc.reason)
			}

			if got := strings.Join(b.calls, ","); got != tc.calls {
				t.Fatalf("calls %s, want %s", got, tc.calls)
			}

			if tc.dryRun && !strings.Contains(out.String(), "Equivalent preseed (replay with 'microcloud init --preseed FILE'):\nsystems:\n- name: micro01\n") {
				t.Fatalf("dry run printed:\n%s", out)
			}

			if tc.err == "Cancelled: nothing was changed" && !errors.Is(err, tui.ErrCancelled) {
				t.Fatalf("a cancellation must stay one for the CLI: %v", err)
			}
		})
	}
}

func TestPipelineWithoutSessionStartsNone(t *testing.T) {
	r, b, out, _ := newPipeline(t, &fakePlanner{confirm: true}, false)
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}

	if strings.Contains(strings.Join(b.calls, ","), "start session") || len(b.session.closed) != 0 {
		t.Fatalf("calls %v, closed %v", b.calls, b.session.closed)
	}

	for _, want := range []string{"Gathering information from 2 system(s)...", "Warning: something to look at", "MicroCloud is ready"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestPipelineSavesThePlanBeforeAnythingChanges: the saved preseed exists
// when the run begins, and the operator is told how to finish a failed run.
func TestPipelineSavesThePlanBeforeAnythingChanges(t *testing.T) {
	save := filepath.Join(t.TempDir(), "init-preseed.yaml")
	r, b, out, _ := newPipeline(t, &fakePlanner{confirm: true, savePath: save}, false)
	b.runErr = errors.New("boom")
	err := r.Run(context.Background())
	if err == nil || !b.savedAtPreflight {
		t.Fatalf("err %v, saved before the run: %v", err, b.savedAtPreflight)
	}

	if !strings.Contains(out.String(), "To finish the job once the cause is fixed, run: microcloud init --preseed "+save) {
		t.Fatalf("no hint:\n%s", out)
	}

	data, _ := os.ReadFile(save)
	if string(data) != "systems:\n- name: micro01\n" {
		t.Fatalf("saved %q", data)
	}

	// A dry run saves nothing.
	save2 := filepath.Join(t.TempDir(), "init-preseed.yaml")
	r, _, _, _ = newPipeline(t, &fakePlanner{confirm: true, savePath: save2}, true)
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}

	if _, err := os.Stat(save2); err == nil {
		t.Fatalf("a dry run saved the plan")
	}
}

// TestPipelineRefusesAPlanWithProblems: every problem on standard error,
// nothing executed.
func TestPipelineRefusesAPlanWithProblems(t *testing.T) {
	pl := &fakePlanner{session: true, confirm: true}
	r, b, _, errOut := newPipeline(t, pl, false)
	pl.plan.OVN = &plan.OVN{IPv4Gateway: "10.96.0.1/24"}
	err := r.Run(context.Background())
	var problems *ProblemsError
	if !errors.As(err, &problems) || len(problems.Problems) == 0 {
		t.Fatalf("err %v", err)
	}

	if !strings.Contains(errOut.String(), "The setup cannot be carried out:") || !strings.Contains(errOut.String(), "uplink") {
		t.Fatalf("stderr:\n%s", errOut)
	}

	if strings.Contains(strings.Join(b.calls, ","), "run") || b.session.closed[0] != reasonProblems {
		t.Fatalf("calls %v, closed %v", b.calls, b.session.closed)
	}
}

// The resume rules of the flavours.
func TestResumeRules(t *testing.T) {
	env := &Env{In: strings.NewReader(""), Out: &bytes.Buffer{}, Hostname: "micro01", StateDir: "/s"}
	if err := (&Auto{}).Check(env, map[string]string{"micro01": "10.0.0.1"}); err != nil {
		t.Fatalf("--auto resumes: %v", err)
	}

	if err := (&PreseedPlanner{}).Check(env, map[string]string{"micro01": "10.0.0.1"}); err != nil {
		t.Fatalf("a preseed resumes: %v", err)
	}

	// Interactive: no terminal here, which it says first.
	err := (&Interactive{}).Check(env, nil)
	if err == nil || !strings.Contains(err.Error(), "needs a terminal") {
		t.Fatalf("interactive without a terminal: %v", err)
	}
}

// TestAddNeedsEveryMember: growing a cloud, a member that does not answer
// stops the run before anything changes, and says so in the operator's
// terms; forming one, the error stays the daemon's.
func TestAddNeedsEveryMember(t *testing.T) {
	for _, mode := range []plan.Mode{plan.ModeAdd, plan.ModeInit} {
		r, b, _, _ := newPipeline(t, &fakePlanner{confirm: true, mode: mode}, false)
		b.gatherErr = &setup.GatherError{System: "micro02", Member: true, Err: errors.New("connection refused")}
		err := r.Run(context.Background())
		add := err != nil && strings.Contains(err.Error(), "micro02 is not reachable: add needs every member online (connection refused)")
		if add != (mode == plan.ModeAdd) || err == nil {
			t.Fatalf("%s: %v", mode, err)
		}

		if strings.Contains(strings.Join(b.calls, ","), "run") {
			t.Fatalf("%s: ran after a failed gathering: %v", mode, b.calls)
		}
	}
}
