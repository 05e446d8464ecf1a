// Package wizard is the interactive `microcloud init`: the questions that
// turn the systems' facts into a plan.Plan, each answer checked at once by
// the same validator a preseed file goes through.
package wizard

import (
	"fmt"
	"io"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/microcloud-project/microcloud/tui"
)

// Asker puts questions to the operator. Terminal asks on a terminal; the
// tests script the answers, so the flow is tested as pure logic.
type Asker interface {
	// Select asks a table question and returns the chosen rows' IDs. feed
	// (nil: none) brings live rows (tui.AddRowMsg, UpdateRowMsg, ...).
	Select(q tui.SelectTable, feed <-chan tea.Msg) ([]string, error)
	Text(q tui.TextQuestion) (string, error)
	Confirm(q tui.ConfirmQuestion) (bool, error)

	// Say prints a line of information between questions.
	Say(format string, args ...any)
}

// Terminal is the Asker of a real terminal.
type Terminal struct {
	In  io.Reader
	Out io.Writer
}

// Select runs a selection table.
func (t Terminal) Select(q tui.SelectTable, feed <-chan tea.Msg) ([]string, error) {
	rows, err := tui.RunSelectTable(t.In, t.Out, q, feed)
	if err != nil {
		return nil, err
	}

	return rowIDs(rows), nil
}

// Text runs a text question.
func (t Terminal) Text(q tui.TextQuestion) (string, error) {
	return tui.Ask(t.In, t.Out, q)
}

// Confirm runs a yes/no question.
func (t Terminal) Confirm(q tui.ConfirmQuestion) (bool, error) {
	return tui.Confirm(t.In, t.Out, q)
}

// Say prints a line, wrapped to the terminal so that words stay whole.
func (t Terminal) Say(format string, args ...any) {
	fmt.Fprint(t.Out, tui.Paragraph(fmt.Sprintf(format, args...), tui.Width(t.Out)))
}
