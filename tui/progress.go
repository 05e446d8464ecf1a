package tui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/report"
)

// ProgressMsg brings one executor event into the live view (see
// ProgramReporter, which turns a Reporter call into this message).
type ProgressMsg report.Event

// ProgressDoneMsg ends the live view: the executor returned Err.
type ProgressDoneMsg struct {
	Err error
}

// maxFailureLines bounds the failures listed under the table; the cells
// show every one.
const maxFailureLines = 3

// progressCell is one service on one system.
type progressCell struct {
	system  string
	service types.ServiceType
}

// ProgressModel is the live view of a cloud forming: one row per system,
// one column per service in formation order, the current step, failures.
type ProgressModel struct {
	title    string
	systems  []string
	states   map[progressCell]report.State
	step     report.Event
	hasStep  bool
	failures []string
	err      error
	spinner  spinner.Model

	width  int
	height int

	// interrupt is run on the first Ctrl-C: the runner cancels the
	// executor's context, so that it stops after the current step.
	interrupt tea.Cmd
	stopping  bool
	abandoned bool
	done      bool
}

// NewProgress builds the view for systems (more appear if events name them).
func NewProgress(title string, systems []string) ProgressModel {
	return ProgressModel{
		title:   title,
		systems: slices.Clone(systems),
		states:  map[progressCell]report.State{},
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		width:   DefaultWidth,
		height:  DefaultHeight,
	}
}

// WithInterrupt sets the command run on the first Ctrl-C; a second Ctrl-C
// leaves the view at once.
func (m ProgressModel) WithInterrupt(cmd tea.Cmd) ProgressModel {
	m.interrupt = cmd
	return m
}

// Init starts the spinner.
func (m ProgressModel) Init() tea.Cmd {
	return m.spinner.Tick
}

// Update applies events, the end, Ctrl-C, spinner ticks and the size.
func (m ProgressModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case spinner.TickMsg:
		if m.done {
			return m, nil
		}

		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case ProgressMsg:
		m = m.apply(report.Event(msg))
	case ProgressDoneMsg:
		m.done, m.err = true, msg.Err
		return m, tea.Quit
	case tea.KeyMsg:
		if msg.Type != tea.KeyCtrlC || m.done {
			return m, nil
		}

		if m.stopping {
			m.abandoned = true
			return m, tea.Quit
		}

		m.stopping = true
		return m, m.interrupt
	}

	return m, nil
}

func (m ProgressModel) apply(e report.Event) ProgressModel {
	if e.System != "" && !slices.Contains(m.systems, e.System) {
		m.systems = append(slices.Clone(m.systems), e.System)
	}

	if e.System != "" && slices.Contains(types.AllServices, e.Service) {
		m.states = maps.Clone(m.states)
		m.states[progressCell{e.System, e.Service}] = e.State
	}

	if e.State != report.Pending {
		m.step, m.hasStep = e, true
	}

	if e.State == report.Failed {
		m.failures = append(slices.Clone(m.failures), e.String())
	}

	return m
}

// State is the state of a service on a system (Pending when never reported).
func (m ProgressModel) State(system string, service types.ServiceType) report.State {
	return m.states[progressCell{system, service}]
}

// Stopping reports whether Ctrl-C was pressed once.
func (m ProgressModel) Stopping() bool {
	return m.stopping
}

// Abandoned reports whether Ctrl-C was pressed twice: the view quit without
// waiting for the executor.
func (m ProgressModel) Abandoned() bool {
	return m.abandoned
}

// Done reports whether the executor finished.
func (m ProgressModel) Done() bool {
	return m.done
}

// View draws the table, the current step, failures and the end.
func (m ProgressModel) View() string {
	var lines []string
	for _, l := range wrap(m.title, m.width) {
		lines = append(lines, Styles.Question.Render(l))
	}

	lines = append(lines, "")
	lines = append(lines, m.tableLines()...)
	lines = append(lines, "")
	// A failed step is listed with the failures below, not twice.
	if m.hasStep && m.step.State != report.Failed {
		lines = append(lines, m.symbol(m.step.State)+" "+truncate(m.step.String(), m.width-2))
	}

	lines = append(lines, m.footerLines()...)
	for i, l := range lines {
		lines[i] = fitStyled(l, m.width)
	}

	return strings.Join(lines, "\n") + "\n"
}

