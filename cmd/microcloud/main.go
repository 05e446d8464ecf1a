// Command microcloud drives microcloudd: it forms and inspects the cloud.
// Each command is cobra wiring: flags into options, then a use case of
// lifecycle/ (or a call of the daemon's client) with injected I/O.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/lifecycle"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/report"
	"github.com/microcloud-project/microcloud/tui"
	"github.com/microcloud-project/microcloud/version"
)

// globals are shared by every command.
type globals struct {
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	stateDir string
	noColor  bool
}

// client connects to the local microcloudd.
func (g *globals) client() (*client.Client, error) {
	return client.Local(g.stateDir)
}

// env is the world of the lifecycle use cases: the streams, the local
// daemon, this host, and the terminal's progress view.
func (g *globals) env() (*lifecycle.Env, error) {
	local, err := g.client()
	if err != nil {
		return nil, err
	}

	env, err := lifecycle.HostEnv(lifecycle.Env{In: g.stdin, Out: g.stdout, Err: g.stderr, Backend: lifecycle.DaemonBackend{Local: local}, StateDir: g.stateDir,
		Progress: func(ctx context.Context, title string, systems []string, fn func(context.Context, report.Reporter) error) error {
			return tui.RunProgress(ctx, g.stdin, g.stdout, title, systems, fn)
		}})
	return &env, err
}

func main() {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}

// run executes one command line and returns the exit status. Errors are
// printed as one line on stderr, never as usage dumps or stack traces.
func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, stderr io.Writer) int {
	g := &globals{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCommand(g)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)

	err := root.ExecuteContext(ctx)
	if errors.Is(err, tui.ErrCancelled) {
		// The operator's own choice is not an error to report.
		fmt.Fprintln(stderr, oneLine(err.Error()))
		return 1
	}

	if err != nil {
		fmt.Fprintln(stderr, "Error: "+oneLine(err.Error()))
		return 1
	}

	return 0
}

func newRootCommand(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "microcloud",
		Short: "Form and manage a MicroCloud: LXD, MicroOVN and MicroCeph clustered across machines",
		Long: `microcloud forms a cloud out of machines running LXD (and optionally MicroOVN
and MicroCeph): it finds the machines, lets you choose their networks and disks,
then clusters every service and configures LXD storage, networks and profiles.
It drives microcloudd, the daemon that runs on every machine.`,
		Version:       version.Version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// 'microcloud completion bash|zsh|fish' (and powershell).
		CompletionOptions: cobra.CompletionOptions{},
		PersistentPreRun: func(*cobra.Command, []string) {
			if g.noColor {
				tui.DisableColor()
			}
		},
	}

	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().StringVar(&g.stateDir, "state-dir", service.DefaultMicroCloudStateDir(), "microcloudd's state directory")
	root.PersistentFlags().BoolVar(&g.noColor, "no-color", false, "no colours (as NO_COLOR=1 does)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w (see '%s --help')", err, cmd.CommandPath())
	})

	root.AddCommand(
		newVersionCommand(g),
		newWaitReadyCommand(g),
		newShutdownCommand(g),
		newClusterCommand(g),
		newServiceCommand(g),
		newJoinCommand(g),
		newInitCommand(g),
		newAddCommand(g),
		newRemoveCommand(g),
		newStatusCommand(g),
		newPreseedCommand(g),
		newDocsCommand(g),
	)

	completeFormats(root)
	return root
}

func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return fmt.Errorf("%s takes %s (got %d arguments)", cmd.CommandPath(), what, len(args))
		}

		return nil
	}
}

// oneLine folds a multi-line error (cobra's suggestions, wrapped service
// errors) into a single line.
func oneLine(s string) string {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == '\t' })
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}

	return strings.Join(fields, " ")
}

// exactArgs is cobra.ExactArgs with a message that says what is missing.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%s takes %s (got %d arguments)", cmd.CommandPath(), what, len(args))
		}

		return nil
	}
}
