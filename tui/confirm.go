package tui

import (
	"fmt"
	"io"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// ConfirmQuestion is a yes/no question, shown as
// "Prompt (yes/no) [default=yes]: ".
type ConfirmQuestion struct {
	Prompt  string
	Default bool
}

// ParseYesNo reads an answer: y, yes, n, no in any case, or nothing for the
// default.
func ParseYesNo(answer string, def bool) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "":
		return def, nil
	case "y", "yes":
		return true, nil
	case "n", "no":
		return false, nil
	}

	return false, fmt.Errorf("Please answer yes or no (not %q)", strings.TrimSpace(answer))
}

// ConfirmModel is the bubbletea model of a ConfirmQuestion: the operator
// types an answer and presses Enter, as in the reference's prompts.
type ConfirmModel struct {
	q         ConfirmQuestion
	typed     []rune
	err       error
	value     bool
	width     int
	done      bool
	cancelled bool
}

// NewConfirm builds the model of q.
func NewConfirm(q ConfirmQuestion) ConfirmModel {
	return ConfirmModel{q: q, width: DefaultWidth}
}

// Init starts nothing.
func (m ConfirmModel) Init() tea.Cmd {
	return nil
}

// Update handles typing, Enter (parse, or say what is wrong) and Esc/Ctrl-C.
func (m ConfirmModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.done || m.cancelled {
		return m, nil
	}

	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width = msg.Width
	case tea.KeyMsg:
		switch msg.Type {
		case tea.KeyEsc, tea.KeyCtrlC:
			m.cancelled = true
			return m, tea.Quit
		case tea.KeyEnter:
			m.value, m.err = ParseYesNo(string(m.typed), m.q.Default)
			if m.err != nil {
				return m, nil
			}

			m.done = true
			return m, tea.Quit
		case tea.KeyBackspace:
			if len(m.typed) > 0 {
				m.typed = m.typed[:len(m.typed)-1]
			}
		case tea.KeyCtrlU:
			m.typed = nil
		case tea.KeyRunes, tea.KeySpace:
			if !msg.Alt {
				m.typed = append(append([]rune(nil), m.typed...), msg.Runes...)
			}
		}

		if msg.Type != tea.KeyEnter {
			m.err = nil
		}
	}

	return m, nil
}

// View shows the question, what was typed and, after a bad answer, why it
// was refused; once answered, the answer.
func (m ConfirmModel) View() string {
	shown := string(m.typed) + "█"
	switch {
	case m.done && m.value:
		shown = "yes"
	case m.done:
		shown = "no"
	case m.cancelled:
		shown = string(m.typed)
	}

	lines := promptLines(m.q.Prompt+" (yes/no)", yesNo(m.q.Default), shown, m.width)
	if m.err != nil && !m.done {
		for _, l := range wrap(m.err.Error(), m.width-2) {
			lines = append(lines, Styles.Error.Render("  "+l))
		}
	}

	return strings.Join(lines, "\n") + "\n"
}

// Value is the answer (valid once Done).
func (m ConfirmModel) Value() bool {
	return m.value
}

// Done reports whether the question was answered.
func (m ConfirmModel) Done() bool {
	return m.done
}

// Cancelled reports whether the operator pressed Esc or Ctrl-C.
func (m ConfirmModel) Cancelled() bool {
	return m.cancelled
}

// Confirm asks a yes/no question. On a terminal it is interactive;
// otherwise one line is read from in, so that answers can be piped.
func Confirm(in io.Reader, out io.Writer, q ConfirmQuestion) (bool, error) {
	if !isTerminalReader(in) {
		line, err := readLine(in)
		if err != nil {
			return false, fmt.Errorf("No answer to %q on standard input", q.Prompt)
		}

		return ParseYesNo(line, q.Default)
	}

	final, err := runModel(in, out, NewConfirm(q))
	if err != nil {
		return false, err
	}

	m := final.(ConfirmModel)
	if m.cancelled {
		return false, ErrCancelled
	}

	return m.value, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}

	return "no"
}
