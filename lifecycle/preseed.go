package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/preseed"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/service/setup"
)

// PreseedOptions run `microcloud init --preseed`.
type PreseedOptions struct {
	// Name is the file's name in messages ("-" for standard input).
	Name string
	Data []byte
	// Passphrase is --passphrase (the file's session_passphrase otherwise).
	Passphrase string
	DryRun     bool
	// Add is `microcloud add --preseed`: the file must grow a cloud.
	Add bool
}

// InitPreseed runs a preseed file: the same file on every machine forms
// the cloud on the initiator and joins it on the others.
func InitPreseed(ctx context.Context, env *Env, opts PreseedOptions) error {
	f, problems := preseed.LoadDeferringPassphrase(opts.Data)
	if len(problems) > 0 {
		return reportProblems(env, "The preseed file "+opts.Name+" is invalid:", problems)
	}

	var err error

	// lookup_interface restricts discovery to one interface: the session
	// runs on the interface of this machine's address, so only addresses of
	// that interface are considered.
	localIPs := env.LocalAddresses
	if f.LookupInterface != "" {
		localIPs, err = env.InterfaceAddresses(f.LookupInterface)
		if err != nil {
			return fmt.Errorf("lookup_interface: %w", err)
		}
	}

	initiator, err := f.Role(env.Hostname, localIPs)
	if err != nil {
		return err
	}

	address, err := f.LocalAddress(env.Hostname, localIPs)
	if err != nil {
		if f.LookupInterface != "" {
			return fmt.Errorf("lookup_interface %s: %w", f.LookupInterface, err)
		}

		return err
	}

	pl := &PreseedPlanner{file: f, name: opts.Name, flag: opts.Passphrase, passphrase: f.Passphrase(opts.Passphrase), address: address.String()}
	pl.lookupTimeout, pl.sessionTimeout = f.Timeouts()
	if !initiator {
		return pl.join(ctx, env)
	}

	pl.mode = f.Mode(env.Hostname)
	if opts.Add && pl.mode == plan.ModeInit {
		return errors.New("This preseed file forms a new MicroCloud (its initiator is among its systems): use 'microcloud init --preseed'")
	}

	return (&Pipeline{Env: env, Planner: pl, Options: Options{DryRun: opts.DryRun}}).Run(ctx)
}

// PreseedPlanner is the planner of a preseed file on its initiator.
type PreseedPlanner struct {
	file *preseed.File
	name string
	// flag is --passphrase; passphrase is the one used (the flag, else
	// the file's).
	flag           string
	passphrase     string
	address        string
	lookupTimeout  time.Duration
	sessionTimeout time.Duration

	// mode is init when the initiator is among the file's systems, add
	// when it is a member that grows the cloud with them.
	mode    plan.Mode
	members map[string]string
	joining []string
}

// checkPassphrase checks the passphrase, which matters only when a
// session is needed.
func (p *PreseedPlanner) checkPassphrase(env *Env) error {
	if problems := p.file.ValidatePassphrase(p.flag); len(problems) > 0 {
		return reportProblems(env, "The preseed file "+p.name+" is invalid:", problems)
	}

	return nil
}

// join is the same file on a machine that is not the initiator: it joins,
// or says it already has.
func (p *PreseedPlanner) join(ctx context.Context, env *Env) error {
	members, err := env.Backend.Members(ctx)
	if err != nil {
		return err
	}

	if len(members) > 0 {
		if p.file.Initiator != "" && members[p.file.Initiator] == "" {
			return fmt.Errorf("This machine belongs to a MicroCloud without %s", p.file.Initiator)
		}

		env.say("This machine is already part of the MicroCloud")
		return nil
	}

	err = p.checkPassphrase(env)
	if err != nil {
		return err
	}

	return Join(ctx, env, JoinOptions{Passphrase: p.passphrase, Address: p.address, InitiatorAddress: p.file.InitiatorAddress, Timeout: p.sessionTimeout})
}

// Mode implements Planner: the file's.
func (p *PreseedPlanner) Mode() plan.Mode { return p.mode }

// Check implements Planner: the same file resumes whatever was done; a
// file that adds systems needs a MicroCloud to add them to.
func (p *PreseedPlanner) Check(_ *Env, members map[string]string) error {
	if p.mode == plan.ModeAdd && len(members) == 0 {
		return ErrNotAMember
	}

	p.members = members
	return nil
}

// ErrNotAMember refuses to grow a cloud from a machine that belongs to none.
var ErrNotAMember = errors.New("This machine is not part of a MicroCloud: run 'microcloud init' first")

