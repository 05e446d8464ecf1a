package tui

import (
	"fmt"
	"strings"
	"testing"
)

// disks is a long disk table, with long paths and reasons.
func disks(n int) SelectTable {
	q := SelectTable{
		Title:   "Select from the available unpartitioned disks:",
		Headers: []string{"LOCATION", "MODEL", "CAPACITY", "TYPE", "PATH"},
		Multi:   true,
		Noun:    "disk",
	}

	for i := 0; i < n; i++ {
		row := Row{
			ID:    fmt.Sprintf("disk%02d", i),
			Cells: []string{"micro01", "Samsung SSD 970 EVO Plus 1TB", "931.51GiB", "nvme", fmt.Sprintf("/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R%06d", i)},
			Group: "micro01",
		}

		if i%3 == 1 {
			row.Disabled = "partitioned (2 partitions), mounted on /var/lib/something/very/long"
		}

		q.Rows = append(q.Rows, row)
	}

	return q
}

func TestEveryLineFitsEightyColumns(t *testing.T) {
	m := send(t, NewSelectTable(disks(40)), windowSize(80, 24))
	views := []string{m.View()}
	m = send(t, m, keyPgDn, keySpace, keyRight, keyDown, keySpace) // a message on a disabled row
	views = append(views, m.View())
	m = send(t, m, typed(strings.Repeat("s", 100)))
	views = append(views, m.View())
	m = send(t, NewSelectTable(disks(3)), keyRight, keyEnter)
	views = append(views, m.View())
	for _, v := range views {
		assertFits(t, v, 80)
	}

	// The long cells were cut, not the short ones.
	view := send(t, NewSelectTable(disks(3)), windowSize(80, 24)).View()
	assertContains(t, view, "…", "micro01", "nvme", "CAPACITY")
}

func TestNarrowTerminalsStillFit(t *testing.T) {
	for _, width := range []int{40, 60, 100} {
		m := send(t, NewSelectTable(disks(10)), windowSize(width, 24), keyDown, keySpace)
		assertFits(t, m.View(), width)
	}
}

func TestPagingShowsMoreMarks(t *testing.T) {
	m := send(t, NewSelectTable(disks(40)), windowSize(80, 20))
	page := m.pageSize()
	if page != 20-1-6-maxDetailLines {
		t.Fatalf("page size %d", page)
	}

	view := m.View()
	if n := strings.Count(view, "/dev/di…"); n != page {
		t.Fatalf("%d rows on screen, want %d:\n%s", n, page, view)
	}

	assertContains(t, view, fmt.Sprintf("↓ %d more", 40-page))
	assertNotContains(t, view, "↑")
	if lines := strings.Count(view, "\n"); lines > 20 {
		t.Fatalf("view is %d lines high in a 20-line terminal", lines)
	}

	m = send(t, m, keyPgDn, keyPgDn)
	view = m.View()
	assertContains(t, view, "↑ ", "↓ ")
	assertContains(t, lineWith(view, "> "), m.CursorID()[len("disk"):])

	m = send(t, m, keyEnd)
	view = m.View()
	assertContains(t, view, fmt.Sprintf("↑ %d more", 40-page))
	assertNotContains(t, view, "↓")
	assertContains(t, lineWith(view, "> "), "000039")
}

func TestNoMoreMarksWhenEverythingFits(t *testing.T) {
	view := NewSelectTable(disks(5)).View()
	assertNotContains(t, view, "↑", "↓ ")
}

func TestTitleWrapsAndHelpIsShown(t *testing.T) {
	m := send(t, NewSelectTable(discovery()), windowSize(40, 24))
	view := m.View()
	assertFits(t, view, 40)
	assertContains(t, view, "Systems will appear in the table as", "0 selected")

	full := NewSelectTable(disks(2)).View()
	assertContains(t, full, "space: select · enter: confirm · →/←: all/none · type to filter · esc: cancel")
}

func TestCursorAndSelectionAreVisibleWithoutColour(t *testing.T) {
	m := send(t, NewSelectTable(disks(3)), keySpace, keyDown)
	view := m.View()
	assertContains(t, lineWith(view, "000000"), "  [x] ")
	assertContains(t, lineWith(view, "000001"), ">  -  ")
	assertContains(t, lineWith(view, "000002"), "  [ ] ")
}

func TestCursorRowIsSpelledOutWhenCut(t *testing.T) {
	m := send(t, NewSelectTable(disks(3)), windowSize(80, 24), keyDown)
	view := m.View()
	// The reason column was cut, the detail line has it whole.
	assertContains(t, lineWith(view, "> "), "…")
	assertContains(t, strings.Join(strings.Fields(view), " "), "Cannot be selected: partitioned (2 partitions), mounted on /var/lib/something/very/long — micro01 Samsung")
	assertFits(t, view, 80)

	// Nothing cut, nothing spelled out.
	m = send(t, NewSelectTable(interfaces()), keyDown)
	assertNotContains(t, m.View(), "cannot be selected")
}
