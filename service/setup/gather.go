package setup

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/plan"
)

// ServiceWait bounds how long GatherFacts waits for services that are
// installed but not answering yet.
var ServiceWait = 30 * time.Second

// PeerFacts gathers the facts of a peer of the discovery session.
type PeerFacts interface {
	Facts(ctx context.Context, name string) (plan.SystemFacts, error)
}

// GatherFacts collects the facts of the named systems, in parallel: the
// initiator's own, those of existing MicroCloud members (members: name to
// address) over mutual TLS, and those of the session's selected peers
// (session: nil without a session).
//
// A service that is installed but not answering (starting after a reboot,
// or restarting after an interrupted bootstrap) is waited for, up to
// ServiceWait, so that a plan is not judged on a passing state; notify
// (nil: silent) says what is waited for.
func GatherFacts(ctx context.Context, local *client.Client, initiator string, names []string, members map[string]string, session PeerFacts, notify func(string)) (plan.Facts, error) {
	facts := plan.Facts{Systems: map[string]plan.SystemFacts{}}
	deadline := time.Now().Add(ServiceWait)
	waiting := ""
	for {
		err := gatherSome(ctx, local, initiator, names, members, session, facts)
		if err != nil {
			return facts, err
		}

		names = notAnswering(facts, names)
		if len(names) == 0 || time.Now().After(deadline) {
			return facts, nil
		}

		if what := describeNotAnswering(facts, names); notify != nil && what != waiting {
			waiting = what
			notify("Waiting up to " + ServiceWait.String() + " for " + what)
		}

		select {
		case <-ctx.Done():
			return facts, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// gatherSome gathers the named systems' facts into facts.
func gatherSome(ctx context.Context, local *client.Client, initiator string, names []string, members map[string]string, session PeerFacts, facts plan.Facts) error {
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := map[string]error{}
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var f plan.SystemFacts
			var err error
			switch {
			case name == initiator:
				f, err = LocalFacts(ctx, local)
			case members[name] != "":
				var remote *client.Client
				remote, err = local.Remote(service.Address(types.MicroCloud, members[name]))
				if err == nil {
					f, err = LocalFacts(ctx, remote)
				}
			case session != nil:
				f, err = session.Facts(ctx, name)
			default:
				err = fmt.Errorf("%s is neither a MicroCloud member nor in the session", name)
			}

			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs[name] = err
				return
			}

			facts.Systems[name] = f
		}()
	}

	wg.Wait()
	for _, name := range names {
		if err := errs[name]; err != nil {
			return &GatherError{System: name, Member: members[name] != "" && name != initiator, Err: err}
		}
	}

	return nil
}

// GatherError is a system whose facts could not be gathered; Member says
// it is an existing MicroCloud member (reached over mutual TLS), not a peer
// of the session.
type GatherError struct {
	System string
	Member bool
	Err    error
}

func (e *GatherError) Error() string {
	return fmt.Sprintf("Failed to gather information from %s: %v", e.System, e.Err)
}

func (e *GatherError) Unwrap() error { return e.Err }

// notAnswering lists the systems with an installed service that does not
// answer.
func notAnswering(facts plan.Facts, names []string) []string {
	var out []string
	for _, name := range names {
		for _, s := range facts.Systems[name].Services {
			if s.Present && s.Error != "" {
				out = append(out, name)
				break
			}
		}
	}

	return out
}

// describeNotAnswering says which services of which systems are waited for.
func describeNotAnswering(facts plan.Facts, names []string) string {
	var parts []string
	for _, name := range names {
		for _, s := range facts.Systems[name].Services {
			if s.Present && s.Error != "" {
				parts = append(parts, fmt.Sprintf("%s on %s (%s)", s.Type, name, s.Error))
			}
		}
	}

	return strings.Join(parts, ", ")
}

// MicroCloudMembers lists the existing MicroCloud members (name to IP) when
// the local daemon is initialised (a resumed run or a growing cloud).
func MicroCloudMembers(ctx context.Context, local *client.Client) (map[string]string, error) {
	status, err := local.Status(ctx)
	if err != nil {
		return nil, err
	}

	out := map[string]string{}
	if !status.Ready {
		return out, nil
	}

	members, err := local.Members(ctx)
	if err != nil {
		return nil, err
	}

	for _, m := range members {
		out[m.Name] = m.Address.Addr().String()
	}

	return out, nil
}
