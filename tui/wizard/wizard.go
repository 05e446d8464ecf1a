package wizard

import (
	"fmt"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/tui"
)

// Wizard asks for the parts of a plan that need the systems' facts: local
// storage, Ceph, OVN. Plan starts with the mode, the initiator and the
// systems with their addresses; the questions fill in the rest.
type Wizard struct {
	Ask   Asker
	Facts plan.Facts
	Plan  plan.Plan
}

// Build asks every question, in the order doc/how-to/init.md lists: local storage,
// distributed storage, distributed networking and its underlay. Each
// section is validated as soon as it is answered. Growing a cloud (ModeAdd)
// it asks only each new system's part of what the cloud has.
func (w *Wizard) Build() (plan.Plan, error) {
	w.Plan.Sort()
	if w.Plan.Mode == plan.ModeAdd {
		return w.grow()
	}

	steps := []func() error{w.localStorage, w.distributedStorage, w.distributedNetworking}
	for _, step := range steps {
		err := step()
		if err != nil {
			return plan.Plan{}, err
		}
	}

	return w.Plan, nil
}

// sectionProblems validates a trial plan and keeps the errors whose path
// belongs to the section being asked (the other sections are not answered
// yet, or were checked already).
func (w *Wizard) sectionProblems(p plan.Plan, inSection func(plan.Problem) bool) []plan.Problem {
	errs, _ := plan.Validate(p, w.Facts)
	var out []plan.Problem
	for _, e := range errs {
		if inSection(e) {
			out = append(out, e)
		}
	}

	return out
}

// problemsError is the inline message of a refused answer: the first
// problem in the validator's words, and how many more there are.
func problemsError(problems []plan.Problem) error {
	if len(problems) == 0 {
		return nil
	}

	msg := problems[0].String()
	if len(problems) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(problems)-1)
	}

	return fmt.Errorf("%s", msg)
}

// onEverySystem matches the problems of a field of any system.
func onEverySystem(field plan.Field) func(plan.Problem) bool {
	return func(p plan.Problem) bool { return p.System != "" && p.Field.In(field) }
}

// everySystemHas reports whether a service is usable on every system, and
// names the first system where it is not.
func (w *Wizard) everySystemHas(t types.ServiceType) (bool, string) {
	for _, s := range w.Plan.Systems {
		if _, ok := w.Facts.Systems[s.Name].Service(t); !ok {
			return false, s.Name
		}
	}

	return true, ""
}

// everyLXDHas reports whether LXD on every system has an API extension.
func (w *Wizard) everyLXDHas(ext string) bool {
	for _, s := range w.Plan.Systems {
		st, ok := w.Facts.Systems[s.Name].Service(types.LXD)
		if !ok || !st.HasExtension(ext) {
			return false
		}
	}

	return true
}

// systemIndex finds a system of the plan by name.
func (w *Wizard) systemIndex(name string) int {
	for i, s := range w.Plan.Systems {
		if s.Name == name {
			return i
		}
	}

	return -1
}

// yes asks a yes/no question.
func (w *Wizard) yes(prompt string, def bool) (bool, error) {
	return w.Ask.Confirm(tui.ConfirmQuestion{Prompt: prompt, Default: def})
}
