// Package report is how long-running work (the executor forming a cloud)
// tells a front end what it is doing, without depending on any UI library:
// the executor calls Reporter.Report; the TUI shows a live table, and a
// plain writer prints one line per event when there is no terminal.
package report

import (
	"sync"

	"github.com/microcloud-project/microcloud/api/types"
)

// State is how far one service has got on one system.
type State int

// States, in the order a step normally goes through them.
const (
	Pending State = iota
	Running
	Done
	Failed
	Skipped
)

var stateNames = map[State]string{
	Pending: "pending",
	Running: "running",
	Done:    "done",
	Failed:  "failed",
	Skipped: "skipped",
}

func (s State) String() string {
	name, ok := stateNames[s]
	if !ok {
		return "unknown"
	}

	return name
}

// Finished reports whether the state is final for a step.
func (s State) Finished() bool {
	return s == Done || s == Failed || s == Skipped
}

// Event is one step's news: a service on a system changed state.
//
// System "" is a cluster-wide step ("Configuring cluster-wide devices") and
// Service "" a step about the system as a whole; such events only update the
// current-step line of the live view.
type Event struct {
	System  string
	Service types.ServiceType
	State   State
	// Detail is a short phrase ("joining", "joined", "3 disks added") or,
	// for Failed, the cause.
	Detail string
}

// String is the event as one plain log line: "micro02 MicroCeph: joined",
// "micro02 MicroOVN: failed: connection refused".
func (e Event) String() string {
	subject := e.System
	if e.Service != "" {
		if subject != "" {
			subject += " "
		}

		subject += string(e.Service)
	}

	what := e.Detail
	switch {
	case e.State == Failed && what != "":
		what = "failed: " + what
	case what == "":
		what = e.State.String()
	}

	if subject == "" {
		return what
	}

	return subject + ": " + what
}

// Reporter receives events. Implementations must be safe for concurrent use:
// joins run in parallel.
type Reporter interface {
	Report(e Event)
}

// Func adapts a function to a Reporter.
type Func func(e Event)

// Report calls f.
func (f Func) Report(e Event) {
	f(e)
}

// Discard is a Reporter that drops every event (tests, --quiet).
var Discard Reporter = Func(func(Event) {})

// Serialized wraps a Reporter so that concurrent callers take turns: the
// wrapped one then needs no locking of its own.
func Serialized(r Reporter) Reporter {
	var mu sync.Mutex
	return Func(func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		r.Report(e)
	})
}
