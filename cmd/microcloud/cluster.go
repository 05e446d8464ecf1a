package main

import (
	"context"
	"fmt"
	"sort"

	"github.com/canonical/lxd/shared"
	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/tui"
)

func newClusterCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Inspect and change MicroCloud's own cluster membership",
		Args:  exactArgs(0, "a subcommand (list, remove, recover)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}

	cmd.AddCommand(newClusterListCommand(g), newClusterRemoveCommand(g), newClusterRecoverCommand(g))
	return cmd
}

type clusterListOptions struct {
	format string
}

func newClusterListCommand(g *globals) *cobra.Command {
	opts := &clusterListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the members of the MicroCloud cluster",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runClusterList(cmd.Context(), g, opts)
		},
	}

	cmd.Flags().StringVarP(&opts.format, "format", "f", tui.FormatTable, "output format (table, json, yaml, csv)")
	return cmd
}

func runClusterList(ctx context.Context, g *globals, opts *clusterListOptions) error {
	err := tui.CheckFormat(opts.format)
	if err != nil {
		return err
	}

	c, err := g.client()
	if err != nil {
		return err
	}

	members, err := c.Members(ctx)
	if err != nil {
		return err
	}

	sort.Slice(members, func(i, j int) bool { return members[i].Name < members[j].Name })
	rows := make([][]string, 0, len(members))
	for _, m := range members {
		fingerprint := ""
		if m.Certificate.Certificate != nil {
			fingerprint = shared.CertFingerprint(m.Certificate.Certificate)[:12]
		}

		rows = append(rows, []string{m.Name, m.Address.String(), m.Role, fingerprint, string(m.Status)})
	}

	return tui.Render(g.stdout, opts.format, []string{"NAME", "ADDRESS", "ROLE", "FINGERPRINT", "STATUS"}, rows, members)
}

type clusterRemoveOptions struct {
	force bool
}

func newClusterRemoveCommand(g *globals) *cobra.Command {
	opts := &clusterRemoveOptions{}
	cmd := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a member from MicroCloud's own cluster only (see 'microcloud remove')",
		Long: `Removes a member from MicroCloud's own cluster only: LXD, MicroOVN and MicroCeph
keep it. To remove a machine from every service, use 'microcloud remove NAME'.`,
		Args:              exactArgs(1, "the name of one member"),
		ValidArgsFunction: completeMembers(g, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.client()
			if err != nil {
				return err
			}

			err = c.RemoveMember(cmd.Context(), args[0], opts.force)
			if err != nil {
				return fmt.Errorf("Failed to remove %q: %w", args[0], err)
			}

			fmt.Fprintf(g.stdout, "Removed %s from the MicroCloud cluster\n", args[0])
			return nil
		},
	}

	cmd.Flags().BoolVarP(&opts.force, "force", "f", false, "remove the member even if it cannot be reached")
	return cmd
}
