package lifecycle

import (
	"context"
	"errors"
	"fmt"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/tui"
	"github.com/microcloud-project/microcloud/tui/wizard"
)

// ServiceAdd is the planner of `microcloud service add`: MicroOVN or
// MicroCeph brought to a running cloud whose members all have it installed
// but not clustered. It asks init's questions of that service for every
// member; no machine joins.
type ServiceAdd struct {
	ask wizard.Asker
}

// ErrServiceAddNeedsTerminal: service add asks init's questions of the
// services it sets up, and has no unattended form.
var ErrServiceAddNeedsTerminal = errors.New("microcloud service add needs a terminal: it asks the questions of the services it sets up")

// ErrAllServicesSetUp ends a `service add` with nothing to add.
var ErrAllServicesSetUp = errors.New("All services are already set up")

// Mode implements Planner: it grows what the cloud runs.
func (a *ServiceAdd) Mode() plan.Mode { return plan.ModeAdd }

// Check implements Planner: a terminal, and a cloud.
func (a *ServiceAdd) Check(env *Env, members map[string]string) error {
	if tui.RequireTerminalFor("microcloud service add", env.In, env.Out) != nil {
		return ErrServiceAddNeedsTerminal
	}

	if len(members) == 0 {
		return ErrNotAMember
	}

	a.ask = wizard.Terminal{In: env.In, Out: env.Out}
	return nil
}

// Session implements Planner: no machine joins.
func (a *ServiceAdd) Session(context.Context, *Env, map[string]string) (*types.SessionStart, error) {
	return nil, nil
}

// Systems implements Planner: every member, for its facts.
func (a *ServiceAdd) Systems(_ context.Context, _ *Env, _ Session, members map[string]string) ([]plan.System, error) {
	var out []plan.System
	for _, name := range sortedKeys(members) {
		out = append(out, plan.System{Name: name, Address: members[name]})
	}

	return out, nil
}

// Plan implements Planner: the questions of each missing service.
func (a *ServiceAdd) Plan(_ context.Context, env *Env, _ []plan.System, facts plan.Facts) (plan.Plan, error) {
	p := plan.Plan{Mode: plan.ModeAdd, Initiator: env.Hostname, LocalPool: &plan.LocalPool{Driver: plan.DriverDir}}
	if facts.Cloud != nil && facts.Cloud.LocalDriver != "" {
		p.LocalPool.Driver = facts.Cloud.LocalDriver
	}

	missing := false
	for _, t := range []types.ServiceType{types.MicroOVN, types.MicroCeph} {
		st, _ := facts.Systems[env.Hostname].Service(t)
		missing = missing || !st.Clustered
	}

	if !missing {
		return p, ErrAllServicesSetUp
	}

	w := &wizard.Wizard{Ask: a.ask, Facts: facts, Plan: p}
	err := w.BringServices()
	if err != nil {
		return p, err
	}

	if len(w.Plan.Create) == 0 {
		return p, fmt.Errorf("%w: no service was chosen", ErrNothingChanged)
	}

	return w.Plan, nil
}

// Confirm implements Planner.
func (a *ServiceAdd) Confirm(*Env, plan.Plan) (bool, error) {
	return a.ask.Confirm(tui.ConfirmQuestion{Prompt: "Set up these services on every member?", Default: true})
}

// Preseed implements Planner: a preseed file cannot say this; "" tells
// the dry run so.
func (a *ServiceAdd) Preseed(plan.Plan) (string, error) { return "", nil }

// SavePath implements Planner: nothing to replay (running it again
// finishes it).
func (a *ServiceAdd) SavePath(*Env) string { return "" }
