package lifecycle

import (
	"context"
	"fmt"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
)

// Auto is the planner of `microcloud init --auto`: every machine that proves
// the passphrase within the lookup window, and plan.Auto's defaults. A
// resumed run keeps the machines that already joined.
type Auto struct {
	// Add is `microcloud add --auto`: the joiners grow this member's cloud.
	Add            bool
	Passphrase     string
	Address        string
	LookupTimeout  time.Duration
	SessionTimeout int
	Options        plan.AutoOptions

	addresses map[string]string
	joining   map[string]string
	members   map[string]string
}

// Mode implements Planner: init --auto forms a new cloud, add --auto
// grows one.
func (a *Auto) Mode() plan.Mode {
	if a.Add {
		return plan.ModeAdd
	}

	return plan.ModeInit
}

// Check implements Planner: init --auto resumes whatever was done; add
// --auto needs a cloud to grow.
func (a *Auto) Check(_ *Env, members map[string]string) error {
	if a.Add && len(members) == 0 {
		return ErrNotAMember
	}

	a.members = members
	return nil
}

// Session implements Planner: --auto always looks for machines; growing a
// cloud, on this member's MicroCloud address unless --address says.
func (a *Auto) Session(_ context.Context, env *Env, members map[string]string) (*types.SessionStart, error) {
	address := a.Address
	if a.Add && address == "" {
		address = members[env.Hostname]
	}

	return &types.SessionStart{Passphrase: a.Passphrase, Address: address, Timeout: a.SessionTimeout}, nil
}

// Systems implements Planner: the members, and every peer verified when the
// window closes.
func (a *Auto) Systems(ctx context.Context, env *Env, session Session, members map[string]string) ([]plan.System, error) {
	env.say("Waiting %s for machines to join...", a.LookupTimeout)
	peers := session.Collect(ctx, a.LookupTimeout, func(p types.SessionPeer) {
		line := fmt.Sprintf("  %s at %s (fingerprint %s): %s", p.Name, p.Address, types.ShortFingerprint(p.Fingerprint), p.State)
		if p.Reason != "" {
			line += ": " + p.Reason
		}

		env.say("%s", line)
	})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	systems := []plan.System{{Name: env.Hostname, Address: session.Info().Address}}
	for name, addr := range members {
		if name != env.Hostname {
			systems = append(systems, plan.System{Name: name, Address: addr})
		}
	}

	var joining []string
	a.joining = map[string]string{}
	for _, p := range peers {
		if _, member := members[p.Name]; member {
			continue
		}

		systems = append(systems, plan.System{Name: p.Name, Address: p.Address})
		joining = append(joining, p.Name)
		a.joining[p.Name] = p.Address
	}

	a.addresses = map[string]string{}
	for _, s := range systems {
		a.addresses[s.Name] = s.Address
	}

	return systems, session.Confirm(ctx, joining)
}

// Plan implements Planner: plan.Auto's choices (plan.AutoGrow's when
// growing a cloud), each said with its reason.
func (a *Auto) Plan(_ context.Context, env *Env, _ []plan.System, facts plan.Facts) (plan.Plan, error) {
	p, notes := plan.Auto(env.Hostname, a.addresses, facts, a.Options)
	if a.Add {
		p, notes = plan.AutoGrow(env.Hostname, a.joining, facts)
	}

	for _, n := range notes {
		env.say("Chosen: %s", n)
	}

	return p, nil
}

// Confirm implements Planner: unattended.
func (a *Auto) Confirm(*Env, plan.Plan) (bool, error) { return true, nil }

// Preseed implements Planner.
func (a *Auto) Preseed(p plan.Plan) (string, error) {
	if a.Add {
		return addPreseed(p, a.members)
	}

	return replayPreseed(p)
}

// SavePath implements Planner: --auto saves nothing (running it again
// resumes).
func (a *Auto) SavePath(*Env) string { return "" }
