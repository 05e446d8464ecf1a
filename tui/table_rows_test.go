package tui

import (
	"fmt"
	"reflect"
	"testing"
)

// discovery is the peer table: it starts empty and grows.
func discovery() SelectTable {
	return SelectTable{
		Title:       "Systems will appear in the table as they are detected. Select those that should join the cluster:",
		Headers:     []string{"NAME", "ADDRESS", "FINGERPRINT", "STATUS"},
		Multi:       true,
		MinSelected: 1,
		Noun:        "system",
		Empty:       "Waiting for systems to appear…",
	}
}

func peer(name string, status string) Row {
	return Row{ID: name, Cells: []string{name, "10.0.0." + name[len(name)-1:], "b4c2f1a9e0d3", status}}
}

func TestAddRowGrowsTheTable(t *testing.T) {
	m := send(t, NewSelectTable(discovery()), AddRowMsg{Row: peer("micro02", "discovered")})
	assertNotContains(t, m.View(), "Waiting for systems")
	m = send(t, m, AddRowMsg{Row: peer("micro03", "discovered")})
	if got := rowIDs(m.Rows()); !reflect.DeepEqual(got, []string{"micro02", "micro03"}) {
		t.Fatalf("rows %v", got)
	}

	if m.CursorID() != "micro02" {
		t.Fatalf("cursor on %q", m.CursorID())
	}
}

func TestInsertionsKeepCursorAndSelection(t *testing.T) {
	m := send(t, NewSelectTable(discovery()),
		AddRowMsg{Row: peer("micro02", "discovered")},
		AddRowMsg{Row: peer("micro03", "discovered")},
		keyDown, keySpace, // cursor and choice on micro03
	)

	m = send(t, m, AddRowMsg{Row: peer("micro04", "discovered")}, RemoveRowMsg{ID: "micro02"}, AddRowMsg{Row: peer("micro05", "discovered")})
	if m.CursorID() != "micro03" {
		t.Fatalf("cursor moved to %q", m.CursorID())
	}

	if got := rowIDs(m.Selected()); !reflect.DeepEqual(got, []string{"micro03"}) {
		t.Fatalf("selection %v", got)
	}
}

func TestUpdateRowReplacesInPlace(t *testing.T) {
	m := send(t, NewSelectTable(discovery()),
		AddRowMsg{Row: peer("micro02", "discovered")},
		AddRowMsg{Row: peer("micro03", "discovered")},
		keySpace,
		UpdateRowMsg{Row: peer("micro02", "verified")},
	)

	if got := m.Rows()[0].Cells[3]; got != "verified" {
		t.Fatalf("status %q", got)
	}

	if !reflect.DeepEqual(rowIDs(m.Rows()), []string{"micro02", "micro03"}) || !reflect.DeepEqual(rowIDs(m.Selected()), []string{"micro02"}) {
		t.Fatalf("rows %v, selected %v", rowIDs(m.Rows()), rowIDs(m.Selected()))
	}

	assertContains(t, lineWith(m.View(), "micro02"), "verified")

	// An AddRowMsg for a known ID is an update too, and an update for an
	// unknown ID adds the row.
	m = send(t, m, AddRowMsg{Row: peer("micro03", "verified")}, UpdateRowMsg{Row: peer("micro04", "verified")})
	if got := rowIDs(m.Rows()); !reflect.DeepEqual(got, []string{"micro02", "micro03", "micro04"}) {
		t.Fatalf("rows %v", got)
	}
}

func TestRowBecomingDisabledLosesItsSelection(t *testing.T) {
	disabled := peer("micro02", "failed")
	disabled.Disabled = "wrong passphrase"
	m := send(t, NewSelectTable(discovery()), AddRowMsg{Row: peer("micro02", "discovered")}, keySpace, UpdateRowMsg{Row: disabled})
	if len(m.Selected()) != 0 {
		t.Fatalf("a disabled row stayed selected")
	}

	assertContains(t, lineWith(m.View(), "micro02"), "wrong passphrase")
	m = send(t, m, keySpace)
	if len(m.Selected()) != 0 {
		t.Fatalf("a disabled row was selected again")
	}
}

func TestRemovingTheCursorRowMovesToTheNextOne(t *testing.T) {
	m := send(t, NewSelectTable(discovery()),
		AddRowMsg{Row: peer("micro02", "discovered")},
		AddRowMsg{Row: peer("micro03", "discovered")},
		AddRowMsg{Row: peer("micro04", "discovered")},
		keyDown, keySpace,
		RemoveRowMsg{ID: "micro03"},
	)

	if m.CursorID() != "micro04" || len(m.Selected()) != 0 {
		t.Fatalf("cursor %q, selected %v", m.CursorID(), rowIDs(m.Selected()))
	}

	m = send(t, m, RemoveRowMsg{ID: "micro04"})
	if m.CursorID() != "micro02" {
		t.Fatalf("cursor %q after removing the last row", m.CursorID())
	}

	m = send(t, m, RemoveRowMsg{ID: "micro02"}, RemoveRowMsg{ID: "unknown"})
	if m.CursorID() != "" || len(m.Rows()) != 0 {
		t.Fatalf("cursor %q, rows %v", m.CursorID(), rowIDs(m.Rows()))
	}

	assertContains(t, m.View(), "Waiting for systems to appear…")
}

func TestRowsAddedUnderAFilterAreFiltered(t *testing.T) {
	m := send(t, NewSelectTable(discovery()), AddRowMsg{Row: peer("micro02", "discovered")}, typed("micro03"))
	m = send(t, m, AddRowMsg{Row: peer("micro03", "discovered")}, AddRowMsg{Row: peer("micro04", "discovered")})
	if got := rowIDs(m.visibleRows()); !reflect.DeepEqual(got, []string{"micro03"}) {
		t.Fatalf("visible %v", got)
	}

	if m.CursorID() != "micro03" {
		t.Fatalf("cursor %q", m.CursorID())
	}
}

func TestLiveRowsKeepTheCursorOnScreen(t *testing.T) {
	m := send(t, NewSelectTable(discovery()), windowSize(80, 14))
	for i := 0; i < 30; i++ {
		m = send(t, m, AddRowMsg{Row: peer(fmt.Sprintf("micro%02d", i), "discovered")})
	}

	m = send(t, m, keyEnd, keySpace)
	for i := 30; i < 40; i++ {
		m = send(t, m, AddRowMsg{Row: peer(fmt.Sprintf("micro%02d", i), "discovered")})
	}

	view := m.View()
	assertContains(t, lineWith(view, "micro29"), "> [x]")
	assertContains(t, view, "↑", "↓ 10 more")
}
