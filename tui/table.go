package tui

import (
	"maps"
	"slices"

	tea "github.com/charmbracelet/bubbletea"
)

// Row is one line of a SelectTable.
type Row struct {
	// ID identifies the row across live updates (a system name, "micro02/eth1").
	ID    string
	Cells []string
	// Disabled is why the row cannot be chosen ("DOWN", "mounted on /");
	// "" means it can. Disabled rows stay visible: an operator looking for a
	// disk must see why it is not offered.
	Disabled string
	// Group is what per-group rules count by, usually the system name.
	Group string
}

// Selectable reports whether the row can be chosen.
func (r Row) Selectable() bool {
	return r.Disabled == ""
}

// SelectTable is a question answered by choosing rows of a table: an address,
// the systems to join, disks, uplink interfaces.
type SelectTable struct {
	Title   string
	Headers []string
	Rows    []Row

	// Multi allows several rows (space toggles, Enter confirms). Otherwise
	// Enter chooses the row under the cursor: a preselected row only says
	// where the cursor starts, so an operator who moves and presses Enter
	// gets the row they moved to, never a default they moved away from.
	Multi bool

	// Sorted keeps the rows in the order of their first cell (then ID),
	// also as rows arrive live, so that machines appearing in any order
	// are listed by name and the list does not jump about.
	Sorted bool

	// MinSelected and MaxSelected bound the number of chosen rows (0: no bound).
	MinSelected int
	MaxSelected int

	// OnePerGroup requires exactly one chosen row in every group (one uplink
	// per system); AtMostOnePerGroup only forbids two (the underlay, which
	// some systems may go without).
	OnePerGroup       bool
	AtMostOnePerGroup bool

	// Noun names a row in messages ("Select exactly one interface for
	// micro02"); NounPlural defaults to Noun+"s". Default: "row".
	Noun       string
	NounPlural string

	// Selected are the IDs chosen at the start (defaults the operator may keep).
	Selected []string

	// Empty is shown while there are no rows, e.g. "Waiting for systems to
	// appear…" in the discovery table.
	Empty string

	// ReasonHeader heads the column of reasons why rows cannot be chosen.
	// Default: "UNAVAILABLE".
	ReasonHeader string

	// Validate checks a choice that obeys the rules above before the
	// question ends; its error is shown in place and the operator chooses
	// again. The interactive init passes the plan validator here, so a
	// choice is refused at once, with the same words a preseed gets.
	Validate func(selected []Row) error
}

// SelectTableModel is the bubbletea model of a SelectTable. Update and View
// are pure; the model is a value, and maps/slices are copied before they
// change, so that an earlier model never sees a later one's edits.
type SelectTableModel struct {
	q        SelectTable
	rows     []Row
	selected map[string]bool
	filter   []rune

	// cursor indexes the visible (filtered) rows; offset is the first
	// visible row on screen.
	cursor int
	offset int

	width  int
	height int

	// message is the inline error of the last Enter ("Select exactly one
	// interface for micro02") or key; it clears on the next key.
	message string

	done      bool
	cancelled bool
}

// NewSelectTable builds the model of q. Rows with an ID already seen are
// dropped (the first wins), initial selections of rows that cannot be
// chosen are ignored.
func NewSelectTable(q SelectTable) SelectTableModel {
	if q.Noun == "" {
		q.Noun = "row"
	}

	if q.NounPlural == "" {
		q.NounPlural = q.Noun + "s"
	}

	if q.ReasonHeader == "" {
		q.ReasonHeader = "UNAVAILABLE"
	}

	m := SelectTableModel{q: q, selected: map[string]bool{}, width: DefaultWidth, height: DefaultHeight}
	for _, r := range q.Rows {
		if m.indexOf(r.ID) < 0 {
			m.rows = append(m.rows, cleanRow(r))
		}
	}

	if q.Sorted {
		slices.SortStableFunc(m.rows, compareRows)
	}

	for _, id := range q.Selected {
		i := m.indexOf(id)
		if i >= 0 && m.rows[i].Selectable() {
			m.selected[id] = true
		}
	}

	// Start on the first preselected row: in a single choice, Enter at once
	// takes the proposed answer, and the operator sees it without scrolling.
	for i, r := range m.rows {
		if m.selected[r.ID] {
			m.cursor = i
			m.scrollToCursor()
			break
		}
	}

	m.q.Rows = nil
	return m
}

// Init starts nothing: the table only reacts to keys and row messages.
func (m SelectTableModel) Init() tea.Cmd {
	return nil
}

// Update handles keys, terminal size and live row messages.
func (m SelectTableModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.done || m.cancelled {
		return m, nil
	}

	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case AddRowMsg:
		m = m.upsertRow(msg.Row)
	case UpdateRowMsg:
		m = m.upsertRow(msg.Row)
	case RemoveRowMsg:
		m = m.removeRow(msg.ID)
	case tea.KeyMsg:
		return m.handleKey(msg)
	}

	m.scrollToCursor()
	return m, nil
}

