package tui

import (
	"fmt"
	"strings"
)

const (
	columnGap = 2
	// rowPrefix is the cursor mark and the check box: "> [x] ".
	rowPrefix = 6
	// minPage keeps a few rows on screen even in a tiny terminal.
	minPage = 3
)

const (
	multiHelp  = "space: select · enter: confirm · →/←: all/none · type to filter · esc: cancel"
	singleHelp = "↑/↓: move · space/enter: choose · type to filter · esc: cancel"
)

// View draws the table: title, header, the page of rows around the cursor
// with "more" marks when rows do not fit, the inline error, the status and
// the keys. No line is wider than the terminal.
func (m SelectTableModel) View() string {
	var lines []string
	for _, l := range m.titleLines() {
		lines = append(lines, Styles.Question.Render(l))
	}

	if m.done || m.cancelled {
		return strings.Join(append(lines, m.finalLines()...), "\n") + "\n"
	}

	widths := m.columnWidths(m.rows)
	lines = append(lines, Styles.Header.Render(m.fitLine(strings.Repeat(" ", rowPrefix)+m.cellsLine(m.headers(), widths))))

	visible := m.visible()
	page := m.pageSize()
	paged := len(visible) > page
	first, last := 0, len(visible)
	if paged {
		first, last = m.offset, min(m.offset+page, len(visible))
		lines = append(lines, Styles.Hint.Render(m.fitLine(moreLine("↑", first))))
	}

	for i := first; i < last; i++ {
		lines = append(lines, m.rowLine(m.rows[visible[i]], i == m.cursor, widths))
	}

	if len(visible) == 0 {
		lines = append(lines, Styles.Hint.Render(m.fitLine("  "+m.emptyText())))
	}

	if paged {
		lines = append(lines, Styles.Hint.Render(m.fitLine(moreLine("↓", len(visible)-last))))
	}

	for _, l := range m.cursorDetail(widths) {
		lines = append(lines, Styles.Hint.Render(l))
	}

	if m.message != "" {
		for _, l := range wrap(m.message, m.width) {
			lines = append(lines, Styles.Error.Render(l))
		}
	}

	if status := m.status(len(visible)); status != "" {
		lines = append(lines, m.fitLine(status))
	}

	help := singleHelp
	if m.q.Multi {
		help = multiHelp
	}

	lines = append(lines, Styles.Hint.Render(m.fitLine(help)))
	return strings.Join(lines, "\n") + "\n"
}

// rowLine draws one row: cursor mark, check box, cells, and for a row that
// cannot be chosen its reason in the last column.
func (m SelectTableModel) rowLine(r Row, atCursor bool, widths []int) string {
	mark := "  "
	if atCursor {
		mark = "> "
	}

	box := "[ ] "
	switch {
	case !r.Selectable():
		box = " -  "
	case m.selected[r.ID] && m.q.Multi:
		box = "[x] "
	case m.selected[r.ID]:
		box = "(*) "
	case !m.q.Multi:
		box = "( ) "
	}

	cells := r.Cells
	if m.hasDisabled() {
		cells = append(padCells(cells, len(widths)-1), r.Disabled)
	}

	text := truncate(box+m.cellsLine(cells, widths), m.width-len(mark))
	switch {
	case !r.Selectable():
		text = Styles.Disabled.Render(text)
	case atCursor:
		text = Styles.Cursor.Render(text)
	case m.selected[r.ID]:
		text = Styles.Selected.Render(text)
	}

	if atCursor {
		mark = Styles.Cursor.Render(mark)
	}

	return mark + text
}

// pageSize is how many rows fit between the fixed lines: title, header, the
// two "more" marks, the cursor row's detail, the error, the status and the
// keys.
func (m SelectTableModel) pageSize() int {
	return max(minPage, m.height-len(m.titleLines())-6-maxDetailLines)
}

// maxDetailLines bounds the cursor row's detail.
const maxDetailLines = 2

