package tui

import (
	"reflect"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// interfaces is an uplink question as init asks it: two systems, some
// interfaces that cannot be chosen, with their reasons.
func interfaces() SelectTable {
	return SelectTable{
		Title:       "Select an interface per system for the uplink:",
		Headers:     []string{"LOCATION", "IFACE", "TYPE"},
		Multi:       true,
		OnePerGroup: true,
		Noun:        "interface",
		Rows: []Row{
			{ID: "micro01/eth1", Cells: []string{"micro01", "eth1", "physical"}, Group: "micro01"},
			{ID: "micro01/eth0", Cells: []string{"micro01", "eth0", "physical"}, Group: "micro01", Disabled: "has IP 10.0.0.5/24"},
			{ID: "micro02/eth1", Cells: []string{"micro02", "eth1", "physical"}, Group: "micro02"},
			{ID: "micro02/eth2", Cells: []string{"micro02", "eth2", "physical"}, Group: "micro02", Disabled: "DOWN"},
			{ID: "micro02/br0", Cells: []string{"micro02", "br0", "bridge"}, Group: "micro02"},
		},
	}
}

func TestSpaceTogglesTheRowUnderTheCursor(t *testing.T) {
	m := send(t, NewSelectTable(interfaces()), keySpace)
	if got := rowIDs(m.Selected()); !reflect.DeepEqual(got, []string{"micro01/eth1"}) {
		t.Fatalf("after space: %v", got)
	}

	m = send(t, m, keySpace)
	if len(m.Selected()) != 0 {
		t.Fatalf("second space did not unselect: %v", rowIDs(m.Selected()))
	}
}

func TestDisabledRowCannotBeSelectedAndSaysWhy(t *testing.T) {
	m := send(t, NewSelectTable(interfaces()), keyDown, keySpace)
	if len(m.Selected()) != 0 {
		t.Fatalf("a disabled row was selected: %v", rowIDs(m.Selected()))
	}

	if m.Message() != "This interface cannot be selected: has IP 10.0.0.5/24" {
		t.Errorf("message: %q", m.Message())
	}

	assertContains(t, m.View(), "This interface cannot be selected: has IP 10.0.0.5/24")

	// The message goes with the next key.
	m = send(t, m, keyDown)
	if m.Message() != "" {
		t.Errorf("message kept: %q", m.Message())
	}
}

func TestDisabledRowsShowTheirReason(t *testing.T) {
	view := NewSelectTable(interfaces()).View()
	assertContains(t, view, "UNAVAILABLE")
	for iface, reason := range map[string]string{"eth0": "has IP 10.0.0.5/24", "eth2": "DOWN"} {
		line := lineWith(view, iface)
		assertContains(t, line, reason, " - ")
	}

	assertNotContains(t, lineWith(view, "br0"), "DOWN", "has IP")
}

func TestNoReasonColumnWhenEveryRowIsSelectable(t *testing.T) {
	q := interfaces()
	q.Rows = []Row{q.Rows[0], q.Rows[2]}
	assertNotContains(t, NewSelectTable(q).View(), "UNAVAILABLE")
}

func TestRightSelectsAllSelectableRowsLeftNone(t *testing.T) {
	m := send(t, NewSelectTable(interfaces()), keyRight)
	want := []string{"micro01/eth1", "micro02/eth1", "micro02/br0"}
	if got := rowIDs(m.Selected()); !reflect.DeepEqual(got, want) {
		t.Fatalf("select all: got %v, want %v", got, want)
	}

	m = send(t, m, keyLeft)
	if len(m.Selected()) != 0 {
		t.Fatalf("select none left %v", rowIDs(m.Selected()))
	}
}

func TestSelectAllAndNoneOnlyTouchFilteredRows(t *testing.T) {
	m := send(t, NewSelectTable(interfaces()), keySpace) // micro01/eth1
	m = send(t, m, typed("micro02"), keyRight)
	want := []string{"micro01/eth1", "micro02/eth1", "micro02/br0"}
	if got := rowIDs(m.Selected()); !reflect.DeepEqual(got, want) {
		t.Fatalf("select all under a filter: got %v, want %v", got, want)
	}

	m = send(t, m, typed("/"), keyBack) // no-op edit: filter still "micro02"
	m = send(t, m, keyLeft)
	if got := rowIDs(m.Selected()); !reflect.DeepEqual(got, []string{"micro01/eth1"}) {
		t.Fatalf("select none under a filter must keep hidden rows: %v", got)
	}
}

func TestTypingFiltersCaseInsensitively(t *testing.T) {
	m := send(t, NewSelectTable(interfaces()), typed("BR"))
	if m.Filter() != "BR" {
		t.Fatalf("filter %q", m.Filter())
	}

	if got := rowIDs(m.visibleRows()); !reflect.DeepEqual(got, []string{"micro02/br0"}) {
		t.Fatalf("visible: %v", got)
	}

	view := m.View()
	assertContains(t, view, "br0", `filter "BR": 1 of 5 shown`)
	assertNotContains(t, view, "eth1")

	m = send(t, m, keyBack, keyBack)
	if m.Filter() != "" || len(m.visibleRows()) != 5 {
		t.Fatalf("backspace: filter %q, %d rows", m.Filter(), len(m.visibleRows()))
	}

	m = send(t, m, keyBack) // nothing left to erase
	if m.Filter() != "" {
		t.Fatalf("filter %q", m.Filter())
	}
}

func TestFilterMatchingNothingSaysSo(t *testing.T) {
	m := send(t, NewSelectTable(interfaces()), typed("zzz"))
	assertContains(t, m.View(), `Nothing matches "zzz"`)
	if m.CursorID() != "" {
		t.Errorf("cursor on %q with nothing shown", m.CursorID())
	}

	m = send(t, m, keySpace, keyRight) // must not panic nor select
	if len(m.Selected()) != 0 {
		t.Errorf("selected %v", rowIDs(m.Selected()))
	}
}

func TestCursorStaysOnItsRowOrIsClampedWhenFiltering(t *testing.T) {
	m := send(t, NewSelectTable(interfaces()), keyEnd)
	if m.CursorID() != "micro02/br0" {
		t.Fatalf("End: cursor on %q", m.CursorID())
	}

	// br0 still matches: the cursor follows it.
	m = send(t, m, typed("micro02"))
	if m.CursorID() != "micro02/br0" {
		t.Fatalf("cursor moved to %q", m.CursorID())
	}

	// br0 filtered out: the cursor is clamped to the rows left.
	m = send(t, m, keyBack, keyBack, keyBack, keyBack, keyBack, keyBack, keyBack, typed("eth"))
	if m.CursorID() != "micro02/eth2" {
		t.Fatalf("cursor on %q, want the last visible row", m.CursorID())
	}
}

func TestCursorMovementStopsAtTheEnds(t *testing.T) {
	m := send(t, NewSelectTable(interfaces()), keyUp)
	if m.CursorID() != "micro01/eth1" {
		t.Fatalf("up at the top: %q", m.CursorID())
	}

	m = send(t, m, keyPgDn)
	if m.CursorID() != "micro02/br0" {
		t.Fatalf("page down: %q", m.CursorID())
	}

	m = send(t, m, keyDown, keyDown)
	if m.CursorID() != "micro02/br0" {
		t.Fatalf("down at the bottom: %q", m.CursorID())
	}

	m = send(t, m, keyPgUp)
	if m.CursorID() != "micro01/eth1" {
		t.Fatalf("page up: %q", m.CursorID())
	}

	m = send(t, m, keyDown, keyDown, keyHome)
	if m.CursorID() != "micro01/eth1" {
		t.Fatalf("home: %q", m.CursorID())
	}
}

func TestLettersFilterRatherThanMove(t *testing.T) {
	m := send(t, NewSelectTable(interfaces()), typed("j"), typed("k"), typed("q"))
	if m.Filter() != "jkq" || m.Done() || m.Cancelled() {
		t.Fatalf("filter %q done %v cancelled %v", m.Filter(), m.Done(), m.Cancelled())
	}

	m = send(t, m, keyCtrlU)
	if m.Filter() != "" {
		t.Fatalf("ctrl-u left %q", m.Filter())
	}
}

func TestEnterConfirmsInTableOrder(t *testing.T) {
	m := send(t, NewSelectTable(interfaces()), keyEnd, keySpace, keyHome, keySpace)
	var model tea.Model
	model, cmd := m.Update(keyEnter)
	m = model.(SelectTableModel)
	if !m.Done() || !isQuit(cmd) {
		t.Fatalf("enter did not confirm: %q", m.Message())
	}

	want := []string{"micro01/eth1", "micro02/br0"}
	if got := rowIDs(m.Selected()); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v (table order, not selection order)", got, want)
	}

	view := m.View()
	assertContains(t, view, "micro01  eth1", "micro02  br0")
	assertNotContains(t, view, "eth2", "space: select")

	// A finished table ignores further keys.
	if m2 := send(t, m, keyLeft); len(m2.Selected()) != 2 {
		t.Fatalf("keys changed a finished table")
	}
}

