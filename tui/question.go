package tui

import (
	"bufio"
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
	Validate    func(string) error
}

// textModel is the bubbletea model of a TextQuestion. Update and View are
// pure: tests drive them with messages.
type textModel struct {
	q         TextQuestion
	input     textinput.Model
	err       error
	value     string
	done      bool
	cancelled bool
}

func newTextModel(q TextQuestion) textModel {
	in := textinput.New()
	in.Placeholder = q.Placeholder
	in.Prompt = ""
	in.Focus()
	return textModel{q: q, input: in}
}

func (m textModel) Init() tea.Cmd {
	return textinput.Blink
}

func (m textModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if key, ok := msg.(tea.KeyMsg); ok {
		switch key.Type {
		case tea.KeyEsc, tea.KeyCtrlC:
			m.cancelled = true
			return m, tea.Quit
		case tea.KeyEnter:
			value := strings.TrimSpace(m.input.Value())
			if value == "" {
				value = m.q.Default
			}

			if m.q.Validate != nil {
				m.err = m.q.Validate(value)
				if m.err != nil {
					return m, nil
				}
			}

			m.value, m.done = value, true
			return m, tea.Quit
		}
	}

	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	m.err = nil
	return m, cmd
}

func (m textModel) View() string {
	var b strings.Builder
	b.WriteString(Styles.Question.Render(m.q.Prompt))
	if m.q.Default != "" {
		b.WriteString(Styles.Hint.Render(" [default=" + m.q.Default + "]"))
	}

	b.WriteString(": ")
	if m.done {
		b.WriteString(m.value + "\n")
		return b.String()
	}

	b.WriteString(m.input.View())
	b.WriteString("\n")
	if m.err != nil {
		b.WriteString(Styles.Error.Render("  " + m.err.Error()))
		b.WriteString("\n")
	}

	return b.String()
}

// IsTerminal reports whether f is a terminal.
func IsTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}

// Ask runs a question. On a terminal it is interactive; otherwise one line
// is read from in (so that answers can be piped), validated the same way.
func Ask(in io.Reader, out io.Writer, q TextQuestion) (string, error) {
	f, isFile := in.(*os.File)
	if !isFile || !IsTerminal(f) {
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && (err != io.EOF || line == "") {
			return "", fmt.Errorf("No answer to %q on standard input", q.Prompt)
		}

		value := strings.TrimSpace(line)
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

	final, err := tea.NewProgram(newTextModel(q), tea.WithInput(in), tea.WithOutput(out)).Run()
	if err != nil {
		return "", err
	}

	m := final.(textModel)
	if m.cancelled {
		return "", ErrCancelled
	}

	return m.value, nil
}
