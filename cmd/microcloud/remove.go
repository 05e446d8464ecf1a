package main

import (
	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/lifecycle"
)

func newRemoveCommand(g *globals) *cobra.Command {
	opts := lifecycle.RemoveOptions{}
	cmd := &cobra.Command{
		Use:     "remove NAME...",
		Aliases: []string{"rm"},
		Short:   "Remove machines from every service of the MicroCloud",
		Long: `Removes machines from LXD, MicroCeph, MicroOVN and MicroCloud, in that order, run on
any other member. Before a machine's OSDs leave, Ceph's pools are brought down to the
replication the remaining OSD hosts can hold; a machine's OSD data moves to the other
hosts first. When it ran an OVN central, another member takes its place where one can,
and LXD is pointed at the centrals that remain.

A machine that runs instances is refused unless --force. A machine that does not answer
is removed only with --force, without contacting it: its monitor, OSDs, chassis and
OVN raft seats are dropped by the surviving members. If a step fails, running the same
command again finishes the job.`,
		Args:              minArgs(1, "the names of the members to remove"),
		ValidArgsFunction: completeMembers(g, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			local, err := g.client()
			if err != nil {
				return err
			}

			env, err := g.env()
			if err != nil {
				return err
			}

			opts.Names = args
			return lifecycle.Remove(cmd.Context(), *env, local, opts)
		},
	}

	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "remove machines that do not answer (without contacting them) or that run instances")
	return cmd
}