func (m SelectTableModel) handleKey(key tea.KeyMsg) (tea.Model, tea.Cmd) {
	m.message = ""
	switch key.Type {
	case tea.KeyCtrlC:
		m.cancelled = true
		return m, tea.Quit
	case tea.KeyEsc:
		// Esc first clears a filter: cancelling the whole init because
		// the operator wanted to see all rows again would be harsh.
		if len(m.filter) > 0 {
			m = m.setFilter(nil)
			break
		}

		m.cancelled = true
		return m, tea.Quit
	case tea.KeyEnter:
		return m.confirm()
	case tea.KeyUp:
		m.cursor--
	case tea.KeyDown:
		m.cursor++
	case tea.KeyPgUp:
		m.cursor -= m.pageSize()
	case tea.KeyPgDown:
		m.cursor += m.pageSize()
	case tea.KeyHome:
		m.cursor = 0
	case tea.KeyEnd:
		m.cursor = len(m.visible()) - 1
	case tea.KeySpace:
		m = m.toggle()
	case tea.KeyRight:
		m = m.selectVisible(true)
	case tea.KeyLeft:
		m = m.selectVisible(false)
	case tea.KeyBackspace:
		if len(m.filter) > 0 {
			m = m.setFilter(m.filter[:len(m.filter)-1])
		}
	case tea.KeyCtrlU:
		m = m.setFilter(nil)
	case tea.KeyRunes:
		if !key.Alt {
			m = m.setFilter(append(slices.Clone(m.filter), key.Runes...))
		}
	}

	m.cursor = clamp(m.cursor, 0, len(m.visible())-1)
	m.scrollToCursor()
	return m, nil
}

// toggle chooses or un-chooses the row under the cursor. A row that cannot
// be chosen says why instead of doing nothing.
func (m SelectTableModel) toggle() SelectTableModel {
	row, ok := m.cursorRow()
	if !ok {
		return m
	}

	if !row.Selectable() {
		m.message = "This " + m.q.Noun + " cannot be selected: " + row.Disabled
		return m
	}

	was := m.selected[row.ID]
	if m.q.Multi {
		m.selected = maps.Clone(m.selected)
	} else {
		m.selected = map[string]bool{}
	}

	if was {
		delete(m.selected, row.ID)
	} else {
		m.selected[row.ID] = true
	}

	return m
}

// selectVisible chooses (→) or un-chooses (←) every row the filter shows;
// rows that cannot be chosen are skipped, hidden rows keep their state.
func (m SelectTableModel) selectVisible(on bool) SelectTableModel {
	if !m.q.Multi && on {
		return m
	}

	m.selected = maps.Clone(m.selected)
	for _, i := range m.visible() {
		row := m.rows[i]
		if on && row.Selectable() {
			m.selected[row.ID] = true
		} else if !on {
			delete(m.selected, row.ID)
		}
	}

	return m
}

// confirm ends the question if the choice obeys the rules, and otherwise
// says which rule it breaks.
func (m SelectTableModel) confirm() (tea.Model, tea.Cmd) {
	if !m.q.Multi {
		// Enter chooses the row under the cursor; one that cannot be
		// chosen says why rather than falling back to an earlier choice.
		row, ok := m.cursorRow()
		if ok && !row.Selectable() {
			m.message = "This " + m.q.Noun + " cannot be selected: " + row.Disabled
			return m, nil
		}

		if ok {
			m.selected = map[string]bool{row.ID: true}
		}
	}

	m.message = m.checkRules()
	if m.message != "" {
		return m, nil
	}

	if m.q.Validate != nil {
		if err := m.q.Validate(m.Selected()); err != nil {
			m.message = err.Error()
			return m, nil
		}
	}

	m.done = true
	return m, tea.Quit
}

// Selected returns the chosen rows in table order.
func (m SelectTableModel) Selected() []Row {
	var rows []Row
	for _, r := range m.rows {
		if m.selected[r.ID] {
			rows = append(rows, r)
		}
	}

	return rows
}

// Rows returns every row, in table order.
func (m SelectTableModel) Rows() []Row {
	return slices.Clone(m.rows)
}

// Done reports whether the operator confirmed a valid choice.
func (m SelectTableModel) Done() bool {
	return m.done
}

// Cancelled reports whether the operator pressed Esc or Ctrl-C.
func (m SelectTableModel) Cancelled() bool {
	return m.cancelled
}

// Message is the inline error shown under the table ("" when none).
func (m SelectTableModel) Message() string {
	return m.message
}

// Filter is the text typed to filter rows.
func (m SelectTableModel) Filter() string {
	return string(m.filter)
}

// CursorID is the ID of the row under the cursor ("" with no visible row).
func (m SelectTableModel) CursorID() string {
	row, ok := m.cursorRow()
	if !ok {
		return ""
	}

	return row.ID
}

func clamp(v, low, high int) int {
	if v > high {
		v = high
	}

	if v < low {
		v = low
	}

	return v
}
