package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/lifecycle"
)

type preseedOptions struct {
	passphrase string
	dryRun     bool
}

// newPreseedCommand is `microcloud preseed`: a preseed on standard input,
// the same as `microcloud init --preseed -` (and, with a file that grows a
// cloud, `microcloud add --preseed -`).
func newPreseedCommand(g *globals) *cobra.Command {
	opts := &preseedOptions{}
	cmd := &cobra.Command{
		Use:   "preseed",
		Short: "Form or grow a MicroCloud from a preseed on standard input",
		Long: `Reads a preseed file from standard input and does what it says: on its initiator,
form a MicroCloud with its systems (or, when the initiator is a member and not among
them, add them to its MicroCloud); on the other systems, join. The same as
'microcloud init --preseed -'.`,
		Args: exactArgs(0, "no arguments (the preseed comes on standard input)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			data, err := io.ReadAll(g.stdin)
			if err != nil {
				return err
			}

			env, err := g.env()
			if err != nil {
				return err
			}

			return lifecycle.InitPreseed(cmd.Context(), env, lifecycle.PreseedOptions{Name: "on standard input", Data: data, Passphrase: opts.passphrase, DryRun: opts.dryRun})
		},
	}

	cmd.Flags().StringVar(&opts.passphrase, "passphrase", "", "the session passphrase (default: the file's session_passphrase)")
	cmd.Flags().BoolVar(&opts.dryRun, "dry-run", false, "stop before changing anything; print the plan and the equivalent preseed")
	return cmd
}
