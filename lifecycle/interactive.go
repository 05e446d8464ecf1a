package lifecycle

import (
	"context"
	"fmt"
	"sort"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/preseed"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/tui"
	"github.com/microcloud-project/microcloud/tui/wizard"
)

// Interactive is the planner of `microcloud init` on a terminal: it asks
// for everything (address, machines, disks, networks) through the wizard.
type Interactive struct {
	// Address is --address: the machine's address for MicroCloud, asked
	// for when "".
	Address string
	// Passphrase and SessionTimeout (seconds) of the discovery session.
	Passphrase     string
	SessionTimeout int

	ask     wizard.Asker
	address string
}

// Mode implements Planner: the interactive init forms a new cloud.
func (i *Interactive) Mode() plan.Mode { return plan.ModeInit }

// Check implements Planner: an interrupted interactive init is finished by
// replaying the plan it saved, not by asking everything again.
func (i *Interactive) Check(env *Env, members map[string]string) error {
	err := tui.RequireTerminal(env.In, env.Out)
	if err != nil {
		return err
	}

	if len(members) > 0 {
		return fmt.Errorf("This machine is already part of a MicroCloud. To finish an interrupted init, run 'microcloud init --preseed %s' (the plan the interactive init saved)", env.SavedPreseedPath())
	}

	i.ask = wizard.Terminal{In: env.In, Out: env.Out}
	return nil
}

// Session implements Planner: the address, then whether other machines
// join.
func (i *Interactive) Session(ctx context.Context, env *Env, _ map[string]string) (*types.SessionStart, error) {
	self, err := env.Backend.System(ctx)
	if err != nil {
		return nil, err
	}

	i.address, err = wizard.ChooseAddress(i.ask, *self, i.Address)
	if err != nil {
		return nil, err
	}

	multi, err := i.ask.Confirm(tui.ConfirmQuestion{Prompt: "Set up more than one machine?", Default: true})
	if err != nil || !multi {
		return nil, err
	}

	return &types.SessionStart{Passphrase: i.Passphrase, Address: i.address, Timeout: i.SessionTimeout}, nil
}

// Systems implements Planner: the live table of the session's peers.
func (i *Interactive) Systems(ctx context.Context, env *Env, session Session, _ map[string]string) ([]plan.System, error) {
	systems := []plan.System{{Name: env.Hostname, Address: i.address}}
	if session == nil {
		return systems, nil
	}

	peers, err := choosePeers(ctx, i.ask, session)
	if err != nil {
		return nil, err
	}

	systems = append(systems, peers...)
	sort.Slice(systems, func(i, j int) bool { return systems[i].Name < systems[j].Name })
	return systems, nil
}

// choosePeers shows the session's machines live, and confirms those the
// operator selects; it returns them as systems of the plan.
func choosePeers(ctx context.Context, ask wizard.Asker, session Session) ([]plan.System, error) {
	ids, err := wizard.ChoosePeers(ask, session.Peers(), session.Updates())
	if err != nil {
		return nil, err
	}

	byID := map[string]types.SessionPeer{}
	for _, peer := range session.Peers() {
		byID[wizard.PeerID(peer)] = peer
	}

	var systems []plan.System
	var joining []string
	for _, id := range ids {
		peer := byID[id]
		joining = append(joining, peer.Name)
		systems = append(systems, plan.System{Name: peer.Name, Address: peer.Address})
	}

	return systems, session.Confirm(ctx, joining)
}

// Plan implements Planner: the wizard's questions.
func (i *Interactive) Plan(_ context.Context, env *Env, systems []plan.System, facts plan.Facts) (plan.Plan, error) {
	w := &wizard.Wizard{Ask: i.ask, Facts: facts, Plan: plan.Plan{Mode: plan.ModeInit, Initiator: env.Hostname, Systems: systems}}
	return w.Build()
}

// Confirm implements Planner.
func (i *Interactive) Confirm(_ *Env, _ plan.Plan) (bool, error) {
	return i.ask.Confirm(tui.ConfirmQuestion{Prompt: "Form the MicroCloud with this setup?", Default: true})
}

// Preseed implements Planner.
func (i *Interactive) Preseed(p plan.Plan) (string, error) {
	return replayPreseed(p)
}

// SavePath implements Planner: the interactive init saves its answers.
func (i *Interactive) SavePath(env *Env) string {
	return env.SavedPreseedPath()
}

// addPreseed is the preseed of an add made interactively or by --auto:
// the initiator is the member that grows the cloud, and its address is
// written so that a replay runs in unicast mode.
func addPreseed(p plan.Plan, members map[string]string) (string, error) {
	out, err := preseed.FromPlan(p, preseed.SessionOptions{InitiatorAddress: members[p.Initiator]})
	return string(out), err
}

// replayPreseed is the preseed of a plan made interactively or by --auto:
// addresses written, so that a replay runs in unicast mode.
func replayPreseed(p plan.Plan) (string, error) {
	initiator, _ := p.System(p.Initiator)
	out, err := preseed.FromPlan(p, preseed.SessionOptions{InitiatorAddress: initiator.Address})
	return string(out), err
}
