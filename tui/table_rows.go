package tui

import (
	"cmp"
	"maps"
	"slices"
	"strings"
)

// Live updates of a running SelectTable. Discovery sends them as machines
// answer; the cursor and the choices stay on the same rows (by ID) whatever
// is inserted or removed around them.

// AddRowMsg appends a row (or inserts it in order in a Sorted table); a row
// with the same ID is replaced instead.
type AddRowMsg struct {
	Row Row
}

// UpdateRowMsg replaces the row with the same ID (a machine going from
// "discovered" to "verified", or becoming disabled); an unknown ID is added.
type UpdateRowMsg struct {
	Row Row
}

// RemoveRowMsg removes the row with this ID (a machine that left the session).
type RemoveRowMsg struct {
	ID string
}

// upsertRow replaces or appends a row. A row that becomes disabled loses
// its selection: a choice the operator can no longer make must not be kept.
func (m SelectTableModel) upsertRow(row Row) SelectTableModel {
	row = cleanRow(row)
	cursorID, cursor := m.CursorID(), m.cursor
	m.rows = slices.Clone(m.rows)
	if i := m.indexOf(row.ID); i >= 0 {
		m.rows[i] = row
	} else {
		m.rows = append(m.rows, row)
	}

	if m.q.Sorted {
		slices.SortStableFunc(m.rows, compareRows)
	}

	if !row.Selectable() && m.selected[row.ID] {
		m.selected = maps.Clone(m.selected)
		delete(m.selected, row.ID)
	}

	m.relocate(cursorID, cursor)
	return m
}

func (m SelectTableModel) removeRow(id string) SelectTableModel {
	i := m.indexOf(id)
	if i < 0 {
		return m
	}

	cursorID, cursor := m.CursorID(), m.cursor
	m.rows = slices.Delete(slices.Clone(m.rows), i, i+1)
	if m.selected[id] {
		m.selected = maps.Clone(m.selected)
		delete(m.selected, id)
	}

	m.relocate(cursorID, cursor)
	return m
}

// setFilter changes the filter, keeping the cursor on its row when the row
// still matches.
func (m SelectTableModel) setFilter(filter []rune) SelectTableModel {
	cursorID, cursor := m.CursorID(), m.cursor
	m.filter = filter
	m.relocate(cursorID, cursor)
	return m
}

// relocate puts the cursor back on the row it was on, or, when that row is
// gone or filtered out, at the same place clamped to the rows left.
func (m *SelectTableModel) relocate(cursorID string, cursor int) {
	visible := m.visible()
	for i, ri := range visible {
		if cursorID != "" && m.rows[ri].ID == cursorID {
			m.cursor = i
			return
		}
	}

	m.cursor = clamp(cursor, 0, len(visible)-1)
}

// visible returns the indexes of the rows that match the filter: a
// case-insensitive substring of any cell.
func (m SelectTableModel) visible() []int {
	filter := strings.ToLower(string(m.filter))
	var out []int
	for i, r := range m.rows {
		if filter == "" || rowMatches(r, filter) {
			out = append(out, i)
		}
	}

	return out
}

func rowMatches(r Row, lowerFilter string) bool {
	for _, c := range r.Cells {
		if strings.Contains(strings.ToLower(c), lowerFilter) {
			return true
		}
	}

	return false
}

// compareRows orders the rows of a Sorted table: by first cell, then ID.
func compareRows(a, b Row) int {
	var ca, cb string
	if len(a.Cells) > 0 {
		ca = a.Cells[0]
	}

	if len(b.Cells) > 0 {
		cb = b.Cells[0]
	}

	return cmp.Or(cmp.Compare(ca, cb), cmp.Compare(a.ID, b.ID))
}

func (m SelectTableModel) indexOf(id string) int {
	return slices.IndexFunc(m.rows, func(r Row) bool { return r.ID == id })
}

func (m SelectTableModel) cursorRow() (Row, bool) {
	visible := m.visible()
	if m.cursor < 0 || m.cursor >= len(visible) {
		return Row{}, false
	}

	return m.rows[visible[m.cursor]], true
}

// cleanRow copies a row so that the caller's slice is never aliased, with
// cells made safe for one line.
func cleanRow(r Row) Row {
	cells := make([]string, len(r.Cells))
	for i, c := range r.Cells {
		cells[i] = oneLine(c)
	}

	r.Cells = cells
	r.Disabled = oneLine(r.Disabled)
	return r
}
