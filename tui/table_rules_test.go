package tui

import (
	"fmt"
	"strings"
	"testing"
)

func TestOnePerGroupNamesTheGroupOnEnter(t *testing.T) {
	tests := []struct {
		name string
		keys []any
		want string
	}{
		{"nothing chosen", nil, "Select exactly one interface for micro01"},
		{"second system missing", []any{keySpace}, "Select exactly one interface for micro02"},
		{"two for one system", []any{keySpace, keyEnd, keySpace, keyUp, keyUp, keySpace}, "Select exactly one interface for micro02 (2 selected)"},
		{"one each", []any{keySpace, keyEnd, keySpace}, ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewSelectTable(interfaces())
			for _, k := range tt.keys {
				m = send(t, m, k)
			}

			m = send(t, m, keyEnter)
			if m.Message() != tt.want {
				t.Fatalf("message %q, want %q", m.Message(), tt.want)
			}

			if m.Done() != (tt.want == "") {
				t.Fatalf("done = %v", m.Done())
			}

			if tt.want != "" {
				assertContains(t, m.View(), tt.want)
			}
		})
	}
}

func TestOnePerGroupWithNothingSelectableInAGroup(t *testing.T) {
	q := interfaces()
	q.Rows = append(q.Rows, Row{ID: "micro03/eth0", Cells: []string{"micro03", "eth0", "physical"}, Group: "micro03", Disabled: "DOWN"})
	m := send(t, NewSelectTable(q), keySpace, keyDown, keyDown, keySpace, keyEnter)
	want := "Select exactly one interface for micro03: none of its interfaces can be selected"
	if m.Message() != want {
		t.Fatalf("message %q, want %q", m.Message(), want)
	}
}

func TestAtMostOnePerGroupAllowsNone(t *testing.T) {
	q := interfaces()
	q.OnePerGroup, q.AtMostOnePerGroup = false, true
	m := send(t, NewSelectTable(q), keyEnter)
	if !m.Done() {
		t.Fatalf("no choice refused: %q", m.Message())
	}

	m = send(t, NewSelectTable(q), keyEnd, keySpace, keyUp, keyUp, keySpace, keyEnter)
	if m.Done() || m.Message() != "Select at most one interface for micro02 (2 selected)" {
		t.Fatalf("done %v, message %q", m.Done(), m.Message())
	}
}

func TestMinAndMaxSelected(t *testing.T) {
	disks := SelectTable{
		Multi: true, Noun: "disk", MinSelected: 1, MaxSelected: 2,
		Rows: []Row{
			{ID: "sdb", Cells: []string{"sdb"}}, {ID: "sdc", Cells: []string{"sdc"}}, {ID: "sdd", Cells: []string{"sdd"}},
		},
	}

	m := send(t, NewSelectTable(disks), keyEnter)
	if m.Done() || m.Message() != "Select at least one disk" {
		t.Fatalf("min: done %v, %q", m.Done(), m.Message())
	}

	m = send(t, m, keyRight, keyEnter)
	if m.Done() || m.Message() != "Select at most 2 disks (3 selected)" {
		t.Fatalf("max: done %v, %q", m.Done(), m.Message())
	}

	m = send(t, m, keySpace, keyEnter)
	if !m.Done() {
		t.Fatalf("two disks refused: %q", m.Message())
	}

	disks.MinSelected, disks.MaxSelected = 3, 0
	m = send(t, NewSelectTable(disks), keySpace, keyEnter)
	if m.Message() != "Select at least 3 disks" {
		t.Fatalf("min 3: %q", m.Message())
	}
}

func TestEmptyTableWithAMinimumSaysNothingToSelect(t *testing.T) {
	q := SelectTable{Multi: true, MinSelected: 1, Noun: "system", Empty: "Waiting for systems to appear…"}
	m := NewSelectTable(q)
	assertContains(t, m.View(), "Waiting for systems to appear…")
	m = send(t, m, keySpace, keyRight, keyEnter)
	if m.Done() || m.Message() != "Nothing to select yet" {
		t.Fatalf("done %v, %q", m.Done(), m.Message())
	}
}

func TestArticle(t *testing.T) {
	if article("address") != "an" || article("interface") != "an" || article("disk") != "a" || article("") != "a" {
		t.Fatal("article")
	}
}

func TestValidateRefusesAChoiceInPlace(t *testing.T) {
	q := interfaces()
	q.Validate = func(rows []Row) error {
		for _, r := range rows {
			if r.Group == "micro02" && r.Cells[1] != "eth9" {
				return fmt.Errorf("systems[micro02].ovn_uplink_interface: %s is not wanted", r.Cells[1])
			}
		}

		return nil
	}

	m := send(t, NewSelectTable(q), keySpace, keyEnd, keySpace, keyEnter)
	if m.Done() || !strings.Contains(m.Message(), "is not wanted") {
		t.Fatalf("done %v, message %q", m.Done(), m.Message())
	}

	assertContains(t, m.View(), "is not wanted")

	// The next key clears the message; the choice is kept for a fix.
	m = send(t, m, keyUp)
	if m.Message() != "" || len(m.Selected()) != 2 {
		t.Fatalf("message %q, selected %v", m.Message(), m.Selected())
	}
}
