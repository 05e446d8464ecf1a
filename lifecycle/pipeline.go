package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/service/setup"
	"github.com/microcloud-project/microcloud/tui"
)

// Planner is one way of forming a plan: the interactive wizard, a preseed
// file, --auto. The Pipeline calls its methods in this order; a planner may
// keep what it learnt in one for the next.
type Planner interface {
	// Mode is init (a new cloud) or add (growing this machine's cloud).
	Mode() plan.Mode

	// Check refuses what this flavour cannot do given the existing
	// MicroCloud members (members: name to address; empty before init).
	Check(env *Env, members map[string]string) error

	// Session is the discovery session to start, or nil when none is
	// needed (every system is a member already, or a single machine).
	Session(ctx context.Context, env *Env, members map[string]string) (*types.SessionStart, error)

	// Systems chooses the plan's systems among the members and, when a
	// session runs, its peers, and confirms the chosen peers.
	Systems(ctx context.Context, env *Env, session Session, members map[string]string) ([]plan.System, error)

	// Plan makes the plan from the systems' facts.
	Plan(ctx context.Context, env *Env, systems []plan.System, facts plan.Facts) (plan.Plan, error)

	// Confirm says whether to go on once the summary is shown (an
	// unattended flavour always does).
	Confirm(env *Env, p plan.Plan) (bool, error)

	// Preseed renders the plan as the preseed that replays it.
	Preseed(p plan.Plan) (string, error)

	// SavePath is where the plan is saved before anything changes, so that
	// an interrupted run can be finished; "" saves nothing.
	SavePath(env *Env) string
}

// Options of a run of the pipeline.
type Options struct {
	// DryRun stops before anything changes and prints the plan's preseed.
	DryRun bool
}

// ErrNothingChanged ends a run the operator left before anything was done.
var ErrNothingChanged = fmt.Errorf("%w: nothing was changed", tui.ErrCancelled)

// Reasons the joiners still in the session are told when it closes.
const (
	reasonStopped   = "the initiator stopped"
	reasonCancelled = "the initiator cancelled"
	reasonSummary   = "the initiator cancelled at the summary"
	reasonProblems  = "the plan has problems (see the initiator)"
	reasonDryRun    = "dry run: nothing was changed"
	reasonFailed    = "the setup failed (see the initiator)"
)

// endReason is an error with what the session's joiners are told.
type endReason struct {
	reason string
	err    error
}

func (e *endReason) Error() string { return e.err.Error() }
func (e *endReason) Unwrap() error { return e.err }

// withReason gives an error the reason joiners are told.
func withReason(reason string, err error) error {
	return &endReason{reason: reason, err: err}
}

// reasonOf is the reason an error carries, else what a step's failure
// means: the operator's cancellation or the initiator stopping.
func reasonOf(err error) string {
	var r *endReason
	if errors.As(err, &r) {
		return r.reason
	}

	if errors.Is(err, tui.ErrCancelled) {
		return reasonCancelled
	}

	return reasonStopped
}

// cancelled turns the operator's Esc or Ctrl-C into "nothing was changed".
func cancelled(err error) error {
	if errors.Is(err, tui.ErrCancelled) && !errors.Is(err, ErrNothingChanged) {
		return withReason(reasonOf(err), ErrNothingChanged)
	}

	return err
}

// Pipeline forms (or finishes forming) a MicroCloud with one planner.
type Pipeline struct {
	Env     *Env
	Planner Planner
	Options Options
}

// Run runs every step. The session, if one was started, is closed at the
// end, and the joiners still in it are told why: the reason of the step
// that stopped the run, or nothing after a success.
func (r *Pipeline) Run(ctx context.Context) error {
	var session Session
	reason, err := r.run(ctx, &session)
	if session != nil {
		session.Close(reason)
	}

	return err
}

// fail is a failed step's reason and error.
func fail(err error) (string, error) {
	err = cancelled(err)
	return reasonOf(err), err
}