func (m ProgressModel) footerLines() []string {
	var lines []string
	failures := m.failures
	if len(failures) > maxFailureLines {
		lines = append(lines, Styles.Error.Render(fmt.Sprintf("%d failures, the last ones:", len(failures))))
		failures = failures[len(failures)-maxFailureLines:]
	}

	for _, f := range failures {
		lines = append(lines, Styles.Error.Render("✗ "+truncate(f, m.width-2)))
	}

	switch {
	case m.done && m.stopping && errors.Is(m.err, context.Canceled):
		lines = append(lines, Styles.Warning.Render("Stopped"))
	case m.done && m.err != nil:
		for _, l := range wrap("Error: "+m.err.Error(), m.width) {
			lines = append(lines, Styles.Error.Render(l))
		}
	case m.done:
		lines = append(lines, Styles.Success.Render("Done"))
	case m.stopping:
		lines = append(lines, Styles.Warning.Render(truncate("Stopping after the current step… (ctrl-c again: quit now)", m.width)))
	default:
		lines = append(lines, Styles.Hint.Render("ctrl-c: stop"))
	}

	return lines
}

// tableLines draws the header and as many system rows as the height allows;
// the rest are counted on one line.
func (m ProgressModel) tableLines() []string {
	services := types.AllServices
	narrow := m.width < 18+len(services)*12
	cellW := 10
	headers := make([]string, len(services))
	for i, s := range services {
		headers[i] = string(s)
		if narrow {
			headers[i] = strings.TrimPrefix(string(s), "Micro")
		}
	}

	if narrow {
		cellW = 5
	}

	nameW := len("SYSTEM")
	for _, s := range m.systems {
		nameW = max(nameW, cellWidth(s))
	}

	nameW = min(nameW, max(1, m.width-len(services)*(cellW+columnGap)))
	header := pad("SYSTEM", nameW)
	for _, h := range headers {
		header += strings.Repeat(" ", columnGap) + pad(h, cellW)
	}

	lines := []string{Styles.Header.Render(strings.TrimRight(header, " "))}
	shown := m.systems
	if room := m.rowRoom(); len(shown) > room {
		shown = shown[:max(0, room-1)]
	}

	for _, system := range shown {
		line := pad(truncate(system, nameW), nameW)
		for _, s := range services {
			line += strings.Repeat(" ", columnGap) + m.cellText(m.State(system, s), cellW, narrow)
		}

		lines = append(lines, strings.TrimRight(line, " "))
	}

	if hidden := len(m.systems) - len(shown); hidden > 0 {
		lines = append(lines, Styles.Hint.Render(fmt.Sprintf("… and %d more systems", hidden)))
	}

	return lines
}

// rowRoom is how many system rows fit the height with the other lines.
func (m ProgressModel) rowRoom() int {
	fixed := len(wrap(m.title, m.width)) + 1 + 1 + 1 + 1 + 1 + min(len(m.failures), maxFailureLines+1)
	if m.done && m.err != nil {
		fixed += len(wrap("Error: "+m.err.Error(), m.width))
	}

	return max(3, m.height-fixed-1)
}

func (m ProgressModel) cellText(state report.State, width int, narrow bool) string {
	text := m.symbol(state)
	if !narrow {
		text += " " + state.String()
	}

	text = pad(text, width)
	switch state {
	case report.Done:
		return Styles.Success.Render(text)
	case report.Failed:
		return Styles.Error.Render(text)
	case report.Running:
		return Styles.Cursor.Render(text)
	}

	return Styles.Hint.Render(text)
}

func (m ProgressModel) symbol(state report.State) string {
	switch state {
	case report.Running:
		if m.done {
			return "…"
		}

		return m.spinner.View()
	case report.Done:
		return "✓"
	case report.Failed:
		return "✗"
	case report.Skipped:
		return "–"
	}

	return "·"
}
