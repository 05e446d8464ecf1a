package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/service/setup"
	"github.com/microcloud-project/microcloud/tui"
	"github.com/microcloud-project/microcloud/tui/wizard"
)

// errNothingChanged ends an interactive init the operator left before
// anything was done.
var errNothingChanged = fmt.Errorf("%w: nothing was changed", tui.ErrCancelled)

// runInitInteractive asks the operator for everything, on a terminal:
// address, machines, disks, networks; shows the plan; carries it out.
func runInitInteractive(ctx context.Context, g *globals, opts *initOptions) error {
	err := tui.RequireTerminal(g.stdin, g.stdout)
	if err != nil {
		return err
	}

	local, hostname, err := initiatorClient(ctx, g)
	if err != nil {
		return err
	}

	members, err := setup.MicroCloudMembers(ctx, local)
	if err != nil {
		return err
	}

	saved := savedPreseedPath(g)
	if len(members) > 0 {
		return fmt.Errorf("This machine is already part of a MicroCloud. To finish an interrupted init, run 'microcloud init --preseed %s' (the plan the interactive init saved)", saved)
	}

	ask := wizard.Terminal{In: g.stdin, Out: g.stdout}
	self, err := local.System(ctx)
	if err != nil {
		return err
	}

	address, err := wizard.ChooseAddress(ask, *self, opts.address)
	if err != nil {
		return cancelled(err)
	}

	multi, err := ask.Confirm(tui.ConfirmQuestion{Prompt: "Set up more than one machine?", Default: true})
	if err != nil {
		return cancelled(err)
	}

	p := plan.Plan{Mode: plan.ModeInit, Initiator: hostname, Systems: []plan.System{{Name: hostname, Address: address}}}
	var session *setup.InitiatorSession
	closeReason := "the initiator stopped"
	if multi {
		session, err = startDiscovery(ctx, g, local, types.SessionStart{Passphrase: opts.passphrase, Address: address, Timeout: int(opts.sessionTimeout.Seconds())})
		if err != nil {
			return err
		}

		defer func() { session.Close(closeReason) }()
		p.Systems, err = choosePeers(ctx, ask, session, p.Systems)
		if err != nil {
			closeReason = "the initiator cancelled"
			return cancelled(err)
		}
	}

	var names []string
	for _, s := range p.Systems {
		names = append(names, s.Name)
	}

	ask.Say("Gathering information from %d system(s)...", len(names))
	facts, err := setup.GatherFacts(ctx, local, hostname, names, members, session, func(s string) { ask.Say("%s", s) })
	if err != nil {
		return err
	}

	w := &wizard.Wizard{Ask: ask, Facts: facts, Plan: p}
	p, err = w.Build()
	if err != nil {
		closeReason = "the initiator cancelled"
		return cancelled(err)
	}

	r := &runPlan{local: local, plan: p, facts: facts, members: members, session: session, dryRun: opts.dryRun, preseed: renderPreseed}
	err = r.validate(g.stdout)
	if err != nil {
		closeReason = "the plan has problems (see the initiator)"
		return err
	}

	ok, err := ask.Confirm(tui.ConfirmQuestion{Prompt: "Form the MicroCloud with this setup?", Default: true})
	if err == nil && !ok {
		err = tui.ErrCancelled
	}

	if err != nil {
		closeReason = "the initiator cancelled at the summary"
		return cancelled(err)
	}

	if opts.dryRun {
		closeReason = "dry run: nothing was changed"
		return r.execute(ctx, g)
	}

	// Saved before anything changes: if the run fails half-way, replaying
	// this file finishes it.
	savedErr := savePreseed(saved, p)
	if savedErr != nil {
		ask.Say("Warning: could not save this setup as a preseed file: %v", savedErr)
	}

	err = r.execute(ctx, g)
	if err != nil {
		closeReason = "the setup failed (see the initiator)"
		if savedErr == nil {
			ask.Say("To finish the job once the cause is fixed, run: microcloud init --preseed %s", saved)
		}

		return err
	}

	ask.Say("This setup as a preseed file, to replay or keep: %s", saved)

	closeReason = ""
	return nil
}

// choosePeers runs the live discovery table and confirms the chosen peers;
// it returns the systems with the peers added, sorted.
func choosePeers(ctx context.Context, ask wizard.Asker, session *setup.InitiatorSession, systems []plan.System) ([]plan.System, error) {
	ids, err := wizard.ChoosePeers(ask, session.Peers(), session.Updates)
	if err != nil {
		return nil, err
	}

	byID := map[string]types.SessionPeer{}
	for _, peer := range session.Peers() {
		byID[wizard.PeerID(peer)] = peer
	}

	var joining []string
	for _, id := range ids {
		peer := byID[id]
		joining = append(joining, peer.Name)
		systems = append(systems, plan.System{Name: peer.Name, Address: peer.Address})
	}

	err = session.Confirm(ctx, joining)
	if err != nil {
		return nil, err
	}

	sort.Slice(systems, func(i, j int) bool { return systems[i].Name < systems[j].Name })
	return systems, nil
}

// cancelled turns the operator's Esc or Ctrl-C into "nothing was changed".
func cancelled(err error) error {
	if errors.Is(err, tui.ErrCancelled) {
		return errNothingChanged
	}

	return err
}

// savedPreseedPath is where the interactive init keeps its plan.
func savedPreseedPath(g *globals) string {
	return filepath.Join(g.stateDir, "init-preseed.yaml")
}

func savePreseed(path string, p plan.Plan) error {
	text, err := renderPreseed(p)
	if err != nil {
		return err
	}

	return os.WriteFile(path, []byte(text), 0o600)
}
