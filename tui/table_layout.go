package tui

import "strings"

// Column layout of a SelectTable: widths measured on every row, shrunk to
// the terminal, cells cut to their column.

// cellsLine lays cells out in columns of the given widths, cutting long
// ones with "…"; trailing blanks are dropped.
func (m SelectTableModel) cellsLine(cells []string, widths []int) string {
	parts := make([]string, len(widths))
	for i, w := range widths {
		cell := ""
		if i < len(cells) {
			cell = cells[i]
		}

		// Reasons read from their start ("partitioned (2 partitions)…");
		// other cells keep both ends.
		if i == m.dataColumns() {
			parts[i] = pad(truncate(cell, w), w)
		} else {
			parts[i] = pad(truncateMiddle(cell, w), w)
		}
	}

	return strings.TrimRight(strings.Join(parts, strings.Repeat(" ", columnGap)), " ")
}

// headers are the column titles, with the reason column when some row
// cannot be chosen.
func (m SelectTableModel) headers() []string {
	headers := padCells(m.q.Headers, m.dataColumns())
	if m.hasDisabled() {
		headers = append(headers, m.q.ReasonHeader)
	}

	return headers
}

// columnWidths measures every row (not just the visible ones, so columns do
// not jump while filtering or paging) and shrinks the widest columns until
// the table fits the terminal.
func (m SelectTableModel) columnWidths(rows []Row) []int {
	headers := m.headers()
	widths := make([]int, len(headers))
	for i, h := range headers {
		widths[i] = cellWidth(h)
	}

	reason := len(widths) - 1
	for _, r := range rows {
		for i := 0; i < m.dataColumns() && i < len(r.Cells); i++ {
			widths[i] = max(widths[i], cellWidth(r.Cells[i]))
		}

		if m.hasDisabled() {
			widths[reason] = max(widths[reason], cellWidth(r.Disabled))
		}
	}

	return fitColumns(widths, m.width-rowPrefix)
}

// fitColumns takes one cell at a time from the widest column until the
// columns and their gaps fit avail: long paths and reasons give way first,
// short columns (names, states) stay readable.
func fitColumns(widths []int, avail int) []int {
	total := func() int {
		sum := columnGap * max(0, len(widths)-1)
		for _, w := range widths {
			sum += w
		}

		return sum
	}

	for total() > avail {
		widest := 0
		for i, w := range widths {
			if w >= widths[widest] {
				widest = i
			}
		}

		if widths[widest] <= 1 {
			break
		}

		widths[widest]--
	}

	return widths
}

// dataColumns is the number of columns before the reason column.
func (m SelectTableModel) dataColumns() int {
	n := len(m.q.Headers)
	for _, r := range m.rows {
		n = max(n, len(r.Cells))
	}

	return n
}

// hasDisabled reports whether some row cannot be chosen: only then is
// there a reason column.
func (m SelectTableModel) hasDisabled() bool {
	for _, r := range m.rows {
		if !r.Selectable() {
			return true
		}
	}

	return false
}

// padCells returns n cells: cells, cut or filled with "".
func padCells(cells []string, n int) []string {
	out := make([]string, n)
	copy(out, cells)
	return out
}
