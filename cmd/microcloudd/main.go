// Command microcloudd is the MicroCloud daemon that runs on every machine.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/daemon"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/version"
)

func main() {
	config := daemon.Config{Paths: service.DefaultPaths(), SessionAddress: fmt.Sprintf("[::]:%d", daemon.DefaultPort)}
	cmd := &cobra.Command{
		Use:               "microcloudd",
		Short:             "The MicroCloud daemon",
		Version:           version.Version(),
		Args:              cobra.NoArgs,
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return daemon.Run(cmd.Context(), config)
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
	cmd.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w (see 'microcloudd --help')", err)
	})

	err := cmd.ExecuteContext(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error: "+strings.ReplaceAll(err.Error(), "\n", " "))
		os.Exit(1)
	}
}
