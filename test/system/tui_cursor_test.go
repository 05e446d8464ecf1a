//go:build system

package system

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/test/harness"
)

// TestInteractiveChoicesFollowTheCursor drives `microcloud init --dry-run`
// in an 80×24 terminal: the peer table keeps its cursor on a machine when
// another arrives above it; moving the cursor off a preselected row and
// pressing Enter chooses the row under the cursor, on a network question and
// on an underlay question; Enter on the range question takes the suggested
// range shown as its default. The printed plan's preseed holds each choice.
func TestInteractiveChoicesFollowTheCursor(t *testing.T) {
	lab := harness.LabUp(t, 3, "")
	command := fmt.Sprintf("%s exec micro01 microcloud init --dry-run --passphrase %q", harness.LabScript(), passphrase)
	term := harness.StartTerminal(t, 80, 24, nil, command)

	openSession(term)

	// micro03 first, then micro02, which is listed above it.
	joiners := joinAll(t, []string{"micro03"})
	waitVerified(t, term, "micro03")
	if line := cursorLine(term.Screen()); !strings.Contains(line, "micro03") {
		t.Fatalf("cursor not on micro03: %q", line)
	}

	joiners = append(joiners, joinAll(t, []string{"micro02"})...)
	screen := waitVerified(t, term, "micro02", "micro03")
	if strings.Index(screen, "micro02") > strings.Index(screen, "micro03") {
		t.Fatalf("peers not sorted by name:\n%s", screen)
	}

	if line := cursorLine(screen); !strings.Contains(line, "micro03") {
		t.Fatalf("the cursor left micro03 when micro02 arrived above it: %q\n%s", line, screen)
	}

	term.Keys("Right", "Enter")

	term.WaitFor("Set up distributed storage (Ceph)?", time.Minute)
	term.Keys("Enter")
	term.WaitFor("Select the disks for Ceph", 30*time.Second)
	term.Keys("Right", "Enter")
	term.WaitFor("Ceph's public traffic", 30*time.Second)
	term.Keys("Enter")
	screen = term.WaitFor("Ceph's internal traffic", 30*time.Second)
	if !strings.Contains(screen, "(*) 10.99.0.0/24") {
		t.Fatalf("the internal network's default is not the public one:\n%s", screen)
	}

	moveCursorTo(t, term, "10.97.0.0/24")
	term.Keys("Enter")

	term.WaitFor("Set up distributed networking (OVN)?", 30*time.Second)
	term.Keys("Enter")
	acceptUplinks(term, lab.Nodes)

	term.WaitFor("IPv4 gateway of the uplink network", 30*time.Second)
	term.Type("10.96.0.1/24")
	term.Keys("Enter")
	term.WaitFor("[default=10.96.0.100-10.96.0.150]", 10*time.Second)
	term.AssertFits()
	term.Keys("Enter")
	term.WaitFor("IPv6 gateway of the uplink network", 10*time.Second)
	term.Keys("Enter")
	term.WaitFor("Nameservers for the OVN networks", 10*time.Second)
	term.Keys("Enter")
	term.WaitFor("dedicated network (underlay)?", 10*time.Second)
	term.Type("y")
	term.Keys("Enter")
	term.WaitFor("underlay address of micro01", 30*time.Second)
	term.Type("ul0")
	term.Keys("Space", "Enter")
	screen = term.WaitFor("underlay address of micro02", 30*time.Second)
	if !strings.Contains(screen, "(*) ul0") {
		t.Fatalf("ul0 is not preselected on micro02:\n%s", screen)
	}

	moveCursorTo(t, term, "ceph0")
	term.Keys("Enter")
	term.WaitFor("underlay address of micro03", 30*time.Second)
	moveCursorTo(t, term, "ul0")
	term.Keys("Enter")

	term.WaitFor("Form the MicroCloud with this setup?", 30*time.Second)
	term.Keys("Enter")
	screen = term.WaitFor("EXIT=", 2*time.Minute)
	history := term.History()
	if !strings.Contains(screen, "EXIT=0") {
		t.Fatalf("dry run failed:\n%s", history)
	}

	for _, want := range []string{
		"internal_network: 10.97.0.0/24",
		"ipv4_range: 10.96.0.100-10.96.0.150",
		"ovn_underlay_ip: 10.98.0.11",
		"ovn_underlay_ip: 10.97.0.12",
		"ovn_underlay_ip: 10.98.0.13",
	} {
		if !strings.Contains(history, want) {
			t.Fatalf("the dry run's preseed lacks %q:\n%s", want, history)
		}
	}

	for _, j := range joiners {
		_, _ = j.Wait(30 * time.Second)
	}
}

// waitVerified waits until the peer table shows every name as a machine that
// can be chosen, and returns the screen.
func waitVerified(t *testing.T, term *harness.Terminal, names ...string) string {
	t.Helper()
	var screen string
	harness.Eventually(t, time.Minute, 200*time.Millisecond, "peers verified", func() error {
		screen = term.Screen()
		for _, n := range names {
			// A row that can be chosen has a check box; one that
			// cannot yet (any state before verified) has none.
			if !slices.ContainsFunc(strings.Split(screen, "\n"), func(l string) bool {
				return strings.Contains(l, n) && (strings.Contains(l, "[ ]") || strings.Contains(l, "[x]"))
			}) {
				return fmt.Errorf("%s not selectable yet:\n%s", n, screen)
			}
		}

		return nil
	})

	return screen
}

// cursorLine is the table row marked with the cursor ("> ").
func cursorLine(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "> ") {
			return l
		}
	}

	return ""
}

// moveCursorTo presses Up or Down until the cursor is on the row holding
// text, as an operator would (no filter).
func moveCursorTo(t *testing.T, term *harness.Terminal, text string) {
	t.Helper()
	lines := strings.Split(term.Screen(), "\n")
	cursor, target := -1, -1
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "> ") {
			cursor = i
		}

		if target < 0 && strings.Contains(l, text) && (strings.Contains(l, "( )") || strings.Contains(l, "(*)")) {
			target = i
		}
	}

	if cursor < 0 || target < 0 {
		t.Fatalf("no cursor (%d) or no row with %q (%d):\n%s", cursor, text, target, strings.Join(lines, "\n"))
	}

	key := "Down"
	if target < cursor {
		key = "Up"
	}

	for i := 0; i < max(target-cursor, cursor-target); i++ {
		term.Keys(key)
	}

	harness.Eventually(t, 10*time.Second, 100*time.Millisecond, "cursor on "+text, func() error {
		if line := cursorLine(term.Screen()); !strings.Contains(line, text) {
			return fmt.Errorf("cursor on %q", line)
		}

		return nil
	})
}
