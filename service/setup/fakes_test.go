package setup

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/shared/api"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/microceph"
	"github.com/microcloud-project/microcloud/service/microovn"
	"github.com/microcloud-project/microcloud/service/report"
)

// Fakes of the roles the executor uses, for unit tests of its phases: one
// fakeCluster per service, shared by its members' fakeServices, a fake
// MicroCeph and MicroOVN, and a fake LXD cluster behind lxd.InstanceServer.

// fakeService is one system's service: clustered or not, with the members
// its cluster lists (shared by every member of a fake cluster).
type fakeService struct {
	typ       types.ServiceType
	name      string
	clustered bool
	cluster   *fakeCluster
	// joinErr fails this system's join.
	joinErr error
	// raced is how many more joins fail the way concurrent microcluster
	// joins do: listed and clustered at the failure, undone just after.
	raced int
	// down is how many more status calls fail (a service restarting).
	down int
}

type fakeCluster struct {
	mu         sync.Mutex
	members    []service.Member
	tokens     []string
	joins      []string
	configs    map[string]map[string]string
	bootstraps int
	extensions []string
	// inFlight and maxInFlight count the joins running at once.
	inFlight, maxInFlight int
}

func (f *fakeService) Type() types.ServiceType { return f.typ }

func (f *fakeService) Status(context.Context) (types.ServiceState, error) {
	f.cluster.mu.Lock()
	defer f.cluster.mu.Unlock()
	if f.down > 0 {
		f.down--
		return types.ServiceState{}, fmt.Errorf("%s is not available on %s: no control socket", f.typ, f.name)
	}

	return types.ServiceState{Type: f.typ, Present: true, Clustered: f.clustered, Extensions: f.cluster.extensions}, nil
}

func (f *fakeService) Bootstrap(_ context.Context, name string, address string, config map[string]string) error {
	f.clustered = true
	f.cluster.add(name, address)
	f.cluster.mu.Lock()
	defer f.cluster.mu.Unlock()
	f.cluster.bootstraps++
	f.cluster.config(name, config)
	return nil
}

func (f *fakeService) IssueToken(_ context.Context, name string) (string, error) {
	f.cluster.mu.Lock()
	defer f.cluster.mu.Unlock()
	f.cluster.tokens = append(f.cluster.tokens, name)
	return "token-" + name, nil
}

func (f *fakeService) RevokeToken(context.Context, string) error { return nil }

func (f *fakeService) Join(_ context.Context, name string, address string, _ string, config map[string]string) error {
	if f.joinErr != nil {
		return f.joinErr
	}

	f.cluster.mu.Lock()
	raced := f.raced > 0
	f.raced--
	f.cluster.mu.Unlock()
	if raced {
		f.clustered = true
		f.cluster.add(name, address)
		go func() {
			time.Sleep(20 * time.Millisecond)
			f.cluster.mu.Lock()
			defer f.cluster.mu.Unlock()
			f.cluster.members = slices.DeleteFunc(f.cluster.members, func(m service.Member) bool { return m.Name == name })
			f.clustered = false
			f.down = 2
		}()

		return fmt.Errorf("No remote found at address %q run the post-remove hook", "10.0.0.9:6443")
	}

	f.cluster.mu.Lock()
	f.cluster.inFlight++
	f.cluster.maxInFlight = max(f.cluster.maxInFlight, f.cluster.inFlight)
	f.cluster.mu.Unlock()
	time.Sleep(5 * time.Millisecond)
	f.cluster.mu.Lock()
	f.cluster.inFlight--
	f.cluster.mu.Unlock()

	f.clustered = true
	f.cluster.add(name, address)
	f.cluster.mu.Lock()
	defer f.cluster.mu.Unlock()
	f.cluster.joins = append(f.cluster.joins, name)
	f.cluster.config(name, config)
	return nil
}

func (f *fakeService) Members(context.Context) ([]service.Member, error) {
	f.cluster.mu.Lock()
	defer f.cluster.mu.Unlock()
	return slices.Clone(f.cluster.members), nil
}

func (f *fakeService) RemoveMember(context.Context, string, bool) error { return nil }

func (c *fakeCluster) add(name string, address string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.members = append(c.members, service.Member{Name: name, Address: address, Status: "Online"})
}

// config records a member's initConfig (under the lock).
func (c *fakeCluster) config(name string, config map[string]string) {
	if c.configs == nil {
		c.configs = map[string]map[string]string{}
	}

	c.configs[name] = maps.Clone(config)
}

