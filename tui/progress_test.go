package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/report"
)

func event(system string, service types.ServiceType, state report.State, detail string) ProgressMsg {
	return ProgressMsg(report.Event{System: system, Service: service, State: state, Detail: detail})
}

func threeSystems() ProgressModel {
	return NewProgress("Forming the MicroCloud", []string{"micro01", "micro02", "micro03"})
}

func TestProgressStartsPending(t *testing.T) {
	view := threeSystems().View()
	assertContains(t, view, "Forming the MicroCloud", "SYSTEM", "ctrl-c: stop")
	header := lineWith(view, "SYSTEM")
	if !(strings.Index(header, "MicroCloud") < strings.Index(header, "MicroOVN") &&
		strings.Index(header, "MicroOVN") < strings.Index(header, "MicroCeph") &&
		strings.Index(header, "MicroCeph") < strings.Index(header, "LXD")) {
		t.Errorf("services not in formation order: %q", header)
	}

	if n := strings.Count(lineWith(view, "micro02"), "· pending"); n != 4 {
		t.Errorf("micro02 has %d pending cells: %q", n, lineWith(view, "micro02"))
	}
}

func TestProgressCellsFollowEvents(t *testing.T) {
	m := send(t, threeSystems(),
		event("micro01", types.MicroCloud, report.Done, "bootstrapped"),
		event("micro02", types.MicroCloud, report.Done, "joined"),
		event("micro01", types.MicroOVN, report.Skipped, "not installed"),
		event("micro02", types.MicroCeph, report.Running, "joining"),
	)

	if m.State("micro02", types.MicroCeph) != report.Running || m.State("micro03", types.LXD) != report.Pending {
		t.Fatalf("states %v %v", m.State("micro02", types.MicroCeph), m.State("micro03", types.LXD))
	}

	view := m.View()
	micro01 := lineWith(view, "micro01 ")
	assertContains(t, micro01, "✓ done", "– skipped")
	assertContains(t, lineWith(view, "micro02 "), "✓ done", m.spinner.View()+" running")
	// The current step is the latest news.
	assertContains(t, view, m.spinner.View()+" micro02 MicroCeph: joining")
}

func TestProgressFailuresAndFinalError(t *testing.T) {
	m := send(t, threeSystems(),
		event("micro02", types.MicroOVN, report.Failed, "connection refused"),
	)

	view := m.View()
	assertContains(t, lineWith(view, "micro02 "), "✗ failed")
	assertContains(t, view, "✗ micro02 MicroOVN: failed: connection refused")

	model, cmd := m.Update(ProgressDoneMsg{Err: errors.New("Failed to join micro02 to MicroOVN: connection refused. Run the same command again to continue")})
	m = model.(ProgressModel)
	if !m.Done() || !isQuit(cmd) {
		t.Fatal("done message did not end the view")
	}

	view = m.View()
	assertContains(t, view, "Error: Failed to join micro02 to MicroOVN", "continue")
	assertNotContains(t, view, "ctrl-c")
	assertFits(t, view, 80)
}

func TestProgressManyFailuresAreCounted(t *testing.T) {
	m := threeSystems()
	for _, s := range []string{"micro01", "micro02", "micro03"} {
		for _, svc := range []types.ServiceType{types.MicroOVN, types.MicroCeph} {
			m = send(t, m, event(s, svc, report.Failed, "boom"))
		}
	}

	view := m.View()
	assertContains(t, view, "6 failures, the last ones:")
	if n := strings.Count(view, "✗ micro"); n != maxFailureLines {
		t.Fatalf("%d failure lines", n)
	}
}

func TestProgressSuccess(t *testing.T) {
	m := send(t, threeSystems(), event("", "", report.Done, "MicroCloud is ready"), ProgressDoneMsg{})
	view := m.View()
	assertContains(t, view, "✓ MicroCloud is ready", "Done")
}

func TestProgressClusterWideStepsOnlyChangeTheStepLine(t *testing.T) {
	m := send(t, threeSystems(), event("", "", report.Running, "Configuring cluster-wide devices"))
	assertContains(t, m.View(), "Configuring cluster-wide devices")
	if len(m.states) != 0 || len(m.systems) != 3 {
		t.Fatalf("states %v, systems %v", m.states, m.systems)
	}

	// Pending announces work: it does not replace the step line.
	m = send(t, m, event("micro01", types.LXD, report.Pending, "waiting"))
	assertContains(t, m.View(), "Configuring cluster-wide devices")
}

func TestProgressUnknownSystemsAreAdded(t *testing.T) {
	m := send(t, threeSystems(), event("micro04", types.LXD, report.Done, "joined"))
	assertContains(t, lineWith(m.View(), "micro04"), "✓ done")
}

