package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/lifecycle"
)

type addOptions struct {
	preseed    string
	passphrase string
	dryRun     bool
}

func newAddCommand(g *globals) *cobra.Command {
	opts := &addOptions{}
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Grow a running MicroCloud with more machines (run 'microcloud join' on them)",
		Long: `Adds machines to the MicroCloud this machine belongs to, from a preseed file whose
systems are the new machines (this machine, a member, is its initiator and not among
them). Run the same file on the new machines, or 'microcloud join'. Each new machine
joins MicroCloud, MicroOVN, MicroCeph and LXD with its own uplink, underlay and disks;
running the same command again after a failure finishes the job.`,
		Args: preseedArgs(&opts.preseed),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.preseed = preseedPath(opts.preseed, args)
			if opts.preseed == "" {
				return errors.New("microcloud add needs --preseed FILE: the interactive and --auto ways of adding machines are not built yet")
			}

			data, err := readPreseed(g, opts.preseed)
			if err != nil {
				return err
			}

			env, err := g.env()
			if err != nil {
				return err
			}

			return lifecycle.InitPreseed(cmd.Context(), env, lifecycle.PreseedOptions{Name: opts.preseed, Data: data, Passphrase: opts.passphrase, DryRun: opts.dryRun, Add: true})
		},
	}

	f := cmd.Flags()
	preseedFlag(f, &opts.preseed, "read the new machines and their settings from a preseed file (standard input when no file or '-' is given)")
	f.StringVar(&opts.passphrase, "passphrase", "", "the session passphrase (default: the file's session_passphrase)")
	f.BoolVar(&opts.dryRun, "dry-run", false, "stop before changing anything; print the plan and the equivalent preseed")
	return cmd
}
