package harness

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Terminal is a command running in a tmux pane of a fixed size: the tests
// type keys into it and read the screen as the operator sees it. Each
// Terminal has its own tmux server (socket), which the test kills at the end:
// no other tmux on the machine is touched.
type Terminal struct {
	t      testing.TB
	socket string
	Width  int
	Height int
}

// StartTerminal runs command (a shell command line) in a width×height pane.
// When the command ends, the pane shows "EXIT=<status>" and stays.
func StartTerminal(t testing.TB, width int, height int, env []string, command string) *Terminal {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatalf("tmux is needed to drive the interactive init (make deps installs it): %v", err)
	}

	term := &Terminal{t: t, socket: fmt.Sprintf("microcloud-test-%d-%d", os.Getpid(), time.Now().UnixNano()), Width: width, Height: height}
	// An operator's terminal: CI (set by .ci/run) makes the terminal
	// libraries assume no terminal and drop every style.
	script := "unset CI; " + command + `; echo "EXIT=$?"; sleep 3600`
	args := []string{"new-session", "-d", "-s", "init", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height)}
	for _, e := range env {
		args = append(args, "-e", e)
	}

	term.tmux(append(args, script)...)
	term.tmux("set-option", "-t", "init", "history-limit", "10000")
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", term.socket, "kill-server").Run() })
	return term
}

func (term *Terminal) tmux(args ...string) string {
	term.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", term.socket}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}

	return string(out)
}

// Keys sends tmux key names ("Enter", "Down", "Space", "C-c") or text.
func (term *Terminal) Keys(keys ...string) {
	term.t.Helper()
	for _, k := range keys {
		term.tmux("send-keys", "-t", "init", k)
		// Let the program read each key apart: some key parsers treat a
		// burst as one paste.
		time.Sleep(60 * time.Millisecond)
	}
}

// Type sends text literally.
func (term *Terminal) Type(text string) {
	term.t.Helper()
	term.tmux("send-keys", "-t", "init", "-l", text)
	time.Sleep(60 * time.Millisecond)
}

// Screen is what the pane shows now.
func (term *Terminal) Screen() string {
	term.t.Helper()
	return term.tmux("capture-pane", "-p", "-t", "init")
}

// History is everything the pane showed, with lines the terminal wrapped
// joined back: a line longer than the width overflowed.
func (term *Terminal) History() string {
	term.t.Helper()
	return term.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "init")
}

// WaitFor waits until the screen shows text and returns the screen.
func (term *Terminal) WaitFor(text string, timeout time.Duration) string {
	term.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		screen := term.Screen()
		if strings.Contains(screen, text) {
			return screen
		}

		if strings.Contains(screen, "EXIT=") && !strings.Contains(text, "EXIT=") {
			term.t.Fatalf("the command ended before showing %q:\n%s", text, term.History())
		}

		if time.Now().After(deadline) {
			term.t.Fatalf("the screen did not show %q within %s:\n%s", text, timeout, screen)
		}

		time.Sleep(100 * time.Millisecond)
	}
}

// AssertFits fails if any line ever shown was wider than the pane.
func (term *Terminal) AssertFits() {
	term.t.Helper()
	for i, line := range strings.Split(term.History(), "\n") {
		if n := utf8.RuneCountInString(strings.TrimRight(line, " ")); n > term.Width {
			term.t.Fatalf("line %d is %d cells wide, more than %d:\n%s", i+1, n, term.Width, line)
		}
	}
}

// ScreenWithEscapes is the screen with its colour and style sequences.
func (term *Terminal) ScreenWithEscapes() string {
	term.t.Helper()
	return term.tmux("capture-pane", "-p", "-e", "-t", "init")
}