func TestProgressFitsEightSystemsAt80x24(t *testing.T) {
	var systems []string
	for i := 1; i <= 8; i++ {
		systems = append(systems, fmt.Sprintf("micro%02d.example.internal", i))
	}

	m := send(t, NewProgress("Forming the MicroCloud", systems), windowSize(80, 24))
	for i, s := range systems {
		m = send(t, m, event(s, types.AllServices[i%4], report.State(i%5), "step"))
	}

	m = send(t, m, event("micro02.example.internal", types.LXD, report.Failed, strings.Repeat("a very long cause ", 10)),
		ProgressDoneMsg{Err: errors.New(strings.Repeat("final error ", 20))})
	view := m.View()
	assertFits(t, view, 80)
	if lines := strings.Count(view, "\n"); lines > 24 {
		t.Fatalf("%d lines:\n%s", lines, view)
	}

	for _, s := range systems {
		assertContains(t, view, s)
	}
}

func TestProgressTooManySystemsAreCounted(t *testing.T) {
	var systems []string
	for i := 1; i <= 40; i++ {
		systems = append(systems, fmt.Sprintf("micro%02d", i))
	}

	m := send(t, NewProgress("Forming the MicroCloud", systems), windowSize(80, 24))
	view := m.View()
	if lines := strings.Count(view, "\n"); lines > 24 {
		t.Fatalf("%d lines", lines)
	}

	assertContains(t, view, "more systems")
}

func TestProgressNarrowTerminalUsesSymbols(t *testing.T) {
	m := send(t, threeSystems(), windowSize(40, 24), event("micro01", types.MicroCloud, report.Done, "bootstrapped"))
	view := m.View()
	assertFits(t, view, 40)
	assertContains(t, lineWith(view, "SYSTEM"), "Cloud", "OVN", "Ceph", "LXD")
	assertContains(t, lineWith(view, "micro01 "), "✓")
	assertNotContains(t, view, "done")
}

func TestProgressCtrlCStopsThenQuits(t *testing.T) {
	interrupted := false
	m := threeSystems().WithInterrupt(func() tea.Msg { interrupted = true; return nil })
	model, cmd := m.Update(keyCtrlC)
	m = model.(ProgressModel)
	if !m.Stopping() || m.Abandoned() || cmd == nil {
		t.Fatalf("first ctrl-c: stopping %v abandoned %v", m.Stopping(), m.Abandoned())
	}

	cmd()
	if !interrupted {
		t.Fatal("the interrupt command was not returned")
	}

	assertContains(t, m.View(), "Stopping after the current step")

	model, cmd = m.Update(keyCtrlC)
	m = model.(ProgressModel)
	if !m.Abandoned() || !isQuit(cmd) {
		t.Fatal("second ctrl-c did not quit")
	}

	// The executor's cancellation is not an error to the operator who asked.
	m = send(t, threeSystems().WithInterrupt(func() tea.Msg { return nil }), keyCtrlC, ProgressDoneMsg{Err: fmt.Errorf("joining: %w", context.Canceled)})
	assertContains(t, m.View(), "Stopped")
	assertNotContains(t, m.View(), "Error", "context canceled")

	// Other keys do nothing.
	model, cmd = threeSystems().Update(typed("q"))
	if model.(ProgressModel).Stopping() || cmd != nil {
		t.Fatal("q stopped the view")
	}
}

func TestProgressSpinnerTicksUntilDone(t *testing.T) {
	m := threeSystems()
	if m.Init() == nil {
		t.Fatal("no spinner tick at start")
	}

	tick := m.spinner.Tick().(spinner.TickMsg)
	_, cmd := m.Update(tick)
	if cmd == nil {
		t.Fatal("the spinner stopped ticking")
	}

	m = send(t, m, ProgressDoneMsg{})
	if _, cmd = m.Update(tick); cmd != nil {
		t.Fatal("the spinner ticks after the end")
	}
}

func TestProgressUpdateIsPure(t *testing.T) {
	before := threeSystems()
	_ = send(t, before, event("micro01", types.LXD, report.Failed, "x"), event("micro09", types.LXD, report.Done, ""))
	if len(before.states) != 0 || len(before.failures) != 0 || len(before.systems) != 3 {
		t.Fatal("the earlier model changed")
	}
}

func TestPlainProgressPrintsOneLinePerEvent(t *testing.T) {
	var out bytes.Buffer
	r := PlainProgress(&out)
	r.Report(report.Event{System: "micro01", Service: types.MicroCloud, State: report.Pending})
	r.Report(report.Event{System: "micro01", Service: types.MicroCloud, State: report.Done, Detail: "bootstrapped"})
	r.Report(report.Event{System: "micro02", Service: types.MicroCeph, State: report.Done, Detail: "joined"})
	r.Report(report.Event{System: "micro02", Service: types.MicroOVN, State: report.Failed, Detail: "connection refused"})
	r.Report(report.Event{State: report.Running, Detail: "Configuring cluster-wide devices"})
	want := "micro01 MicroCloud: bootstrapped\nmicro02 MicroCeph: joined\nmicro02 MicroOVN: failed: connection refused\nConfiguring cluster-wide devices\n"
	if out.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out.String(), want)
	}

	assertNotContains(t, out.String(), "\x1b")
}
