// Package labsvc is what the lab's service daemons (lab MicroOVN, lab
// MicroCeph) share: they are microcluster apps like the real ones, with the
// real ones' state-dir layout ($COMMON/state, $COMMON/data, $COMMON/logs),
// and they drive real programs (OVN/OVS, Ceph) as supervised child processes.
package labsvc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/canonical/lxd/lxd/db/schema"
	"github.com/canonical/microcluster/v2/microcluster"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"
	"github.com/spf13/cobra"
)

// Service describes one lab daemon.
type Service struct {
	// Version is what GET /core/1.0 reports: the version of the real
	// program the service drives.
	Version       string
	APIExtensions []string
	Servers       map[string]rest.Server
	Hooks         *state.Hooks
	Schema        []schema.Update
}

// Dirs is a lab service's directory layout, modelled on the snaps'
// $SNAP_COMMON: state/ is microcluster's, data/ the service's own files,
// logs/ the logs of the programs it runs.
type Dirs struct {
	Common string
	State  string
	Data   string
	Logs   string
}

// NewDirs derives the layout from the state dir, which must be <common>/state.
func NewDirs(stateDir string) (Dirs, error) {
	abs, err := filepath.Abs(stateDir)
	if err != nil {
		return Dirs{}, err
	}

	common := filepath.Dir(abs)
	d := Dirs{Common: common, State: abs, Data: filepath.Join(common, "data"), Logs: filepath.Join(common, "logs")}
	for _, dir := range []string{d.State, d.Data, d.Logs} {
		err := os.MkdirAll(dir, 0o711)
		if err != nil {
			return Dirs{}, err
		}
	}

	return d, nil
}

// Main runs a lab service daemon: flags --state-dir, --verbose, --debug; the
// build function turns the directory layout into the Service.
func Main(name string, build func(ctx context.Context, dirs Dirs) (*Service, error)) {
	var stateDir string
	var verbose, debug bool
	cmd := &cobra.Command{
		Use:           name,
		Short:         "Lab " + name + ": serves the service's API over real programs, for the MicroCloud lab",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dirs, err := NewDirs(stateDir)
			if err != nil {
				return err
			}

			svc, err := build(cmd.Context(), dirs)
			if err != nil {
				return err
			}

			app, err := microcluster.App(microcluster.Args{StateDir: dirs.State})
			if err != nil {
				return err
			}

			return app.Start(cmd.Context(), microcluster.DaemonArgs{
				Verbose:          verbose,
				Debug:            debug,
				Version:          svc.Version,
				APIExtensions:    svc.APIExtensions,
				ExtensionServers: svc.Servers,
				ExtensionsSchema: svc.Schema,
				Hooks:            svc.Hooks,
			})
		},
	}

	cmd.Flags().StringVar(&stateDir, "state-dir", "", "microcluster state directory (<common>/state)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "log informational messages")
	cmd.Flags().BoolVarP(&debug, "debug", "d", false, "log debug messages")
	_ = cmd.MarkFlagRequired("state-dir")
	err := cmd.ExecuteContext(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error: "+err.Error())
		os.Exit(1)
	}
}

// DefaultTimeout bounds every command a lab service runs.
const DefaultTimeout = 60 * time.Second

// Run runs a program to completion within DefaultTimeout (or ctx) and
// returns its trimmed standard output. The error names the command and
// carries its standard error.
func Run(ctx context.Context, name string, args ...string) (string, error) {
	return RunEnv(ctx, nil, name, args...)
}

// RunEnv is Run with extra environment variables.
func RunEnv(ctx context.Context, env []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()

	cmd := commandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr strings.Builder
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = strings.TrimSpace(stdout.String())
		}

		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, msg)
	}

	return strings.TrimSpace(stdout.String()), nil
}
