//go:build linux

package tui

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/report"
)

// terminal is a pseudo-terminal: the programs under test get the slave as
// their stdin and stdout, the test types on the master and reads the screen
// from it. Built on plain ioctls, so the tests need no pty module.
type terminal struct {
	master *os.File
	slave  *os.File
	mu     sync.Mutex
	screen strings.Builder
}

func ioctl(fd uintptr, request uintptr, arg unsafe.Pointer) error {
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, request, uintptr(arg))
	if errno != 0 {
		return errno
	}

	return nil
}

func newTerminal(t *testing.T, width, height int) *terminal {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}

	var unlock int32
	var number uint32
	err = ioctl(master.Fd(), syscall.TIOCSPTLCK, unsafe.Pointer(&unlock))
	if err == nil {
		err = ioctl(master.Fd(), syscall.TIOCGPTN, unsafe.Pointer(&number))
	}

	if err != nil {
		master.Close()
		t.Skipf("no pseudo-terminals here: %v", err)
	}

	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", number), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		t.Skipf("no pseudo-terminals here: %v", err)
	}

	size := struct{ rows, cols, x, y uint16 }{uint16(height), uint16(width), 0, 0}
	err = ioctl(slave.Fd(), syscall.TIOCSWINSZ, unsafe.Pointer(&size))
	if err != nil {
		t.Fatal(err)
	}

	term := &terminal{master: master, slave: slave}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			term.mu.Lock()
			term.screen.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()

	t.Cleanup(func() {
		slave.Close()
		master.Close()
	})

	return term
}

// output is everything written to the terminal so far, without escapes.
func (term *terminal) output() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return stripANSI(term.screen.String())
}

// waitFor waits until the screen shows s.
func (term *terminal) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(term.output(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("%q never appeared on the screen:\n%s", s, term.output())
		}

		time.Sleep(10 * time.Millisecond)
	}
}

// typeKeys sends bytes as a terminal does when keys are pressed.
func (term *terminal) typeKeys(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		_, err := term.master.Write([]byte(k))
		if err != nil {
			t.Fatal(err)
		}

		// One key per read, as a person types: escape sequences stay whole.
		time.Sleep(20 * time.Millisecond)
	}
}

const (
	ptyDown  = "\x1b[B"
	ptyRight = "\x1b[C"
	ptyEnter = "\r"
	ptyCtrlC = "\x03"
)

func TestPTYRequireTerminalAcceptsATerminal(t *testing.T) {
	term := newTerminal(t, 80, 24)
	err := RequireTerminal(term.slave, term.slave)
	if err != nil {
		t.Fatal(err)
	}
}

func TestPTYSelectTableWithLiveRows(t *testing.T) {
	term := newTerminal(t, 80, 24)
	feed := make(chan tea.Msg, 10)
	type result struct {
		rows []Row
		err  error
	}

	done := make(chan result, 1)
	go func() {
		rows, err := RunSelectTable(term.slave, term.slave, discovery(), feed)
		done <- result{rows, err}
	}()

	term.waitFor(t, "Waiting for systems to appear")
	feed <- AddRowMsg{Row: peer("micro02", "discovered")}
	feed <- AddRowMsg{Row: peer("micro03", "discovered")}
	term.waitFor(t, "micro03")

	// Typing filters; → selects what is shown; enter confirms.
	term.typeKeys(t, "0", "3", ptyRight, "\x7f", "\x7f", ptyEnter)
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}

		if got := rowIDs(r.rows); !reflect.DeepEqual(got, []string{"micro03"}) {
			t.Fatalf("rows %v\n%s", got, term.output())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the table did not end:\n%s", term.output())
	}

	for _, line := range strings.Split(term.output(), "\n") {
		if cellWidth(strings.TrimRight(line, "\r")) > 80 {
			t.Errorf("line wider than the terminal: %q", line)
		}
	}
}

func TestPTYCtrlCCancelsATable(t *testing.T) {
	term := newTerminal(t, 80, 24)
	done := make(chan error, 1)
	go func() {
		_, err := RunSelectTable(term.slave, term.slave, interfaces(), nil)
		done <- err
	}()

	term.waitFor(t, "eth1")
	term.typeKeys(t, ptyCtrlC)
	select {
	case err := <-done:
		if err != ErrCancelled {
			t.Fatalf("err %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ctrl-c did not cancel")
	}
}

func TestPTYQuestions(t *testing.T) {
	term := newTerminal(t, 80, 24)
	answers := make(chan any, 2)
	go func() {
		yes, err := Confirm(term.slave, term.slave, ConfirmQuestion{Prompt: "Would you like to set up local storage?", Default: false})
		answers <- []any{yes, err}
		text, err := Ask(term.slave, term.slave, gatewayQuestion())
		answers <- []any{text, err}
	}()

	term.waitFor(t, "[default=no]")
	term.typeKeys(t, "y", "e", "s", ptyEnter)
	if got := <-answers; !reflect.DeepEqual(got, []any{true, nil}) {
		t.Fatalf("confirm: %v", got)
	}

	term.waitFor(t, "[default=10.0.0.1/24]")
	term.typeKeys(t, "bad", ptyEnter)
	term.waitFor(t, "is not a gateway in CIDR form")
	term.typeKeys(t, "\x7f", "\x7f", "\x7f", "192.168.1.1/24", ptyEnter)
	if got := <-answers; !reflect.DeepEqual(got, []any{"192.168.1.1/24", nil}) {
		t.Fatalf("ask: %v", got)
	}
}

func TestPTYProgress(t *testing.T) {
	term := newTerminal(t, 80, 24)
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- RunProgress(context.Background(), term.slave, term.slave, "Forming the MicroCloud", []string{"micro01", "micro02"}, func(ctx context.Context, r report.Reporter) error {
			r.Report(report.Event{System: "micro01", Service: types.MicroCloud, State: report.Done, Detail: "bootstrapped"})
			r.Report(report.Event{System: "micro02", Service: types.MicroCloud, State: report.Running, Detail: "joining"})
			<-release
			r.Report(report.Event{System: "micro02", Service: types.MicroCloud, State: report.Done, Detail: "joined"})
			return nil
		})
	}()

	term.waitFor(t, "micro02 MicroCloud: joining")
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the progress view did not end:\n%s", term.output())
	}

	term.waitFor(t, "Done")
	assertContains(t, term.output(), "micro02 MicroCloud: joined")
}
