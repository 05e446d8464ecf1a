package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/service/report"
	"github.com/microcloud-project/microcloud/service/setup"
	"github.com/microcloud-project/microcloud/tui"
)

// runPlan is the end every init flavour shares: check the plan against the
// facts (all problems at once, nothing changed), then carry it out with
// progress.
type runPlan struct {
	local   *client.Client
	plan    plan.Plan
	facts   plan.Facts
	members map[string]string
	session *setup.InitiatorSession
	dryRun  bool

	// preseed renders the plan as a preseed for --dry-run and the replay hint.
	preseed func(plan.Plan) (string, error)
}

// problemsError lists every problem of a plan.
type problemsError struct {
	problems []plan.Problem
}

func (e *problemsError) Error() string {
	var parts []string
	for _, p := range e.problems {
		parts = append(parts, p.String())
	}

	return fmt.Sprintf("The setup has %d problem(s): %s", len(e.problems), strings.Join(parts, "; "))
}

// validate prints the plan with its warnings, and its problems if any.
func (r *runPlan) validate(out io.Writer) error {
	errs, warnings := plan.Validate(r.plan, r.facts)
	width := tui.Width(out)
	fmt.Fprint(out, tui.Summary(r.plan, width))
	fmt.Fprint(out, tui.Warnings(warnings, width))
	if len(errs) == 0 {
		return nil
	}

	fmt.Fprint(out, tui.Problems("The setup cannot be carried out:", errs, width))
	return &problemsError{problems: errs}
}

// execute runs the plan, or prints it with --dry-run.
func (r *runPlan) execute(ctx context.Context, g *globals) error {
	if r.dryRun {
		if r.preseed != nil {
			text, err := r.preseed(r.plan)
			if err != nil {
				return err
			}

			fmt.Fprintf(g.stdout, "\nEquivalent preseed (replay with 'microcloud init --preseed FILE'):\n%s", text)
		}

		return nil
	}

	e := &setup.Executor{Plan: r.plan, Facts: r.facts, Cloud: setup.NewCloud(r.local, r.plan, r.members)}
	if r.session != nil {
		e.JoinMicroCloud = r.session.JoinMicroCloud
	}

	err := e.Preflight(ctx)
	if err != nil {
		return err
	}

	err = tui.RunProgress(ctx, g.stdin, g.stdout, "Forming the MicroCloud", setup.Members(r.plan), func(ctx context.Context, rep report.Reporter) error {
		e.Report = rep
		return e.Run(ctx)
	})
	for _, w := range e.Warnings {
		fmt.Fprintln(g.stdout, "Warning: "+w)
	}

	if err != nil {
		return err
	}

	fmt.Fprintln(g.stdout, "MicroCloud is ready")
	return nil
}

// validateAndExecute is the end of the unattended flavours: validate, then
// execute (or print with --dry-run). It returns what joiners still in the
// session are told when it closes ("" after success).
func (r *runPlan) validateAndExecute(ctx context.Context, g *globals) (string, error) {
	err := r.validate(g.stdout)
	if err != nil {
		return "the plan has problems (see the initiator)", err
	}

	err = r.execute(ctx, g)
	switch {
	case err != nil:
		return "the setup failed (see the initiator)", err
	case r.dryRun:
		return "dry run: nothing was changed", nil
	}

	return "", nil
}
