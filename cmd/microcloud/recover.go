package main

import (
	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/lifecycle"
)

func newClusterRecoverCommand(g *globals) *cobra.Command {
	opts := lifecycle.RecoverOptions{}
	cmd := &cobra.Command{
		Use:   "recover",
		Short: "Bring every service back after the loss of a quorum of members",
		Long: `Run on a surviving member when a majority of the members are gone for good. It shows
what each service's files list and which members answer, asks for confirmation, then:
MicroCloud, MicroOVN and MicroCeph get microcluster's quorum-loss recovery (the kept
members become the voters); OVN's raft databases become clusters of this central alone,
which the other kept centrals join; Ceph's monmap is reduced to the kept monitors; LXD
runs its recovery from quorum loss. Finally
the dropped members are removed from every service as 'microcloud remove --force' does:
their OSDs go, pools are brought down to what the kept hosts hold, chassis and raft seats
are dropped.

It refuses while a majority of MicroCloud's voters answer: use 'microcloud remove'.
It keeps every member that answers (or those --members names, this machine among them):
they stop their services while this machine recovers, then start with its recovered
databases; their OVN centrals join this one's, their Ceph monitors get the same monmap.
An interrupted recovery is finished by running the same command again.
See doc/how-to/recover.md for what it cannot bring back.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			local, err := g.client()
			if err != nil {
				return err
			}

			env, err := g.env()
			if err != nil {
				return err
			}

			return lifecycle.Recover(cmd.Context(), *env, local, opts)
		},
	}

	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().StringSliceVar(&opts.Members, "members", nil, "the members to keep, comma-separated, this machine among them (default: those that answer)")
	return cmd
}
