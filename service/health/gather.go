package health

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	lxd "github.com/canonical/lxd/client"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/microovn"
	"github.com/microcloud-project/microcloud/service/shrink"
)

// Budget bounds a whole status: a member that is down is reported, not
// waited for.
const Budget = 4 * time.Second

// Sources are where status reads from, all through the local member.
type Sources interface {
	Service(ctx context.Context, member string, t types.ServiceType) (service.Service, error)
	LXD(ctx context.Context, member string) (lxd.InstanceServer, error)
	OVNServices(ctx context.Context, member string) ([]microovn.ServiceEntry, error)
	CephReport(ctx context.Context, member string) (*types.CephReport, error)
	OVNReport(ctx context.Context, member string, southbound string) (*types.OVNReport, error)
	// ServiceStates are a member's services as its microcloudd reports
	// them (an error: it does not answer).
	ServiceStates(ctx context.Context, member string) ([]types.ServiceState, error)
	// Settings are what the members were set up with.
	Settings(ctx context.Context) (types.MemberSettings, error)
}

// Gather reads every source at once, within Budget.
func Gather(ctx context.Context, src Sources, local string) Snapshot {
	ctx, cancel := context.WithTimeout(ctx, Budget)
	defer cancel()
	s := Snapshot{Members: map[types.ServiceType]map[string]string{}, Addresses: map[string]string{}, OVNServices: map[string][]string{}, PlannedEncapIPs: map[string]string{}, Versions: map[types.ServiceType]map[string]string{}}
	var mu sync.Mutex
	fail := func(format string, args ...any) {
		mu.Lock()
		s.Errors = append(s.Errors, fmt.Sprintf(format, args...))
		mu.Unlock()
	}

	var wg sync.WaitGroup
	for _, t := range serviceColumns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			members, addrs, ok := readMembers(ctx, src, local, t, fail)
			if !ok {
				return
			}

			mu.Lock()
			s.Members[t] = members
			if t == types.MicroCloud {
				s.Addresses = addrs
			}

			mu.Unlock()
		}()
	}

	wg.Add(1)
	go func() {
		defer wg.Done()
		pools, networks, err := readLXDObjects(src, ctx, local)
		if err != nil {
			fail("LXD's pools and networks could not be read: %v", err)
			return
		}

		mu.Lock()
		s.Pools, s.Networks = pools, networks
		mu.Unlock()
	}()

	wg.Wait()
	for _, name := range sortedKeys(s.Members[types.MicroCloud]) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			states, err := src.ServiceStates(ctx, name)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				s.Unreachable = append(s.Unreachable, name)
				return
			}

			for _, st := range states {
				if st.Present && st.Version != "" {
					if s.Versions[st.Type] == nil {
						s.Versions[st.Type] = map[string]string{}
					}

					s.Versions[st.Type][name] = st.Version
				}
			}
		}()
	}

	if _, ok := s.Members[types.MicroCeph]; ok {
		wg.Add(1)
		go func() {
			defer wg.Done()
			report, err := src.CephReport(ctx, local)
			if err != nil {
				fail("%s", sourceError("Ceph", local, err))
				return
			}

			mu.Lock()
			s.Ceph = report
			mu.Unlock()
		}()
	}

	if _, ok := s.Members[types.MicroOVN]; ok {
		wg.Add(1)
		go func() {
			defer wg.Done()
			readOVN(ctx, src, local, &s, &mu, fail)
		}()
	}

	wg.Wait()
	sort.Strings(s.Unreachable)
	return s
}

// readMembers lists one service's members from the local member; a
// service this machine does not run clustered is not part of the cloud.
func readMembers(ctx context.Context, src Sources, local string, t types.ServiceType, fail func(string, ...any)) (map[string]string, map[string]string, bool) {
	svc, err := src.Service(ctx, local, t)
	if err != nil {
		fail("%s could not be reached on %s: %v", t, local, err)
		return nil, nil, false
	}

	state, err := svc.Status(ctx)
	if err != nil || !state.Present || !state.Clustered {
		if t == types.MicroCloud || t == types.LXD {
			fail("%s is not clustered on %s", t, local)
		}

		return nil, nil, false
	}

	list, err := svc.Members(ctx)
	if err != nil {
		fail("%s's members could not be read: %v", t, err)
		return nil, nil, false
	}

	members, addrs := map[string]string{}, map[string]string{}
	for _, m := range list {
		members[m.Name] = strings.ToUpper(m.Status)
		host, _, err := net.SplitHostPort(m.Address)
		if err != nil {
			host = m.Address
		}

		addrs[m.Name] = host
	}

	return members, addrs, true
}

