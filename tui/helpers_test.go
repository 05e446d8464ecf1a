package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// Keys as bubbletea delivers them.
var (
	keyUp    = tea.KeyMsg{Type: tea.KeyUp}
	keyDown  = tea.KeyMsg{Type: tea.KeyDown}
	keyPgUp  = tea.KeyMsg{Type: tea.KeyPgUp}
	keyPgDn  = tea.KeyMsg{Type: tea.KeyPgDown}
	keyHome  = tea.KeyMsg{Type: tea.KeyHome}
	keyEnd   = tea.KeyMsg{Type: tea.KeyEnd}
	keySpace = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	keyEnter = tea.KeyMsg{Type: tea.KeyEnter}
	keyRight = tea.KeyMsg{Type: tea.KeyRight}
	keyLeft  = tea.KeyMsg{Type: tea.KeyLeft}
	keyBack  = tea.KeyMsg{Type: tea.KeyBackspace}
	keyEsc   = tea.KeyMsg{Type: tea.KeyEsc}
	keyCtrlC = tea.KeyMsg{Type: tea.KeyCtrlC}
	keyCtrlU = tea.KeyMsg{Type: tea.KeyCtrlU}
)

func typed(s string) tea.KeyMsg {
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// send feeds messages to a model the way the program would, dropping the
// commands.
func send[M tea.Model](t *testing.T, m M, msgs ...tea.Msg) M {
	t.Helper()
	var model tea.Model = m
	for _, msg := range msgs {
		model, _ = model.Update(msg)
	}

	out, ok := model.(M)
	if !ok {
		t.Fatalf("Update returned a %T", model)
	}

	return out
}

// isQuit reports whether a command ends the program.
func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}

	_, ok := cmd().(tea.QuitMsg)
	return ok
}

// assertFits fails when a line of view is wider than width cells.
func assertFits(t *testing.T, view string, width int) {
	t.Helper()
	for _, line := range strings.Split(view, "\n") {
		if cellWidth(line) > width {
			t.Errorf("line is %d cells wide, more than %d: %q", cellWidth(line), width, line)
		}
	}
}

func assertContains(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("%q not found in:\n%s", p, s)
		}
	}
}

func assertNotContains(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(s, p) {
			t.Errorf("%q unexpectedly found in:\n%s", p, s)
		}
	}
}

func rowIDs(rows []Row) []string {
	ids := []string{}
	for _, r := range rows {
		ids = append(ids, r.ID)
	}

	return ids
}

// lineWith returns the first line of view containing s.
func lineWith(view string, s string) string {
	for _, line := range strings.Split(view, "\n") {
		if strings.Contains(line, s) {
			return line
		}
	}

	return ""
}

func windowSize(width, height int) tea.WindowSizeMsg {
	return tea.WindowSizeMsg{Width: width, Height: height}
}
