package lifecycle

import (
	"context"
	"fmt"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/tui"
	"github.com/microcloud-project/microcloud/tui/wizard"
)

// InteractiveAdd is the planner of `microcloud add` on a terminal: a
// discovery session for the new machines, then only each new machine's
// part of what the cloud has (its local disk, uplink, underlay, Ceph
// disks).
type InteractiveAdd struct {
	// Passphrase and SessionTimeout (seconds) of the discovery session.
	Passphrase     string
	SessionTimeout int

	ask     wizard.Asker
	members map[string]string
	new     []plan.System
}

// Mode implements Planner.
func (i *InteractiveAdd) Mode() plan.Mode { return plan.ModeAdd }

// Check implements Planner: a terminal, and a cloud to grow.
func (i *InteractiveAdd) Check(env *Env, members map[string]string) error {
	err := tui.RequireTerminalFor("microcloud add", env.In, env.Out)
	if err != nil {
		return err
	}

	if len(members) == 0 {
		return ErrNotAMember
	}

	i.ask = wizard.Terminal{In: env.In, Out: env.Out}
	i.members = members
	return nil
}

// Session implements Planner: on this member's MicroCloud address.
func (i *InteractiveAdd) Session(_ context.Context, env *Env, members map[string]string) (*types.SessionStart, error) {
	address := members[env.Hostname]
	if address == "" {
		return nil, fmt.Errorf("This machine (%s) is not among the MicroCloud's members %v", env.Hostname, sortedKeys(members))
	}

	return &types.SessionStart{Passphrase: i.Passphrase, Address: address, Timeout: i.SessionTimeout}, nil
}

// Systems implements Planner: the new machines the operator selects, and
// every member (their facts say what the cloud runs, at which versions).
func (i *InteractiveAdd) Systems(ctx context.Context, _ *Env, session Session, members map[string]string) ([]plan.System, error) {
	var err error
	i.new, err = choosePeers(ctx, i.ask, session)
	if err != nil {
		return nil, err
	}

	systems := append([]plan.System(nil), i.new...)
	for _, name := range sortedKeys(members) {
		systems = append(systems, plan.System{Name: name, Address: members[name]})
	}

	return systems, nil
}

// Plan implements Planner: the wizard's questions for the new machines.
func (i *InteractiveAdd) Plan(_ context.Context, env *Env, _ []plan.System, facts plan.Facts) (plan.Plan, error) {
	w := &wizard.Wizard{Ask: i.ask, Facts: facts, Plan: plan.Plan{Mode: plan.ModeAdd, Initiator: env.Hostname, Systems: i.new}}
	return w.Build()
}

// Confirm implements Planner.
func (i *InteractiveAdd) Confirm(*Env, plan.Plan) (bool, error) {
	return i.ask.Confirm(tui.ConfirmQuestion{Prompt: "Add these systems to the MicroCloud?", Default: true})
}

// Preseed implements Planner: an add-mode file, replayed from this member.
func (i *InteractiveAdd) Preseed(p plan.Plan) (string, error) {
	return addPreseed(p, i.members)
}

// SavePath implements Planner: the interactive add saves its answers.
func (i *InteractiveAdd) SavePath(env *Env) string {
	return env.SavedAddPreseedPath()
}
