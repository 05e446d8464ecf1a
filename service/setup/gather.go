package setup

import (
	"context"
	"fmt"
	"sync"

	"github.com/microcloud-project/microcloud/api/client"
	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/plan"
)

// GatherFacts collects the facts of the named systems, in parallel: the
// initiator's own, those of existing MicroCloud members (members: name to
// address) over mutual TLS, and those of the session's selected peers.
func GatherFacts(ctx context.Context, local *client.Client, initiator string, names []string, members map[string]string, session *InitiatorSession) (plan.Facts, error) {
	facts := plan.Facts{Systems: map[string]plan.SystemFacts{}}
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
			return facts, fmt.Errorf("Failed to gather information from %s: %w", name, err)
		}
	}

	return facts, nil
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