func (c *fakeCluster) joined() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.joins, ",")
}

// joinedSet is joined in name order, for joins that run concurrently.
func (c *fakeCluster) joinedSet() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(slices.Sorted(slices.Values(c.joins)), ",")
}

// fakeCloud is every system's services.
type fakeCloud struct {
	services map[types.ServiceType]map[string]*fakeService
	clusters map[types.ServiceType]*fakeCluster
	ceph     *fakeCeph
	ovn      *fakeOVN
	lxd      *fakeLXD
	pki      *types.OVNPKI
	settings types.MemberSettings

	mu            sync.Mutex
	drainingPolls map[string]int
}

// newFakeCloud is a cloud of systems whose services are all unclustered.
func newFakeCloud(systems ...string) *fakeCloud {
	c := &fakeCloud{services: map[types.ServiceType]map[string]*fakeService{}, clusters: map[types.ServiceType]*fakeCluster{},
		ceph: &fakeCeph{}, ovn: &fakeOVN{encap: map[string]string{}}, lxd: newFakeLXD()}
	for _, t := range []types.ServiceType{types.MicroCloud, types.MicroOVN, types.MicroCeph, types.LXD} {
		c.clusters[t] = &fakeCluster{}
		c.services[t] = map[string]*fakeService{}
		for _, s := range systems {
			c.services[t][s] = &fakeService{typ: t, name: s, cluster: c.clusters[t]}
		}
	}

	return c
}

func (c *fakeCloud) Service(_ context.Context, system string, t types.ServiceType) (service.Service, error) {
	s, ok := c.services[t][system]
	if !ok {
		return nil, fmt.Errorf("no %s on %s", t, system)
	}

	return s, nil
}

func (c *fakeCloud) Ceph(context.Context, string) (CephAdmin, error) { return c.ceph, nil }

func (c *fakeCloud) OVN(_ context.Context, system string) (OVNAdmin, error) {
	return fakeOVNOn{fakeOVN: c.ovn, system: system, members: c.clusters[types.MicroOVN]}, nil
}

func (c *fakeCloud) LXD(context.Context, string) (lxd.InstanceServer, error) { return c.lxd, nil }

func (c *fakeCloud) OVNPKI(context.Context) (*types.OVNPKI, error) {
	if c.pki == nil {
		return nil, fmt.Errorf("no PKI")
	}

	return c.pki, nil
}

// Chassis is OVN's southbound database: a chassis per encap IP.
func (c *fakeCloud) Chassis(context.Context, string) ([]types.OVNChassis, error) {
	c.ovn.mu.Lock()
	defer c.ovn.mu.Unlock()
	if c.ovn.noSB {
		return nil, fmt.Errorf("no southbound database")
	}

	var out []types.OVNChassis
	for name, ip := range c.ovn.encap {
		out = append(out, types.OVNChassis{Name: "id-" + name, Hostname: name, EncapIPs: []string{ip}})
	}

	return out, nil
}

// OVNRoutersForLXD is the northbound database as LXD reaches it: a router
// per OVN network, unless LXD's certificates fail or routers are lost.
func (c *fakeCloud) OVNRoutersForLXD(context.Context, string) ([]string, error) {
	c.ovn.mu.Lock()
	defer c.ovn.mu.Unlock()
	if c.ovn.lxdCannotReach {
		return nil, fmt.Errorf("ovn-nbctl: ssl: certificate verify failed")
	}

	routers := []string{"some-other-router"}
	c.lxd.state.mu.Lock()
	defer c.lxd.state.mu.Unlock()
	lost := c.ovn.lostRouters
	for i, n := range sortedNetworks(c.lxd.state.networks) {
		if n.Type != "ovn" {
			continue
		}

		if lost > 0 {
			lost--
			continue
		}

		routers = append(routers, fmt.Sprintf("lxd-net%d-lr", i+1))
	}

	return routers, nil
}