// Session implements Planner: a session only for systems that are not
// members yet.
func (p *PreseedPlanner) Session(_ context.Context, env *Env, members map[string]string) (*types.SessionStart, error) {
	p.joining = nil
	for _, s := range p.file.Systems {
		if _, member := members[s.Name]; !member && s.Name != env.Hostname {
			p.joining = append(p.joining, s.Name)
		}
	}

	if len(p.joining) == 0 {
		return nil, nil
	}

	err := p.checkPassphrase(env)
	if err != nil {
		return nil, err
	}

	return &types.SessionStart{Passphrase: p.passphrase, Address: p.address, Timeout: int(p.sessionTimeout.Seconds())}, nil
}

// Systems implements Planner: waits for the file's systems that are not
// members yet.
func (p *PreseedPlanner) Systems(ctx context.Context, env *Env, session Session, _ map[string]string) ([]plan.System, error) {
	var systems []plan.System
	for _, s := range p.file.Systems {
		systems = append(systems, plan.System{Name: s.Name})
	}

	// Growing a cloud, the members' facts say which services it has and at
	// which versions; every member must answer.
	if p.mode == plan.ModeAdd {
		for _, name := range sortedKeys(p.members) {
			if !p.listed(name) {
				systems = append(systems, plan.System{Name: name})
			}
		}
	}

	if session == nil {
		return systems, nil
	}

	env.say("Waiting up to %s for %v...", p.lookupTimeout, p.joining)
	pending, err := waitForJoiners(ctx, env, session, p.joining, p.lookupTimeout)
	if err != nil {
		return nil, withReason("not every system of the preseed file joined", err)
	}

	return systems, session.Confirm(ctx, pending)
}

// waitForJoiners waits until the named systems prove the passphrase, and
// returns those to confirm. A system that becomes a MicroCloud member
// meanwhile is no longer waited for: the join an interrupted run started
// has finished, and the run goes on with it as a member.
func waitForJoiners(ctx context.Context, env *Env, session Session, names []string, timeout time.Duration) ([]string, error) {
	deadline := time.Now().Add(timeout)
	for {
		members, err := env.Backend.Members(ctx)
		if err != nil {
			return nil, err
		}

		var pending []string
		for _, n := range names {
			if members[n] == "" {
				pending = append(pending, n)
			}
		}

		if len(pending) == 0 {
			return nil, nil
		}

		err = session.WaitFor(ctx, pending, min(time.Second, max(time.Until(deadline), time.Millisecond)))
		if err == nil || !errors.Is(err, setup.ErrNotFound) || time.Now().After(deadline) {
			return pending, err
		}
	}
}

// Plan implements Planner: the file applied to the facts.
func (p *PreseedPlanner) Plan(_ context.Context, env *Env, _ []plan.System, facts plan.Facts) (plan.Plan, error) {
	out, problems := preseed.ToPlan(p.file, facts, env.Hostname)
	if p.mode == plan.ModeAdd {
		problems = append(problems, p.alreadyMembers(out, facts)...)
	}

	if len(problems) > 0 {
		return out, withReason("the preseed file does not fit the systems (see the initiator)",
			reportProblems(env, "The preseed file "+p.name+" does not fit the systems:", problems))
	}

	return out, nil
}

// Confirm implements Planner: unattended.
func (p *PreseedPlanner) Confirm(*Env, plan.Plan) (bool, error) { return true, nil }

// listed reports whether the file names a system.
func (p *PreseedPlanner) listed(name string) bool {
	for _, s := range p.file.Systems {
		if s.Name == name {
			return true
		}
	}

	return false
}

// alreadyMembers refuses to add a system that is a member of every
// service the plan forms already: it is not new. One that is a member of
// some only is what an interrupted add left, and the run finishes it.
func (p *PreseedPlanner) alreadyMembers(pl plan.Plan, facts plan.Facts) []plan.Problem {
	var out []plan.Problem
	for i, s := range p.file.Systems {
		if p.members[s.Name] == "" {
			continue
		}

		complete := true
		for _, t := range pl.Services() {
			st, _ := facts.Systems[s.Name].Service(t)
			complete = complete && st.Clustered
		}

		if complete {
			out = append(out, plan.NewProblem(fmt.Sprintf("systems[%d]", i), fmt.Sprintf("%s is already a member of this MicroCloud: there is nothing to add", s.Name)))
		}
	}

	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}

	sort.Strings(out)
	return out
}

// Preseed implements Planner: the plan with the file's own session options.
func (p *PreseedPlanner) Preseed(pl plan.Plan) (string, error) {
	f := p.file
	out, err := preseed.FromPlan(pl, preseed.SessionOptions{LookupSubnet: f.LookupSubnet, InitiatorAddress: f.InitiatorAddress, Passphrase: f.SessionPassphrase})
	return string(out), err
}

// Place names the validator's problems as the file does (systems[1]).
func (p *PreseedPlanner) Place(problems []plan.Problem) []plan.Problem {
	out := make([]plan.Problem, len(problems))
	for i, pr := range problems {
		out[i] = p.file.InFile(pr)
	}

	return out
}

// SavePath implements Planner: the file is its own record.
func (p *PreseedPlanner) SavePath(*Env) string { return "" }
