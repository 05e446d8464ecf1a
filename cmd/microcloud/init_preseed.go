package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/preseed"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/service/setup"
	"github.com/microcloud-project/microcloud/tui"
)

// runInitPreseed runs a preseed file: on the initiator it forms the cloud,
// on the other machines it joins.
func runInitPreseed(ctx context.Context, g *globals, opts *initOptions) error {
	data, err := readPreseed(g, opts.preseed)
	if err != nil {
		return err
	}

	f, problems := preseed.LoadDeferringPassphrase(data)
	if len(problems) > 0 {
		return reportProblems(g, "The preseed file "+opts.preseed+" is invalid:", problems)
	}

	// The passphrase matters only when a session is needed.
	checkPassphrase := func() error {
		if problems := f.ValidatePassphrase(opts.passphrase); len(problems) > 0 {
			return reportProblems(g, "The preseed file "+opts.preseed+" is invalid:", problems)
		}

		return nil
	}

	hostname, err := os.Hostname()
	if err != nil {
		return err
	}

	localIPs := localAddresses()
	initiator, err := f.Role(hostname, localIPs)
	if err != nil {
		return err
	}

	address, err := f.LocalAddress(hostname, localIPs)
	if err != nil {
		return err
	}

	lookupTimeout, sessionTimeout := f.Timeouts()
	passphrase := f.Passphrase(opts.passphrase)
	local, err := g.client()
	if err != nil {
		return err
	}

	members, err := setup.MicroCloudMembers(ctx, local)
	if err != nil {
		return err
	}

	if !initiator {
		// Running the same file again on a machine that already joined.
		if len(members) > 0 {
			if f.Initiator != "" && members[f.Initiator] == "" {
				return fmt.Errorf("This machine belongs to a MicroCloud without %s", f.Initiator)
			}

			fmt.Fprintln(g.stdout, "This machine is already part of the MicroCloud")
			return nil
		}

		if err := checkPassphrase(); err != nil {
			return err
		}

		return runJoin(ctx, g, &joinOptions{passphrase: passphrase, address: address.String(), initiatorAddress: f.InitiatorAddress, timeout: sessionTimeout})
	}

	if f.Mode(hostname) == plan.ModeAdd {
		return errors.New("Growing a MicroCloud with a preseed file (the initiator is not among its systems) is not supported yet")
	}

	var names, joining []string
	for _, s := range f.Systems {
		names = append(names, s.Name)
		if _, member := members[s.Name]; !member && s.Name != hostname {
			joining = append(joining, s.Name)
		}
	}

	var session *setup.InitiatorSession
	closeReason := "the initiator stopped"
	if len(joining) > 0 {
		err = checkPassphrase()
		if err != nil {
			return err
		}

		session, err = startDiscovery(ctx, g, local, types.SessionStart{Passphrase: passphrase, Address: address.String(), Timeout: int(sessionTimeout.Seconds())})
		if err != nil {
			return err
		}

		defer func() { session.Close(closeReason) }()
		fmt.Fprintf(g.stdout, "Waiting up to %s for %v...\n", lookupTimeout, joining)
		err = session.WaitFor(ctx, joining, lookupTimeout)
		if err != nil {
			closeReason = "not every system of the preseed file joined"
			return err
		}

		err = session.Confirm(ctx, joining)
		if err != nil {
			return err
		}
	}

	facts, err := setup.GatherFacts(ctx, local, hostname, names, members, session, g.say)
	if err != nil {
		return err
	}

	p, problems := preseed.ToPlan(f, facts, hostname)
	if len(problems) > 0 {
		closeReason = "the preseed file does not fit the systems (see the initiator)"
		return reportProblems(g, "The preseed file "+opts.preseed+" does not fit the systems:", problems)
	}

	options := preseed.SessionOptions{LookupSubnet: f.LookupSubnet, InitiatorAddress: f.InitiatorAddress, Passphrase: f.SessionPassphrase}
	r := &runPlan{local: local, plan: p, facts: facts, members: members, session: session, dryRun: opts.dryRun, preseed: func(p plan.Plan) (string, error) {
		out, err := preseed.FromPlan(p, options)
		return string(out), err
	}}

	closeReason, err = r.validateAndExecute(ctx, g)
	return err
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

// reportProblems lists every problem on stderr and returns a one-line error.
func reportProblems(g *globals, title string, problems []plan.Problem) error {
	fmt.Fprint(g.stderr, tui.Problems(title, problems, 100))
	return fmt.Errorf("%d problem(s) (listed above); nothing was changed", len(problems))
}

// localAddresses lists this machine's global addresses.
func localAddresses() []net.IP {
	var out []net.IP
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipnet, ok := a.(*net.IPNet); ok && ipnet.IP.IsGlobalUnicast() {
			out = append(out, ipnet.IP)
		}
	}

	return out
}
