package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/report"
)

func TestRequireTerminalRefusesPipesAndBuffers(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}

	defer r.Close()
	defer w.Close()
	for _, tt := range []struct {
		in  io.Reader
		out io.Writer
	}{{strings.NewReader(""), &bytes.Buffer{}}, {r, w}, {nil, nil}} {
		err := RequireTerminal(tt.in, tt.out)
		if err == nil || err.Error() != "microcloud init needs a terminal; use --preseed FILE or --auto" || !errors.Is(err, ErrNoTerminal) {
			t.Errorf("%T/%T: %v", tt.in, tt.out, err)
		}
	}

	err = RequireTerminalFor("microcloud add", r, w)
	if err == nil || !strings.HasPrefix(err.Error(), "microcloud add needs a terminal") {
		t.Errorf("got %v", err)
	}
}

// runTable runs a table program with no keyboard: everything, keys
// included, comes through the feed, so the order is fixed.
func runTable(t *testing.T, q SelectTable, msgs ...tea.Msg) ([]Row, string, error) {
	t.Helper()
	feed := make(chan tea.Msg)
	go func() {
		for _, msg := range msgs {
			feed <- msg
		}
	}()

	var out bytes.Buffer
	rows, err := withTimeout(t, func() ([]Row, error) { return RunSelectTable(nil, &out, q, feed) })
	return rows, out.String(), err
}

func withTimeout[T any](t *testing.T, f func() (T, error)) (T, error) {
	t.Helper()
	type result struct {
		v   T
		err error
	}

	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()

	select {
	case r := <-done:
		return r.v, r.err
	case <-time.After(10 * time.Second):
		t.Fatal("the program did not end")
	}

	panic("unreachable")
}

func TestRunSelectTableTakesLiveRows(t *testing.T) {
	rows, out, err := runTable(t, discovery(),
		AddRowMsg{Row: peer("micro02", "discovered")},
		AddRowMsg{Row: peer("micro03", "discovered")},
		UpdateRowMsg{Row: peer("micro02", "verified")},
		keySpace, keyDown, keySpace, keyEnter,
	)

	if err != nil {
		t.Fatal(err)
	}

	if got := rowIDs(rows); !reflect.DeepEqual(got, []string{"micro02", "micro03"}) {
		t.Fatalf("rows %v", got)
	}

	if rows[0].Cells[3] != "verified" {
		t.Fatalf("the update was lost: %v", rows[0])
	}

	assertContains(t, out, "Systems will appear")
}

func TestRunSelectTableCancels(t *testing.T) {
	_, _, err := runTable(t, discovery(), AddRowMsg{Row: peer("micro02", "discovered")}, keyEsc)
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("err %v", err)
	}
}

func TestRunSelectTableStopsReadingAClosedFeed(t *testing.T) {
	feed := make(chan tea.Msg, 2)
	feed <- AddRowMsg{Row: peer("micro02", "discovered")}
	close(feed)

	in, w := io.Pipe()
	defer w.Close()
	go func() {
		time.Sleep(100 * time.Millisecond)
		w.Write([]byte("\r")) // enter, as a terminal sends it
	}()

	var out bytes.Buffer
	rows, err := withTimeout(t, func() ([]Row, error) {
		return RunSelectTable(in, &out, SelectTable{Multi: true, Selected: []string{"micro02"}, Rows: []Row{peer("micro02", "discovered")}}, feed)
	})

	if err != nil || len(rows) != 1 {
		t.Fatalf("rows %v, err %v", rows, err)
	}
}

func TestRunProgressWithoutATerminalPrintsLines(t *testing.T) {
	var out bytes.Buffer
	err := RunProgress(context.Background(), nil, &out, "Forming", []string{"micro01"}, func(ctx context.Context, r report.Reporter) error {
		r.Report(report.Event{System: "micro01", Service: types.MicroCloud, State: report.Done, Detail: "bootstrapped"})
		return nil
	})

	if err != nil || out.String() != "micro01 MicroCloud: bootstrapped\n" {
		t.Fatalf("err %v, output %q", err, out.String())
	}

	err = RunProgress(context.Background(), nil, &out, "Forming", nil, func(ctx context.Context, r report.Reporter) error {
		return context.Canceled
	})

	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("cancellation: %v", err)
	}
}

func TestRunProgressProgramReturnsTheExecutorsError(t *testing.T) {
	failure := errors.New("Failed to join micro02 to MicroCeph")
	var out bytes.Buffer
	_, err := withTimeout(t, func() (struct{}, error) {
		return struct{}{}, runProgressProgram(context.Background(), nil, &out, NewProgress("Forming the MicroCloud", []string{"micro01", "micro02"}), func(ctx context.Context, r report.Reporter) error {
			r.Report(report.Event{System: "micro01", Service: types.MicroCloud, State: report.Done, Detail: "bootstrapped"})
			r.Report(report.Event{System: "micro02", Service: types.MicroCeph, State: report.Failed, Detail: "no disks"})
			return failure
		})
	})

	if !errors.Is(err, failure) {
		t.Fatalf("err %v", err)
	}

	final := stripANSI(out.String())
	assertContains(t, final, "Forming the MicroCloud", "✓ done", "✗ failed", "Error: Failed to join micro02 to MicroCeph")
}

func TestRunProgressProgramCtrlCCancelsTheExecutor(t *testing.T) {
	in, w := io.Pipe()
	defer w.Close()
	started := make(chan struct{})
	go func() {
		<-started
		w.Write([]byte{0x03}) // ctrl-c, as a terminal in raw mode sends it
	}()

	var out bytes.Buffer
	_, err := withTimeout(t, func() (struct{}, error) {
		return struct{}{}, runProgressProgram(context.Background(), in, &out, NewProgress("Forming", []string{"micro01"}), func(ctx context.Context, r report.Reporter) error {
			r.Report(report.Event{System: "micro01", Service: types.MicroOVN, State: report.Running, Detail: "bootstrapping"})
			close(started)
			<-ctx.Done()
			return ctx.Err()
		})
	})

	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("err %v", err)
	}

	assertContains(t, out.String(), "Stopped")
	assertNotContains(t, out.String(), "context canceled")
}

func TestConfirmAndAskRunProgramsOnTerminals(t *testing.T) {
	// The interactive path is taken only on terminals (see the pty test);
	// runModel is what both use, tried here on a pipe.
	in, w := io.Pipe()
	defer w.Close()
	go w.Write([]byte("y\r"))
	var out bytes.Buffer
	final, err := withTimeout(t, func() (tea.Model, error) {
		return runModel(in, &out, NewConfirm(ConfirmQuestion{Prompt: "Continue?"}))
	})

	if err != nil || !final.(ConfirmModel).Value() {
		t.Fatalf("err %v, model %+v", err, final)
	}
}