func sortedNetworks(networks map[string]*api.Network) []*api.Network {
	var out []*api.Network
	for _, n := range networks {
		out = append(out, n)
	}

	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// EncapIP is a member's Open vSwitch database.
func (c *fakeCloud) EncapIP(_ context.Context, system string) (string, error) {
	c.ovn.mu.Lock()
	defer c.ovn.mu.Unlock()
	ip, ok := c.ovn.encap[system]
	if c.ovn.noSwitchDB || !ok {
		return "", fmt.Errorf("no Open vSwitch database")
	}

	return ip, nil
}

// DrainingRequests answers 1 as many times as drainingPolls[system] says,
// then 0.
func (c *fakeCloud) DrainingRequests(_ context.Context, system string) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.drainingPolls[system] > 0 {
		c.drainingPolls[system]--
		return 1, nil
	}

	return 0, nil
}

func (c *fakeCloud) PlaceOVNPKIForLXD(_ context.Context, system string) error {
	c.ovn.mu.Lock()
	defer c.ovn.mu.Unlock()
	c.ovn.pkiPlaced = append(c.ovn.pkiPlaced, system)
	return nil
}

func (c *fakeCloud) RecordSettings(_ context.Context, settings types.MemberSettings) error {
	if c.settings == nil {
		c.settings = types.MemberSettings{}
	}

	for m, kv := range settings {
		c.settings[m] = kv
	}

	return nil
}

// fakeCeph is MicroCeph's OSDs and replication.
type fakeCeph struct {
	mu          sync.Mutex
	osds        []microceph.Disk
	adds        []string
	replication int64
}

func (f *fakeCeph) OSDs(context.Context) ([]microceph.Disk, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.osds), nil
}

// AddDisk adds one OSD per path, or <count> for "loop,<size>,<count>".
func (f *fakeCeph) AddDisk(_ context.Context, member string, d microceph.DisksPost) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range d.Path {
		f.adds = append(f.adds, member+":"+p)
		n := 1
		if strings.HasPrefix(p, "loop,") {
			n = loopCount(p)
		}

		for i := 0; i < n; i++ {
			path := p
			if n > 1 || strings.HasPrefix(p, "loop,") {
				path = fmt.Sprintf("/var/lib/osd%d.img", len(f.osds))
			}

			f.osds = append(f.osds, microceph.Disk{OSD: int64(len(f.osds)), Path: path, Location: member})
		}
	}

	return nil
}

func (f *fakeCeph) SetReplication(_ context.Context, size int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replication = size
	return nil
}

// fakeOVN is MicroOVN: central on every member, each chassis' encap IP.
type fakeOVN struct {
	mu    sync.Mutex
	encap map[string]string
	// noSwitchDB: members' Open vSwitch databases cannot be read; noSB:
	// OVN's southbound database cannot be read.
	noSwitchDB bool
	noSB       bool
	// lxdCannotReach: LXD's certificates fail at the northbound
	// database; lostRouters: that many of LXD's routers are missing.
	lxdCannotReach bool
	lostRouters    int
	// pkiPlaced lists where the client PKI was put for LXD.
	pkiPlaced []string
}

type fakeOVNOn struct {
	*fakeOVN
	system  string
	members *fakeCluster
}

func (f fakeOVNOn) Services(context.Context) ([]microovn.ServiceEntry, error) {
	f.members.mu.Lock()
	defer f.members.mu.Unlock()
	var out []microovn.ServiceEntry
	for _, m := range f.members.members {
		out = append(out, microovn.ServiceEntry{Service: "central", Location: m.Name}, microovn.ServiceEntry{Service: "chassis", Location: m.Name})
	}

	return out, nil
}

// fakeLXD is an LXD cluster's pools, networks, server config and default
// profile, as lxd.InstanceServer: only the calls the executor makes are
// implemented (the embedded interface panics on any other).
type fakeLXD struct {
	lxd.InstanceServer
	state  *fakeLXDState
	target string
}

type fakeLXDState struct {
	mu           sync.Mutex
	memberConfig []api.ClusterMemberConfigKey
	config       map[string]any
	pools        map[string]*api.StoragePool
	networks     map[string]*api.Network
	profile      api.ProfilePut
	calls        []string
}

func newFakeLXD() *fakeLXD {
	return &fakeLXD{state: &fakeLXDState{config: map[string]any{}, pools: map[string]*api.StoragePool{}, networks: map[string]*api.Network{},
		profile: api.ProfilePut{Devices: map[string]map[string]string{}}}}
}

func (f *fakeLXD) call(format string, args ...any) {
	f.state.calls = append(f.state.calls, fmt.Sprintf(format, args...))
}

func (f *fakeLXD) UseTarget(name string) lxd.InstanceServer {
	return &fakeLXD{state: f.state, target: name}
}

