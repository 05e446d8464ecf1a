package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/microcloud-project/microcloud/lifecycle"
	"github.com/microcloud-project/microcloud/service/plan"
)

type initOptions struct {
	preseed        string
	auto           bool
	dryRun         bool
	passphrase     string
	address        string
	lookupTimeout  time.Duration
	sessionTimeout time.Duration

	// --auto's uplink settings.
	ipv4Gateway string
	ipv4Range   string
	ipv6Gateway string
	dnsServers  string
}

func newInitCommand(g *globals) *cobra.Command {
	opts := &initOptions{}
	cmd := &cobra.Command{
		Use:     "init",
		Aliases: []string{"bootstrap"},
		Short:   "Form a MicroCloud: find the machines, choose networks and disks, cluster every service",
		Long: `Forms a MicroCloud from this machine (the initiator) and the machines that run
'microcloud join'. Interactive on a terminal; unattended with --preseed FILE (the same
file on every machine: the others act as joiners) or --auto. Running the same command
again after a failure finishes the job. --dry-run stops before changing anything and
prints the plan and the equivalent preseed.`,
		Args: preseedArgs(&opts.preseed),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.preseed = preseedPath(opts.preseed, args)
			return runInit(cmd.Context(), g, opts)
		},
	}

	f := cmd.Flags()
	preseedFlag(f, &opts.preseed, "read the setup from a preseed file (standard input when no file or '-' is given)")
	f.BoolVar(&opts.auto, "auto", false, "no questions: take every machine that joins within --lookup-timeout and sensible defaults")
	f.BoolVar(&opts.dryRun, "dry-run", false, "stop before changing anything; print the plan and the equivalent preseed")
	f.StringVar(&opts.passphrase, "passphrase", "", "the session passphrase (default: four random words; preseed: session_passphrase)")
	f.StringVar(&opts.address, "address", "", "this machine's address for MicroCloud (default: the only global address)")
	durationFlag(f, &opts.lookupTimeout, "lookup-timeout", "", time.Minute, "how long to wait for the other machines (seconds, or a duration such as 2m)")
	durationFlag(f, &opts.sessionTimeout, "session-timeout", "", time.Hour, "how long the discovery session may last (seconds, or a duration; at most 1h)")
	f.StringVar(&opts.ipv4Gateway, "ovn-ipv4-gateway", "", "--auto: the uplink network's IPv4 gateway (CIDR, e.g. 10.0.0.1/24)")
	f.StringVar(&opts.ipv4Range, "ovn-ipv4-range", "", "--auto: addresses on the uplink for OVN routers (first-last)")
	f.StringVar(&opts.ipv6Gateway, "ovn-ipv6-gateway", "", "--auto: the uplink network's IPv6 gateway (CIDR)")
	f.StringVar(&opts.dnsServers, "ovn-dns-servers", "", "--auto: nameservers for OVN networks (comma-separated)")
	return cmd
}

func runInit(ctx context.Context, g *globals, opts *initOptions) error {
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

		return lifecycle.InitPreseed(ctx, env, lifecycle.PreseedOptions{Name: opts.preseed, Data: data, Passphrase: opts.passphrase, DryRun: opts.dryRun})
	}

	var planner lifecycle.Planner = &lifecycle.Interactive{Address: opts.address, Passphrase: opts.passphrase, SessionTimeout: int(opts.sessionTimeout.Seconds())}
	if opts.auto {
		planner = &lifecycle.Auto{Passphrase: opts.passphrase, Address: opts.address, LookupTimeout: opts.lookupTimeout, SessionTimeout: int(opts.sessionTimeout.Seconds()),
			Options: plan.AutoOptions{IPv4Gateway: opts.ipv4Gateway, IPv4Range: opts.ipv4Range, IPv6Gateway: opts.ipv6Gateway, DNSServers: plan.SplitDNSServers(opts.dnsServers)}}
	}

	return (&lifecycle.Pipeline{Env: env, Planner: planner, Options: lifecycle.Options{DryRun: opts.dryRun}}).Run(ctx)
}

// preseedFlag defines --preseed: "--preseed FILE", "--preseed=FILE", or
// "--preseed" alone (or "-") for standard input, the 1.x form.
func preseedFlag(f *pflag.FlagSet, p *string, usage string) {
	f.StringVar(p, "preseed", "", usage)
	f.Lookup("preseed").NoOptDefVal = "-"
}

// preseedArgs allows the one argument that "--preseed FILE" leaves when the
// flag takes no value of its own (it reads standard input then).
func preseedArgs(preseed *string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if *preseed == "-" && len(args) == 1 {
			return nil
		}

		return exactArgs(0, "no arguments")(cmd, args)
	}
}

// preseedPath is the file "--preseed FILE" names, or what the flag holds.
func preseedPath(preseed string, args []string) string {
	if preseed == "-" && len(args) == 1 {
		return args[0]
	}

	return preseed
}

// readPreseed reads the file, or standard input for "-".
func readPreseed(g *globals, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(g.stdin)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("Cannot read the preseed file: %w", err)
	}

	return data, nil
}
