package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/lifecycle"
)

type addOptions struct {
	preseed        string
	auto           bool
	passphrase     string
	dryRun         bool
	lookupTimeout  time.Duration
	sessionTimeout time.Duration
}

func newAddCommand(g *globals) *cobra.Command {
	opts := &addOptions{}
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Grow a running MicroCloud with more machines (run 'microcloud join' on them)",
		Long: `Adds machines to the MicroCloud this machine belongs to. Run 'microcloud join' on
each new machine (or, with --preseed, the same file). Interactive on a terminal: select
the new machines as they appear, then give each its part of what the cloud has (a disk
for a ZFS local pool, its uplink interface, its underlay address, disks for Ceph).
--auto takes every machine that joins within --lookup-timeout and defaults that follow
the members. --preseed FILE reads a file whose systems are the new machines (this
machine, a member, is its initiator and not among them). Running the same command again
after a failure finishes the job.`,
		Args: preseedArgs(&opts.preseed),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.preseed = preseedPath(opts.preseed, args)
			return runAdd(cmd, g, opts)
		},
	}

	f := cmd.Flags()
	preseedFlag(f, &opts.preseed, "read the new machines and their settings from a preseed file (standard input when no file or '-' is given)")
	f.BoolVar(&opts.auto, "auto", false, "no questions: take every machine that joins within --lookup-timeout, with defaults that follow the members")
	f.StringVar(&opts.passphrase, "passphrase", "", "the session passphrase (default: four random words; preseed: session_passphrase)")
	f.BoolVar(&opts.dryRun, "dry-run", false, "stop before changing anything; print the plan and the equivalent preseed")
	durationFlag(f, &opts.lookupTimeout, "lookup-timeout", "", time.Minute, "--auto: how long to wait for the new machines (seconds, or a duration such as 2m)")
	durationFlag(f, &opts.sessionTimeout, "session-timeout", "", time.Hour, "how long the discovery session may last (seconds, or a duration; at most 1h)")
	return cmd
}

func runAdd(cmd *cobra.Command, g *globals, opts *addOptions) error {
	err := checkSessionFlags(opts.sessionTimeout, opts.lookupTimeout, opts.preseed, opts.auto)
	if err != nil {
		return err
	}

	env, err := g.env()
	if err != nil {
		return err
	}

	if opts.preseed != "" {
		data, err := readPreseed(g, opts.preseed)
		if err != nil {
			return err
		}

		return lifecycle.InitPreseed(cmd.Context(), env, lifecycle.PreseedOptions{Name: opts.preseed, Data: data, Passphrase: opts.passphrase, DryRun: opts.dryRun, Add: true})
	}

	var planner lifecycle.Planner = &lifecycle.InteractiveAdd{Passphrase: opts.passphrase, SessionTimeout: int(opts.sessionTimeout.Seconds())}
	if opts.auto {
		planner = &lifecycle.Auto{Add: true, Passphrase: opts.passphrase, LookupTimeout: opts.lookupTimeout, SessionTimeout: int(opts.sessionTimeout.Seconds())}
	}

	return (&lifecycle.Pipeline{Env: env, Planner: planner, Options: lifecycle.Options{DryRun: opts.dryRun}}).Run(cmd.Context())
}