func TestEscClearsTheFilterThenCancels(t *testing.T) {
	m := send(t, NewSelectTable(interfaces()), typed("eth"), keyEsc)
	if m.Cancelled() || m.Filter() != "" {
		t.Fatalf("first esc: cancelled %v, filter %q", m.Cancelled(), m.Filter())
	}

	model, cmd := m.Update(keyEsc)
	m = model.(SelectTableModel)
	if !m.Cancelled() || !isQuit(cmd) {
		t.Fatalf("second esc did not cancel")
	}

	assertContains(t, m.View(), "(cancelled)")
}

func TestCtrlCCancelsEvenWithAFilter(t *testing.T) {
	model, cmd := send(t, NewSelectTable(interfaces()), typed("eth")).Update(keyCtrlC)
	if !model.(SelectTableModel).Cancelled() || !isQuit(cmd) {
		t.Fatalf("ctrl-c did not cancel")
	}
}

func TestSingleChoiceReplacesAndEnterTakesTheCursorRow(t *testing.T) {
	q := SelectTable{
		Title:   "Select an address for MicroCloud's internal traffic:",
		Headers: []string{"ADDRESS", "IFACE"},
		Noun:    "address",
		Rows: []Row{
			{ID: "10.0.0.5", Cells: []string{"10.0.0.5", "eth0"}},
			{ID: "192.168.1.5", Cells: []string{"192.168.1.5", "eth1"}},
		},
	}

	m := send(t, NewSelectTable(q), keySpace, keyDown, keySpace)
	if got := rowIDs(m.Selected()); !reflect.DeepEqual(got, []string{"192.168.1.5"}) {
		t.Fatalf("single choice: %v", got)
	}

	view := m.View()
	assertContains(t, view, "(*) 192.168.1.5", "( ) 10.0.0.5", "enter: choose")
	assertNotContains(t, view, "→/←")

	m = send(t, m, keyRight) // no select-all with a single choice
	if len(m.Selected()) != 1 {
		t.Fatalf("→ selected %v", rowIDs(m.Selected()))
	}

	m = send(t, NewSelectTable(q), keyDown, keyEnter)
	if !m.Done() || !reflect.DeepEqual(rowIDs(m.Selected()), []string{"192.168.1.5"}) {
		t.Fatalf("enter on a row: done %v, %v", m.Done(), rowIDs(m.Selected()))
	}
}

