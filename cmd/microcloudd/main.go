// Command microcloudd is the MicroCloud daemon that runs on every machine.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/daemon"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/tui/clidoc"
	"github.com/microcloud-project/microcloud/version"
)

// referenceTitle heads doc/reference/microcloudd.md.
const referenceTitle = "microcloudd command reference"

// defaultConfig is the daemon's configuration before its flags.
func defaultConfig() daemon.Config {
	return daemon.Config{Paths: service.DefaultPaths(), SessionAddress: fmt.Sprintf("[::]:%d", daemon.DefaultPort)}
}

func main() {
	config := defaultConfig()
	cmd := newRootCommand(&config)
	cmd.AddCommand(&cobra.Command{
		Use:    "__docs man DIR | markdown FILE",
		Hidden: true,
		Args:   cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			fresh := defaultConfig()
			return writeDocs(newRootCommand(&fresh), args[0], args[1])
		},
	})

	err := cmd.ExecuteContext(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error: "+strings.ReplaceAll(err.Error(), "\n", " "))
		os.Exit(1)
	}
}

// newRootCommand is microcloudd's command line, filling config.
func newRootCommand(config *daemon.Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "microcloudd",
		Short: "The MicroCloud daemon",
		Long: `microcloudd runs on every machine of a MicroCloud (a systemd service of the Debian
package, a snap service). It keeps MicroCloud's own cluster database, answers the
'microcloud' client on its control socket, takes part in discovery sessions, and reaches
this machine's LXD, MicroOVN and MicroCeph on their local sockets.`,
		Version:           version.Version(),
		Args:              cobra.NoArgs,
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return daemon.Run(cmd.Context(), *config)
		},
	}

	cmd.SetVersionTemplate("{{.Version}}\n")
	flags := cmd.Flags()
	flags.StringVar(&config.Paths.MicroCloudStateDir, "state-dir", config.Paths.MicroCloudStateDir, "state directory (env MICROCLOUD_STATE_DIR)")
	flags.BoolVarP(&config.Verbose, "verbose", "v", false, "log informational messages")
	flags.BoolVarP(&config.Debug, "debug", "d", false, "log debug messages")
	flags.StringVar(&config.Paths.LXDSocket, "lxd-socket", config.Paths.LXDSocket, "LXD's unix socket (env LXD_DIR sets its directory)")
	flags.StringVar(&config.Paths.MicroOVNStateDir, "microovn-state-dir", config.Paths.MicroOVNStateDir, "MicroOVN's state directory")
	flags.StringVar(&config.Paths.MicroCephStateDir, "microceph-state-dir", config.Paths.MicroCephStateDir, "MicroCeph's state directory")
	flags.DurationVar(&config.HeartbeatInterval, "heartbeat", 0, "interval between cluster heartbeats (default 10s)")
	flags.StringVar(&config.SessionAddress, "session-address", config.SessionAddress, "where joining machines reach this daemon before it is part of a MicroCloud (empty: nowhere)")
	flags.StringVar(&config.ServiceControl, "service-control", "", "program run as 'PROGRAM stop|start DAEMON' to stop and start this machine's daemons during 'microcloud cluster recover' (default: the snaps' systemd units)")
	cmd.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w (see 'microcloudd --help')", err)
	})

	return cmd
}

// writeDocs writes the man page into a directory, or the Markdown
// reference to a file.
func writeDocs(root *cobra.Command, kind string, target string) error {
	switch kind {
	case "man":
		err := os.MkdirAll(target, 0o755)
		if err != nil {
			return err
		}

		for name, text := range clidoc.Man(root, "8", "microcloud "+version.Version()) {
			err := os.WriteFile(filepath.Join(target, name), text, 0o644)
			if err != nil {
				return err
			}
		}

		return nil
	case "markdown":
		return os.WriteFile(target, clidoc.Markdown(root, referenceTitle), 0o644)
	}

	return fmt.Errorf("Unknown kind of documentation %q (man or markdown)", kind)
}
