package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/lifecycle"
)

func newJoinCommand(g *globals) *cobra.Command {
	opts := lifecycle.JoinOptions{}
	cmd := &cobra.Command{
		Use:   "join",
		Short: "Offer this machine to a MicroCloud being formed (run 'microcloud init' on the initiator)",
		Long: `Announces this machine to the initiator (by multicast on the chosen address's
network, or directly with --initiator-address), proves the passphrase the initiator
shows, and waits until the initiator selects this machine and it has joined.
Compare the fingerprints both sides show before selecting.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.env()
			if err != nil {
				return err
			}

			return lifecycle.Join(cmd.Context(), env, opts)
		},
	}

	cmd.Flags().StringVar(&opts.Passphrase, "passphrase", "", "the passphrase the initiator shows (asked for when omitted)")
	cmd.Flags().StringVar(&opts.Address, "address", "", "this machine's address for MicroCloud (default: the only global address)")
	cmd.Flags().StringVar(&opts.InitiatorAddress, "initiator-address", "", "contact the initiator at this address instead of using multicast")
	durationFlag(cmd.Flags(), &opts.Timeout, "session-timeout", "", time.Hour, "give up after this long (seconds, or a duration; at most 1h)")
	return cmd
}