func TestSingleChoiceEnterOnADisabledRowAsks(t *testing.T) {
	q := SelectTable{Noun: "address", Rows: []Row{{ID: "a", Cells: []string{"10.0.0.5"}, Disabled: "not up"}}}
	m := send(t, NewSelectTable(q), keyEnter)
	if m.Done() || m.Message() != "This address cannot be selected: not up" {
		t.Fatalf("done %v, message %q", m.Done(), m.Message())
	}
}

func TestInitialSelectionSkipsDisabledAndUnknownRows(t *testing.T) {
	q := interfaces()
	q.Selected = []string{"micro02/br0", "micro02/eth2", "nope"}
	m := NewSelectTable(q)
	if got := rowIDs(m.Selected()); !reflect.DeepEqual(got, []string{"micro02/br0"}) {
		t.Fatalf("got %v", got)
	}
}

func TestDuplicateIDsKeepTheFirstRow(t *testing.T) {
	q := SelectTable{Rows: []Row{{ID: "a", Cells: []string{"first"}}, {ID: "a", Cells: []string{"second"}}}}
	m := NewSelectTable(q)
	if len(m.Rows()) != 1 || m.Rows()[0].Cells[0] != "first" {
		t.Fatalf("rows %v", m.Rows())
	}
}

func TestUpdateIsPure(t *testing.T) {
	before := NewSelectTable(interfaces())
	snapshot := before.View()
	after := send(t, before, keySpace, keyRight, typed("eth"), AddRowMsg{Row: Row{ID: "x", Cells: []string{"micro03", "eth9"}}}, RemoveRowMsg{ID: "micro02/br0"})
	if before.View() != snapshot || len(before.Selected()) != 0 || len(before.Rows()) != 5 {
		t.Fatalf("the earlier model changed")
	}

	if len(after.Selected()) == 0 {
		t.Fatalf("the later model did not change")
	}
}

