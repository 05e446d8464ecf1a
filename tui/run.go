package tui

import (
	"context"
	"errors"
	"io"
	"os"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/microcloud-project/microcloud/service/report"
)

// ErrNoTerminal is what RequireTerminal's errors match (errors.Is).
var ErrNoTerminal = errors.New("not a terminal")

type noTerminalError struct {
	command string
}

func (e noTerminalError) Error() string {
	return e.command + " needs a terminal; use --preseed FILE or --auto"
}

func (e noTerminalError) Is(target error) bool {
	return target == ErrNoTerminal
}

// RequireTerminal refuses to start the interactive init when standard input
// or output is not a terminal, saying what to do instead.
func RequireTerminal(stdin io.Reader, stdout io.Writer) error {
	return RequireTerminalFor("microcloud init", stdin, stdout)
}

// RequireTerminalFor is RequireTerminal for another command ("microcloud add").
func RequireTerminalFor(command string, stdin io.Reader, stdout io.Writer) error {
	if !isTerminalReader(stdin) || !isTerminalWriter(stdout) {
		return noTerminalError{command: command}
	}

	return nil
}

func isTerminalReader(in io.Reader) bool {
	f, ok := in.(*os.File)
	return ok && IsTerminal(f)
}

func isTerminalWriter(out io.Writer) bool {
	f, ok := out.(*os.File)
	return ok && IsTerminal(f)
}

// NewProgram makes a bubbletea program on the given input and output (a
// nil input: no keys are read). Use it to compose components in a model of
// your own, or to Send messages to one.
func NewProgram(in io.Reader, out io.Writer, m tea.Model, opts ...tea.ProgramOption) *tea.Program {
	return tea.NewProgram(m, append([]tea.ProgramOption{tea.WithInput(in), tea.WithOutput(out)}, opts...)...)
}

// runModel runs m to the end. A SIGINT (Ctrl-C when the input is not in raw
// mode) is a cancellation like Esc.
func runModel(in io.Reader, out io.Writer, m tea.Model) (tea.Model, error) {
	final, err := NewProgram(in, out, m).Run()
	if errors.Is(err, tea.ErrInterrupted) {
		return final, ErrCancelled
	}

	return final, err
}

// RunSelectTable asks q and returns the chosen rows in table order, or
// ErrCancelled. Messages from feed (AddRowMsg, UpdateRowMsg, RemoveRowMsg;
// nil: none) reach the table while it runs: discovery sends peers as they
// answer. Once the table is done the feed is no longer read, so senders
// must not block forever on it (select on a context, or buffer it).
func RunSelectTable(in io.Reader, out io.Writer, q SelectTable, feed <-chan tea.Msg) ([]Row, error) {
	p := NewProgram(in, out, NewSelectTable(q))
	stop := make(chan struct{})
	defer close(stop)
	if feed != nil {
		go forward(p, feed, stop)
	}

	final, err := p.Run()
	if errors.Is(err, tea.ErrInterrupted) {
		return nil, ErrCancelled
	}

	if err != nil {
		return nil, err
	}

	m := final.(SelectTableModel)
	if m.Cancelled() {
		return nil, ErrCancelled
	}

	return m.Selected(), nil
}

// forward sends the feed's messages to the program, in order, until the
// feed is closed or the program ended.
func forward(p *tea.Program, feed <-chan tea.Msg, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case msg, ok := <-feed:
			if !ok {
				return
			}

			p.Send(msg)
		}
	}
}

// ProgramReporter is a Reporter that feeds a running progress view: the
// executor calls Report without knowing about bubbletea.
func ProgramReporter(p *tea.Program) report.Reporter {
	return report.Func(func(e report.Event) {
		p.Send(ProgressMsg(e))
	})
}

// RunProgress runs the executor's work with a live view on a terminal, or
// with PlainProgress lines when out is not one, and returns run's error.
//
// The first Ctrl-C cancels run's context (the executor stops after its
// current step; the error it returns is given back, ErrCancelled when it is
// just the cancellation); a second one leaves at once with ErrCancelled.
func RunProgress(ctx context.Context, in io.Reader, out io.Writer, title string, systems []string, run func(context.Context, report.Reporter) error) error {
	if !isTerminalWriter(out) {
		return cancelled(run(ctx, PlainProgress(out)))
	}

	if !isTerminalReader(in) {
		// Keys cannot be read (the preseed came on stdin); Ctrl-C then
		// arrives as SIGINT, which the program turns into ErrInterrupted.
		in = nil
	}

	return runProgressProgram(ctx, in, out, NewProgress(title, systems), run)
}

func runProgressProgram(ctx context.Context, in io.Reader, out io.Writer, m ProgressModel, run func(context.Context, report.Reporter) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	p := NewProgram(in, out, m.WithInterrupt(func() tea.Msg {
		cancel()
		return nil
	}))

	result := make(chan error, 1)
	go func() {
		err := run(ctx, ProgramReporter(p))
		result <- err
		p.Send(ProgressDoneMsg{Err: err})
	}()

	final, err := p.Run()
	if err != nil {
		// The view is gone (SIGINT, or it could not start): stop the
		// executor and wait for it, so that it ends at a step boundary.
		cancel()
		runErr := <-result
		if errors.Is(err, tea.ErrInterrupted) {
			return ErrCancelled
		}

		return errors.Join(err, runErr)
	}

	if final.(ProgressModel).Abandoned() {
		return ErrCancelled
	}

	return cancelled(<-result)
}

// cancelled turns the executor's "context canceled" into ErrCancelled.
func cancelled(err error) error {
	if errors.Is(err, context.Canceled) {
		return ErrCancelled
	}

	return err
}
