package tui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"golang.org/x/term"
)

// ErrCancelled is returned when the operator presses Esc or Ctrl-C.
var ErrCancelled = errors.New("Cancelled")

// TextQuestion asks for one line of text.
type TextQuestion struct {
	Prompt      string
	Default     string
	Placeholder string
	// Validate checks the answer (after the default is applied) when Enter
	// is pressed; its error is shown under the question, which stays open.
	Validate func(string) error
	// Secret hides what is typed (and the answer, once given).
	Secret bool
}

// TextModel is the bubbletea model of a TextQuestion. Update and View are
// pure: tests drive them with messages.
type TextModel struct {
	q         TextQuestion
	input     textinput.Model
	err       error
	value     string
	width     int
	done      bool
	cancelled bool
}

// NewTextModel builds the model of q.
func NewTextModel(q TextQuestion) TextModel {
	in := textinput.New()
	in.Placeholder = q.Placeholder
	in.PlaceholderStyle = Styles.Hint
	in.Prompt = ""
	if q.Secret {
		in.EchoMode = textinput.EchoPassword
		in.EchoCharacter = '•'
	}

	in.Focus()
	m := TextModel{q: q, input: in, width: DefaultWidth}
	m.input.Width = m.inputRoom()
	return m
}

// inputRoom is the width the input scrolls in: what is left on the
// question's last line, or a line of its own. The input needs it in Update,
// not only in View, to keep the cursor in sight as the text grows.
func (m TextModel) inputRoom() int {
	_, room := promptLayout(m.q.Prompt, m.q.Default, m.width)
	if room < minAnswerRoom {
		room = m.width - 2
	}

	return max(1, room-2)
}

// Init starts the cursor blinking.
func (m TextModel) Init() tea.Cmd {
	return textinput.Blink
}

// Update handles Enter (default, then validation), Esc/Ctrl-C and editing.
func (m TextModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.done || m.cancelled {
		return m, nil
	}

	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width = msg.Width
		m.input.Width = m.inputRoom()
		return m, nil
	case tea.KeyMsg:
		switch msg.Type {
		case tea.KeyEsc, tea.KeyCtrlC:
			m.cancelled = true
			return m, tea.Quit
		case tea.KeyEnter:
			value, err := m.q.answer(m.input.Value())
			if err != nil {
				m.err = err
				return m, nil
			}

			m.value, m.done = value, true
			return m, tea.Quit
		}

		m.err = nil
	}

	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd
}

// answer applies the default and the validation to what was typed.
func (q TextQuestion) answer(typed string) (string, error) {
	value := strings.TrimSpace(typed)
	if value == "" {
		value = q.Default
	}

	if q.Validate != nil {
		err := q.Validate(value)
		if err != nil {
			return "", err
		}
	}

	return value, nil
}

// View shows the question (wrapped to the width), the input and, after a
// refused answer, why.
func (m TextModel) View() string {
	lines, room := promptLayout(m.q.Prompt, m.q.Default, m.width)
	answer := ""
	switch {
	case m.done && m.q.Secret:
		answer = strings.Repeat("•", min(8, len(m.value)))
	case m.done:
		answer = m.value
	case !m.cancelled:
		if room < minAnswerRoom {
			lines = append(lines, "  ")
		}

		answer = m.input.View()
	}

	if m.done && cellWidth(answer) > room {
		lines = append(lines, "  ")
		room = m.width - 2
	}

	if m.done {
		answer = truncate(answer, room)
	}

	lines[len(lines)-1] += answer
	if m.err != nil {
		for _, l := range wrap(m.err.Error(), m.width-2) {
			lines = append(lines, Styles.Error.Render("  "+l))
		}
	}

	return strings.Join(lines, "\n") + "\n"
}

// Value is the answer (valid once Done).
func (m TextModel) Value() string {
	return m.value
}

// Done reports whether the question was answered.
func (m TextModel) Done() bool {
	return m.done
}

// Cancelled reports whether the operator pressed Esc or Ctrl-C.
func (m TextModel) Cancelled() bool {
	return m.cancelled
}

// IsTerminal reports whether f is a terminal.
func IsTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}

// Ask runs a question. On a terminal it is interactive; otherwise one line
// is read from in (so that answers can be piped), validated the same way.
func Ask(in io.Reader, out io.Writer, q TextQuestion) (string, error) {
	if !isTerminalReader(in) {
		line, err := readLine(in)
		if err != nil {
			return "", fmt.Errorf("No answer to %q on standard input", q.Prompt)
		}

		return q.answer(line)
	}

	final, err := runModel(in, out, NewTextModel(q))
	if err != nil {
		return "", err
	}

	m := final.(TextModel)
	if m.cancelled {
		return "", ErrCancelled
	}

	return m.value, nil
}

// readLine reads one line, a byte at a time: a buffered reader would take
// the following answers from a pipe with it, and the next question would
// find nothing. A last line without a newline counts; no input at all is an
// error.
func readLine(in io.Reader) (string, error) {
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := in.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				return strings.TrimSuffix(string(line), "\r"), nil
			}

			line = append(line, b[0])
		}

		if err != nil {
			if errors.Is(err, io.EOF) && len(line) > 0 {
				return string(line), nil
			}

			return "", err
		}
	}
}