func TestRowCellsAreNotAliased(t *testing.T) {
	cells := []string{"micro01", "eth1"}
	m := NewSelectTable(SelectTable{Rows: []Row{{ID: "a", Cells: cells}}})
	cells[1] = "changed"
	if m.Rows()[0].Cells[1] != "eth1" {
		t.Fatalf("the model shares the caller's slice")
	}
}

// visibleRows is a test view of the filtered rows.
func (m SelectTableModel) visibleRows() []Row {
	var rows []Row
	for _, i := range m.visible() {
		rows = append(rows, m.rows[i])
	}

	return rows
}

func TestCursorStartsOnThePreselectedRow(t *testing.T) {
	q := interfaces()
	q.Selected = []string{"micro02/br0"}
	m := NewSelectTable(q)
	if m.CursorID() != "micro02/br0" {
		t.Fatalf("cursor on %q", m.CursorID())
	}
}

// An operator who moves the cursor off a preselected row and presses Enter
// gets the row they moved to, however they moved there.
func TestSingleChoiceEnterTakesTheCursorRow(t *testing.T) {
	q := SelectTable{Noun: "network", Selected: []string{"b"}, Rows: []Row{
		{ID: "a", Cells: []string{"10.97.0.0/24"}},
		{ID: "b", Cells: []string{"10.99.0.0/24"}},
		{ID: "c", Cells: []string{"10.98.0.0/24"}},
		{ID: "d", Cells: []string{"10.96.0.0/24"}, Disabled: "no address"},
	}}

	for _, tc := range []struct {
		name string
		keys []tea.Msg
		want string
	}{
		{"the default, untouched", []tea.Msg{keyEnter}, "b"},
		{"up from the default", []tea.Msg{keyUp, keyEnter}, "a"},
		{"down from the default", []tea.Msg{keyDown, keyEnter}, "c"},
		{"marked with space, then moved away", []tea.Msg{keyDown, keySpace, keyUp, keyUp, keyEnter}, "a"},
		{"the default filtered out", []tea.Msg{typed("10.98"), keyEnter}, "c"},
		{"away and back", []tea.Msg{keyDown, keyUp, keyEnter}, "b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := send(t, NewSelectTable(q), tc.keys...)
			if !m.Done() || !reflect.DeepEqual(rowIDs(m.Selected()), []string{tc.want}) {
				t.Fatalf("done %v, chose %v, want %s", m.Done(), rowIDs(m.Selected()), tc.want)
			}
		})
	}

	// On a row that cannot be chosen, Enter says why and keeps the question
	// open, rather than falling back to the default.
	m := send(t, NewSelectTable(q), keyEnd, keyEnter)
	if m.Done() || m.Message() != "This network cannot be selected: no address" {
		t.Fatalf("enter on a disabled row: done %v, message %q", m.Done(), m.Message())
	}

	// The default is still shown as such while the cursor is elsewhere.
	m = send(t, NewSelectTable(q), keyUp)
	assertContains(t, m.View(), "(*) 10.99.0.0/24", "> ( ) 10.97.0.0/24")
}

// Rows of a Sorted table are listed by name whatever order they arrive in,
// and the cursor stays on its machine when one arrives above it.
func TestSortedTableKeepsOrderAndCursor(t *testing.T) {
	peer := func(name string) Row { return Row{ID: name + "/fp", Cells: []string{name, "10.99.0.1"}} }
	q := SelectTable{Multi: true, Sorted: true, Rows: []Row{peer("micro03")}}
	m := send(t, NewSelectTable(q), AddRowMsg{Row: peer("micro05")}, keyDown)
	if m.CursorID() != "micro05/fp" {
		t.Fatalf("cursor on %q", m.CursorID())
	}

	m = send(t, m, AddRowMsg{Row: peer("micro02")}, UpdateRowMsg{Row: peer("micro04")}, AddRowMsg{Row: peer("micro01")})
	var names []string
	for _, r := range m.Rows() {
		names = append(names, r.Cells[0])
	}

	if want := []string{"micro01", "micro02", "micro03", "micro04", "micro05"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("rows %v, want %v", names, want)
	}

	if m.CursorID() != "micro05/fp" {
		t.Fatalf("the cursor moved to %q when rows arrived above it", m.CursorID())
	}

	assertContains(t, m.View(), "> [ ] micro05")
}
