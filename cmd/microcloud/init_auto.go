package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/service/setup"
)

// runInitAuto takes every machine that proves the passphrase within the
// lookup window and the defaults of plan.Auto.
func runInitAuto(ctx context.Context, g *globals, opts *initOptions) error {
	local, hostname, err := initiatorClient(ctx, g)
	if err != nil {
		return err
	}

	// A resumed run: the machines that already joined are part of the plan.
	members, err := setup.MicroCloudMembers(ctx, local)
	if err != nil {
		return err
	}

	session, err := startDiscovery(ctx, g, local, types.SessionStart{Passphrase: opts.passphrase, Address: opts.address, Timeout: int(opts.sessionTimeout.Seconds())})
	if err != nil {
		return err
	}

	closeReason := "the initiator stopped"
	defer func() { session.Close(closeReason) }()

	fmt.Fprintf(g.stdout, "Waiting %s for machines to join...\n", opts.lookupTimeout)
	peers := collectPeers(ctx, g, session, opts.lookupTimeout)
	if ctx.Err() != nil {
		return ctx.Err()
	}

	names := []string{hostname}
	addresses := map[string]string{hostname: session.Info.Address}
	for name, addr := range members {
		if name != hostname {
			names = append(names, name)
			addresses[name] = addr
		}
	}

	var joining []string
	for _, p := range peers {
		if _, member := members[p.Name]; member {
			continue
		}

		names = append(names, p.Name)
		joining = append(joining, p.Name)
		addresses[p.Name] = p.Address
	}

	err = session.Confirm(ctx, joining)
	if err != nil {
		return err
	}

	facts, err := setup.GatherFacts(ctx, local, hostname, names, members, session, g.say)
	if err != nil {
		return err
	}

	p, notes := plan.Auto(hostname, addresses, facts, plan.AutoOptions{IPv4Gateway: opts.ipv4Gateway, IPv4Range: opts.ipv4Range, IPv6Gateway: opts.ipv6Gateway, DNSServers: plan.SplitDNSServers(opts.dnsServers)})
	for _, n := range notes {
		fmt.Fprintln(g.stdout, "Chosen: "+n)
	}

	r := &runPlan{local: local, plan: p, facts: facts, members: members, session: session, dryRun: opts.dryRun, preseed: renderPreseed}
	closeReason, err = r.validateAndExecute(ctx, g)
	return err
}

// initiatorClient connects to the local daemon and refuses a machine that
// already belongs to a MicroCloud (it grows one with 'microcloud add').
func initiatorClient(ctx context.Context, g *globals) (*client.Client, string, error) {
	local, err := g.client()
	if err != nil {
		return nil, "", err
	}

	hostname, err := os.Hostname()
	if err != nil {
		return nil, "", err
	}

	return local, hostname, nil
}

// startDiscovery starts the initiator's session and tells the operator what
// to run on the other machines.
func startDiscovery(ctx context.Context, g *globals, local *client.Client, req types.SessionStart) (*setup.InitiatorSession, error) {
	session, err := setup.StartInitiator(ctx, local, req)
	if err != nil {
		return nil, err
	}

	info := session.Info
	fmt.Fprintf(g.stdout, "Discovery on %s (%s on %s; multicast: %s)\n", info.Name, info.Address, info.Interface, info.Multicast)
	fmt.Fprintf(g.stdout, "On each machine to join, run: microcloud join\n")
	fmt.Fprintf(g.stdout, "Passphrase: %s\n", info.Passphrase)
	fmt.Fprintf(g.stdout, "Fingerprint of %s: %s (check that joining machines show it)\n", info.Name, types.ShortFingerprint(info.Fingerprint))
	return session, nil
}

// collectPeers lists peers as they prove the passphrase, until the window
// closes; it returns the verified ones.
func collectPeers(ctx context.Context, g *globals, session *setup.InitiatorSession, window time.Duration) []types.SessionPeer {
	deadline := time.After(window)
	shown := map[string]string{}
	for {
		for _, p := range session.Peers() {
			key := p.Fingerprint + p.Name
			if shown[key] == p.State {
				continue
			}

			shown[key] = p.State
			line := fmt.Sprintf("  %s at %s (fingerprint %s): %s", p.Name, p.Address, types.ShortFingerprint(p.Fingerprint), p.State)
			if p.Reason != "" {
				line += ": " + p.Reason
			}

			fmt.Fprintln(g.stdout, line)
		}

		select {
		case <-ctx.Done():
			return nil
		case <-deadline:
			return session.Verified()
		case <-time.After(100 * time.Millisecond):
		}

		if session.Ended() != "" {
			return session.Verified()
		}
	}
}