func (f *fakeLXD) GetCluster() (*api.Cluster, string, error) {
	f.state.mu.Lock()
	defer f.state.mu.Unlock()
	return &api.Cluster{Enabled: true, MemberConfig: f.state.memberConfig}, "", nil
}

func (f *fakeLXD) GetServer() (*api.Server, string, error) {
	f.state.mu.Lock()
	defer f.state.mu.Unlock()
	return &api.Server{ServerPut: api.ServerPut{Config: maps.Clone(f.state.config)}}, "etag", nil
}

func (f *fakeLXD) UpdateServer(put api.ServerPut, _ string) error {
	f.state.mu.Lock()
	defer f.state.mu.Unlock()
	f.call("update server")
	f.state.config = maps.Clone(put.Config)
	return nil
}

func (f *fakeLXD) GetStoragePool(name string) (*api.StoragePool, string, error) {
	f.state.mu.Lock()
	defer f.state.mu.Unlock()
	p, ok := f.state.pools[name]
	if !ok {
		return nil, "", api.StatusErrorf(404, "not found")
	}

	c := *p
	c.Locations = slices.Clone(p.Locations)
	return &c, "", nil
}

func (f *fakeLXD) CreateStoragePool(post api.StoragePoolsPost) error {
	f.state.mu.Lock()
	defer f.state.mu.Unlock()
	p, ok := f.state.pools[post.Name]
	if !ok {
		p = &api.StoragePool{Name: post.Name, Driver: post.Driver, Status: "Pending"}
		f.state.pools[post.Name] = p
	}

	if f.target != "" {
		f.call("define pool %s on %s", post.Name, f.target)
		p.Locations = append(p.Locations, f.target)
		sort.Strings(p.Locations)
		return nil
	}

	f.call("create pool %s", post.Name)
	p.Status = statusCreated
	return nil
}

func (f *fakeLXD) DeleteStoragePool(name string) error {
	f.state.mu.Lock()
	defer f.state.mu.Unlock()
	delete(f.state.pools, name)
	return nil
}

func (f *fakeLXD) GetNetwork(name string) (*api.Network, string, error) {
	f.state.mu.Lock()
	defer f.state.mu.Unlock()
	n, ok := f.state.networks[name]
	if !ok {
		return nil, "", api.StatusErrorf(404, "not found")
	}

	c := *n
	c.Locations = slices.Clone(n.Locations)
	return &c, "", nil
}

func (f *fakeLXD) GetNetworks() ([]api.Network, error) {
	f.state.mu.Lock()
	defer f.state.mu.Unlock()
	var out []api.Network
	for _, n := range f.state.networks {
		out = append(out, *n)
	}

	return out, nil
}

func (f *fakeLXD) CreateNetwork(post api.NetworksPost) error {
	f.state.mu.Lock()
	defer f.state.mu.Unlock()
	n, ok := f.state.networks[post.Name]
	if !ok {
		n = &api.Network{Name: post.Name, Type: post.Type, Managed: true, Status: "Pending"}
		f.state.networks[post.Name] = n
	}

	if f.target != "" {
		f.call("define network %s on %s", post.Name, f.target)
		n.Locations = append(n.Locations, f.target)
		sort.Strings(n.Locations)
		return nil
	}

	f.call("create network %s", post.Name)
	n.Status = statusCreated
	return nil
}

func (f *fakeLXD) DeleteNetwork(name string) error {
	f.state.mu.Lock()
	defer f.state.mu.Unlock()
	delete(f.state.networks, name)
	return nil
}

func (f *fakeLXD) GetProfile(string) (*api.Profile, string, error) {
	f.state.mu.Lock()
	defer f.state.mu.Unlock()
	put := f.state.profile
	put.Devices = maps.Clone(put.Devices)
	return &api.Profile{Name: "default", Config: put.Config, Devices: put.Devices}, "etag", nil
}

func (f *fakeLXD) UpdateProfile(_ string, put api.ProfilePut, _ string) error {
	f.state.mu.Lock()
	defer f.state.mu.Unlock()
	f.call("update profile")
	f.state.profile = put
	return nil
}

// events records the executor's reports.
type events struct {
	mu    sync.Mutex
	lines []string
}

func (ev *events) Report(e report.Event) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	ev.lines = append(ev.lines, e.String())
}

func (ev *events) String() string {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return strings.Join(ev.lines, "\n")
}