func readLXDObjects(src Sources, ctx context.Context, local string) (map[string]string, map[string]string, error) {
	lc, err := src.LXD(ctx, local)
	if err != nil {
		return nil, nil, err
	}

	pools, err := lc.GetStoragePools()
	if err != nil {
		return nil, nil, err
	}

	networks, err := lc.GetNetworks()
	if err != nil {
		return nil, nil, err
	}

	outPools, outNetworks := map[string]string{}, map[string]string{}
	for _, p := range pools {
		outPools[p.Name] = p.Status
	}

	for _, n := range networks {
		if n.Managed {
			outNetworks[n.Name] = n.Status
		}
	}

	return outPools, outNetworks, nil
}

// readOVN reads where MicroOVN runs what, then OVN's chassis from the local
// member (its central's socket, else the centrals over TLS).
func readOVN(ctx context.Context, src Sources, local string, s *Snapshot, mu *sync.Mutex, fail func(string, ...any)) {
	entries, err := src.OVNServices(ctx, local)
	if err != nil {
		fail("MicroOVN's services could not be read: %v", err)
		return
	}

	mu.Lock()
	for _, e := range entries {
		s.OVNServices[e.Location] = append(s.OVNServices[e.Location], e.Service)
	}

	addrs := map[string]string{}
	for m, ip := range s.Addresses {
		addrs[m] = net.JoinHostPort(ip, "0")
	}

	mu.Unlock()
	settings, err := src.Settings(ctx)
	if err != nil {
		fail("MicroCloud's record of the planned encapsulation IPs could not be read: %v", err)
	}

	sb := microovn.Southbound(entries, addrs)
	report, err := src.OVNReport(ctx, local, sb)
	if err != nil {
		fail("%s", sourceError("OVN's southbound database", local, err))
		return
	}

	mu.Lock()
	s.OVN = report
	for member, kv := range settings {
		if ip := kv[types.SettingOVNEncapIP]; ip != "" {
			s.PlannedEncapIPs[member] = ip
		}
	}

	mu.Unlock()
}

// sourceError says why a source gave no answer; running out of time is
// usually a quorum re-forming after a member went down.
func sourceError(what string, local string, err error) string {
	if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "deadline exceeded") {
		return fmt.Sprintf("%s did not answer on %s within %s: after a member goes down its quorum takes a few seconds to re-form; run status again", what, local, Budget)
	}

	return fmt.Sprintf("%s could not be read on %s: %v", what, local, err)
}

// Cloud is Sources over the local microcloudd.
type Cloud struct {
	shrink.Cloud
	local string
}

// NewCloud reaches the members (name to address) from the local member.
func NewCloud(local *client.Client, localName string, members map[string]string) Cloud {
	return Cloud{Cloud: shrink.NewCloud(local, localName, members), local: localName}
}

// OVNServices implements Sources.
func (c Cloud) OVNServices(ctx context.Context, member string) ([]microovn.ServiceEntry, error) {
	ovn, err := c.OVN(ctx, member)
	if err != nil {
		return nil, err
	}

	return ovn.Services(ctx)
}

// CephReport implements Sources.
func (c Cloud) CephReport(ctx context.Context, member string) (*types.CephReport, error) {
	cl, err := c.Client(member)
	if err != nil {
		return nil, err
	}

	return cl.Ceph(ctx)
}

// ServiceStates implements Sources: within reachTimeout, so that a
// powered-off member is named at once.
func (c Cloud) ServiceStates(ctx context.Context, member string) ([]types.ServiceState, error) {
	cl, err := c.Client(member)
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithTimeout(ctx, reachTimeout)
	defer cancel()
	return cl.Services(ctx)
}

// reachTimeout bounds the question to one member.
const reachTimeout = 3 * time.Second

// Settings implements Sources.
func (c Cloud) Settings(ctx context.Context) (types.MemberSettings, error) {
	cl, err := c.Client(c.local)
	if err != nil {
		return nil, err
	}

	return cl.Settings(ctx)
}

// OVNReport implements Sources.
func (c Cloud) OVNReport(ctx context.Context, member string, southbound string) (*types.OVNReport, error) {
	cl, err := c.Client(member)
	if err != nil {
		return nil, err
	}

	return cl.OVN(ctx, southbound)
}
