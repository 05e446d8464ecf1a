package main

import (
	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/lifecycle"
	"github.com/microcloud-project/microcloud/tui"
)

func newStatusCommand(g *globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the health of the MicroCloud: every service, every member, in one place",
		Long: `Prints Status: HEALTHY, WARNING or ERROR, one line per finding with what to do, then
one row per member: its address, each service's state, its OVN roles, its OSDs and its
chassis' encapsulation IPs. It checks the members of every service against each other,
Ceph's health and monitors, OVN's chassis, and LXD's pools and networks. It answers
within a few seconds even when a member is down: that member is reported, not waited for.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			local, err := g.client()
			if err != nil {
				return err
			}

			_, err = lifecycle.Status(cmd.Context(), g.stdout, local, format)
			return err
		},
	}

	cmd.Flags().StringVarP(&format, "format", "f", tui.FormatTable, "output format (table, json, yaml, csv)")
	return cmd
}
