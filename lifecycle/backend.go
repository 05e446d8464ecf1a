package lifecycle

import (
	"context"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/service/report"
	"github.com/microcloud-project/microcloud/service/setup"
)

// Backend is what the use cases ask of the local daemon.
type Backend interface {
	// Members lists the MicroCloud's members (name to address); empty
	// when this machine belongs to none yet.
	Members(ctx context.Context) (map[string]string, error)

	// System is this machine's inventory (for choosing its address).
	System(ctx context.Context) (*types.System, error)

	// StartSession starts the initiator's discovery session.
	StartSession(ctx context.Context, req types.SessionStart) (Session, error)

	// JoinSession starts a joiner's session: its events until it ends.
	JoinSession(ctx context.Context, req types.SessionStart) (EventStream, error)

	// GatherFacts collects the named systems' facts (session: nil when
	// every system is a member already).
	GatherFacts(ctx context.Context, initiator string, names []string, members map[string]string, session Session, notify func(string)) (plan.Facts, error)

	// Cloud reads what the running MicroCloud has (its pools and
	// networks), which growing it follows.
	Cloud(ctx context.Context, members map[string]string) (*plan.Cloud, error)

	// Executor prepares a run of a validated plan.
	Executor(p plan.Plan, facts plan.Facts, members map[string]string, session Session) Execution
}

// Session is the initiator's discovery session.
type Session interface {
	Info() types.SessionInfo
	Peers() []types.SessionPeer
	Updates() <-chan types.SessionEvent
	// WaitFor waits until every named system proved the passphrase.
	WaitFor(ctx context.Context, names []string, timeout time.Duration) error
	// Collect returns the peers verified when the window closes.
	Collect(ctx context.Context, window time.Duration, show func(types.SessionPeer)) []types.SessionPeer
	// Confirm tells the named peers they were selected.
	Confirm(ctx context.Context, names []string) error
	// Facts gathers a selected peer's facts.
	Facts(ctx context.Context, name string) (plan.SystemFacts, error)
	// JoinMicroCloud makes a selected peer join MicroCloud with a token.
	JoinMicroCloud(ctx context.Context, name string, address string, token string) error
	// Left is why a peer left the session ("" while it is in it).
	Left(name string) string
	// Close ends the session; peers still in it are told the reason.
	Close(reason string)
}

// EventStream is a joiner's session as it goes.
type EventStream interface {
	Next() (types.SessionEvent, error)
	Close() error
}

// Execution is one run of a plan.
type Execution interface {
	// Preflight checks what must hold before anything changes.
	Preflight(ctx context.Context) error
	// Run executes every phase, reporting progress.
	Run(ctx context.Context, rep report.Reporter) error
	// Warnings are what did not stop the run but deserves a look.
	Warnings() []string
}

// ProgressFunc runs fn with a live view of its progress reports.
type ProgressFunc func(ctx context.Context, title string, systems []string, fn func(context.Context, report.Reporter) error) error

// DaemonBackend is the Backend of a real machine: its microcloudd.
type DaemonBackend struct {
	Local *client.Client
}

// Members implements Backend.
func (d DaemonBackend) Members(ctx context.Context) (map[string]string, error) {
	return setup.MicroCloudMembers(ctx, d.Local)
}

// System implements Backend.
func (d DaemonBackend) System(ctx context.Context) (*types.System, error) {
	return d.Local.System(ctx)
}

// StartSession implements Backend.
func (d DaemonBackend) StartSession(ctx context.Context, req types.SessionStart) (Session, error) {
	s, err := setup.StartInitiator(ctx, d.Local, req)
	if err != nil {
		return nil, err
	}

	return s, nil
}

// JoinSession implements Backend.
func (d DaemonBackend) JoinSession(ctx context.Context, req types.SessionStart) (EventStream, error) {
	req.Role = types.RoleJoiner
	stream, err := d.Local.StartSession(ctx, req)
	if err != nil {
		return nil, err
	}

	return stream, nil
}

// GatherFacts implements Backend.
func (d DaemonBackend) GatherFacts(ctx context.Context, initiator string, names []string, members map[string]string, session Session, notify func(string)) (plan.Facts, error) {
	var peers setup.PeerFacts
	if session != nil {
		peers = session
	}

	return setup.GatherFacts(ctx, d.Local, initiator, names, members, peers, notify)
}

// Cloud implements Backend.
func (d DaemonBackend) Cloud(ctx context.Context, members map[string]string) (*plan.Cloud, error) {
	return setup.ReadCloud(ctx, d.Local, members)
}

// Executor implements Backend.
func (d DaemonBackend) Executor(p plan.Plan, facts plan.Facts, members map[string]string, session Session) Execution {
	e := &setup.Executor{Plan: p, Facts: facts, Cloud: setup.NewCloud(d.Local, p, members), Existing: members}
	if session != nil {
		e.JoinMicroCloud = session.JoinMicroCloud
		e.LeftSession = session.Left
	}

	return execution{e}
}

type execution struct {
	e *setup.Executor
}

func (x execution) Preflight(ctx context.Context) error { return x.e.Preflight(ctx) }

func (x execution) Run(ctx context.Context, rep report.Reporter) error {
	x.e.Report = rep
	return x.e.Run(ctx)
}

func (x execution) Warnings() []string { return x.e.Warnings }