func (r *Pipeline) run(ctx context.Context, sessionOut *Session) (string, error) {
	env, pl := r.Env, r.Planner
	members, err := env.Backend.Members(ctx)
	if err != nil {
		return fail(err)
	}

	err = pl.Check(env, members)
	if err != nil {
		return fail(err)
	}

	start, err := pl.Session(ctx, env, members)
	if err != nil {
		return fail(err)
	}

	var session Session
	if start != nil {
		session, err = r.startSession(ctx, *start)
		if err != nil {
			return fail(err)
		}

		*sessionOut = session
	}

	systems, err := pl.Systems(ctx, env, session, members)
	if err != nil {
		return fail(err)
	}

	// A join an interrupted run started may have finished meanwhile.
	if session != nil {
		members, err = env.Backend.Members(ctx)
		if err != nil {
			return fail(err)
		}
	}

	var names []string
	for _, s := range systems {
		names = append(names, s.Name)
	}

	env.say("Gathering information from %d system(s)...", len(names))
	facts, err := env.Backend.GatherFacts(ctx, env.Hostname, names, members, session, func(s string) { env.say("%s", s) })
	var unreachable *setup.GatherError
	if errors.As(err, &unreachable) && unreachable.Member && pl.Mode() == plan.ModeAdd {
		err = fmt.Errorf("%s is not reachable: add needs every member online (%v)", unreachable.System, unreachable.Err)
	}

	if err != nil {
		return fail(err)
	}

	// Growing a cloud, its pools and networks decide what the new members
	// are asked and given.
	if pl.Mode() == plan.ModeAdd {
		facts.Cloud, err = env.Backend.Cloud(ctx, members)
		if err != nil {
			return fail(err)
		}
	}

	p, err := pl.Plan(ctx, env, systems, facts)
	if err != nil {
		return fail(err)
	}

	err = r.validate(p, facts)
	if err != nil {
		return reasonProblems, err
	}

	ok, err := pl.Confirm(env, p)
	if err == nil && !ok {
		err = tui.ErrCancelled
	}

	if err != nil {
		return fail(withReason(reasonSummary, err))
	}

	if r.Options.DryRun {
		text, err := pl.Preseed(p)
		if err != nil {
			return fail(err)
		}

		// The file as it is: a paragraph's wrapping would break its YAML.
		if text != "" {
			fmt.Fprintf(env.Out, "\nEquivalent preseed (replay with 'microcloud init --preseed FILE'):\n%s\n", strings.TrimRight(text, "\n"))
		}

		return reasonDryRun, nil
	}

	saved := r.save(p)
	err = r.execute(ctx, p, facts, members, session)
	if err != nil {
		if saved != "" {
			env.say("To finish the job once the cause is fixed, run: microcloud init --preseed %s", saved)
		}

		return reasonFailed, err
	}

	if saved != "" {
		env.say("This setup as a preseed file, to replay or keep: %s", saved)
	}

	return "", nil
}

// problemPlaces is a planner whose input names places its own way (a
// preseed file's "systems[1]"): the validator's problems are shown in its
// terms.
type problemPlaces interface {
	Place(problems []plan.Problem) []plan.Problem
}

// startSession starts the discovery session and tells the operator what to
// run on the other machines.
func (r *Pipeline) startSession(ctx context.Context, req types.SessionStart) (Session, error) {
	session, err := r.Env.Backend.StartSession(ctx, req)
	if err != nil {
		return nil, err
	}

	info := session.Info()
	r.Env.say("Discovery on %s (%s on %s; multicast: %s)", info.Name, info.Address, info.Interface, info.Multicast)
	r.Env.say("On each machine to join, run: microcloud join")
	r.Env.say("Passphrase: %s", info.Passphrase)
	r.Env.say("Fingerprint of %s: %s (check that joining machines show it)", info.Name, types.ShortFingerprint(info.Fingerprint))
	return session, nil
}

// validate prints the plan with its warnings, and its problems if any (on
// standard error, as every problem is).
func (r *Pipeline) validate(p plan.Plan, facts plan.Facts) error {
	errs, warnings := plan.Validate(p, facts)
	if places, ok := r.Planner.(problemPlaces); ok {
		errs, warnings = places.Place(errs), places.Place(warnings)
	}

	width := tui.Width(r.Env.Out)
	fmt.Fprint(r.Env.Out, tui.Summary(p, width))
	fmt.Fprint(r.Env.Out, tui.Warnings(warnings, width))
	if len(errs) == 0 {
		return nil
	}

	fmt.Fprint(r.Env.Err, tui.Problems("The setup cannot be carried out:", errs, width))
	return &ProblemsError{Problems: errs}
}

// save writes the plan's preseed where the planner keeps it, before
// anything changes; it returns the path, or "" when nothing was saved.
func (r *Pipeline) save(p plan.Plan) string {
	path := r.Planner.SavePath(r.Env)
	if path == "" {
		return ""
	}

	text, err := r.Planner.Preseed(p)
	if err == nil {
		err = os.WriteFile(path, []byte(text), 0o600)
	}

	if err != nil {
		r.Env.say("Warning: could not save this setup as a preseed file: %v", err)
		return ""
	}

	return path
}

// execute checks what must hold, then runs the plan with progress.
func (r *Pipeline) execute(ctx context.Context, p plan.Plan, facts plan.Facts, members map[string]string, session Session) error {
	x := r.Env.Backend.Executor(p, facts, members, session)
	err := x.Preflight(ctx)
	if err != nil {
		return err
	}

	title := "Forming the MicroCloud"
	switch {
	case p.Mode == plan.ModeAdd && len(p.Systems) == 0:
		title = "Setting up services on the MicroCloud"
	case p.Mode == plan.ModeAdd:
		title = "Adding systems to the MicroCloud"
	}

	err = r.Env.Progress(ctx, title, p.Names(), x.Run)
	for _, w := range x.Warnings() {
		r.Env.say("Warning: %s", w)
	}

	if err != nil {
		return err
	}

	r.Env.say("MicroCloud is ready")
	return nil
}

// ProblemsError lists every problem of a plan.
type ProblemsError struct {
	Problems []plan.Problem
}

func (e *ProblemsError) Error() string {
	var parts []string
	for _, p := range e.Problems {
		parts = append(parts, p.String())
	}

	return fmt.Sprintf("The setup has %d problem(s): %s", len(e.Problems), strings.Join(parts, "; "))
}

// reportProblems lists every problem of a file on standard error and
// returns a one-line error.
func reportProblems(env *Env, title string, problems []plan.Problem) error {
	fmt.Fprint(env.Err, tui.Problems(title, problems, 100))
	return fmt.Errorf("%d problem(s) (listed above); nothing was changed", len(problems))
}