// cursorDetail spells out the row under the cursor when the table had to
// cut it, or when it cannot be chosen: the reason a disk is refused is
// exactly what an operator looking for it needs to read whole.
func (m SelectTableModel) cursorDetail(widths []int) []string {
	row, ok := m.cursorRow()
	if !ok {
		return nil
	}

	cut := false
	for i, c := range row.Cells {
		cut = cut || (i < len(widths) && cellWidth(c) > widths[i])
	}

	if !row.Selectable() {
		cut = cut || cellWidth(row.Disabled) > widths[len(widths)-1]
	}

	if !cut {
		return nil
	}

	// The reason first: with little room, it is what must survive.
	text := strings.Join(row.Cells, "  ")
	if !row.Selectable() {
		text = "Cannot be selected: " + row.Disabled + " — " + text
	}

	lines := wrap(text, m.width-2)
	if len(lines) > maxDetailLines {
		lines = lines[:maxDetailLines]
		lines[maxDetailLines-1] = truncate(lines[maxDetailLines-1]+" …", m.width-2)
	}

	for i := range lines {
		lines[i] = "  " + lines[i]
	}

	return lines
}

// scrollToCursor moves the page so that the cursor is on it.
func (m *SelectTableModel) scrollToCursor() {
	page := m.pageSize()
	n := len(m.visible())
	if m.cursor < m.offset {
		m.offset = m.cursor
	}

	if m.cursor >= m.offset+page {
		m.offset = m.cursor - page + 1
	}

	m.offset = clamp(m.offset, 0, max(0, n-page))
}

func (m SelectTableModel) titleLines() []string {
	if m.q.Title == "" {
		return nil
	}

	return wrap(m.q.Title, m.width)
}

func (m SelectTableModel) status(visible int) string {
	var parts []string
	if len(m.filter) > 0 {
		parts = append(parts, fmt.Sprintf("filter %q: %d of %d shown", string(m.filter), visible, len(m.rows)))
	}

	if m.q.Multi {
		s := fmt.Sprintf("%d selected", len(m.selected))
		if hidden := len(m.selected) - m.selectedVisible(); hidden > 0 {
			s += fmt.Sprintf(" (%d hidden by the filter)", hidden)
		}

		parts = append(parts, s)
	}

	return strings.Join(parts, " · ")
}

func (m SelectTableModel) selectedVisible() int {
	n := 0
	for _, i := range m.visible() {
		if m.selected[m.rows[i].ID] {
			n++
		}
	}

	return n
}

func (m SelectTableModel) emptyText() string {
	switch {
	case len(m.rows) > 0:
		return fmt.Sprintf("Nothing matches %q (backspace to edit the filter)", string(m.filter))
	case m.q.Empty != "":
		return m.q.Empty
	}

	return "Nothing to select"
}

// finalLines are what stays on screen once the question is answered: the
// choice, so that the scrollback shows what was picked.
func (m SelectTableModel) finalLines() []string {
	if m.cancelled {
		return []string{"  (cancelled)"}
	}

	selected := m.Selected()
	if len(selected) == 0 {
		return []string{"  (none)"}
	}

	widths := fitColumns(m.finalWidths(selected), m.width-2)
	var lines []string
	for _, r := range selected {
		lines = append(lines, m.fitLine("  "+m.cellsLine(r.Cells, widths)))
	}

	return lines
}

func (m SelectTableModel) finalWidths(rows []Row) []int {
	widths := make([]int, m.dataColumns())
	for _, r := range rows {
		for i, c := range r.Cells {
			widths[i] = max(widths[i], cellWidth(c))
		}
	}

	return widths
}

func (m SelectTableModel) fitLine(s string) string {
	return truncate(s, m.width)
}

func moreLine(arrow string, n int) string {
	if n == 0 {
		return ""
	}

	return fmt.Sprintf("  %s %d more", arrow, n)
}
