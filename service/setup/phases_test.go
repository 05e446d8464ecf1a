package setup

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/canonical/lxd/shared/api"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/microceph"
	"github.com/microcloud-project/microcloud/service/plan"
)

// Unit tests of every phase of the executor against fakes of the roles:
// what each phase asks of which service, what it skips when it is already
// done, and what it reports when it fails.

var fastTiming = Timing{JoinSettle: 200 * time.Millisecond, MemberWait: 200 * time.Millisecond,
	ObjectSettle: 50 * time.Millisecond, ObjectPoll: 5 * time.Millisecond, MemberPoll: 5 * time.Millisecond, JoinRetryWait: 5 * time.Millisecond}

// fullPlan is a 3-system plan with OVN (underlay), Ceph and ZFS local disks.
func fullPlan() plan.Plan {
	p := plan.Plan{Mode: plan.ModeInit, Initiator: "a", LocalPool: &plan.LocalPool{Driver: plan.DriverZFS},
		Ceph: &plan.Ceph{PublicNetwork: "10.0.0.0/24"},
		OVN:  &plan.OVN{IPv4Gateway: "10.1.0.1/24", IPv4Range: "10.1.0.100-10.1.0.150"}}
	for i, n := range []string{"a", "b", "c"} {
		p.Systems = append(p.Systems, plan.System{Name: n, Address: fmt.Sprintf("10.0.0.%d", i+1), UplinkInterface: "eth1",
			UnderlayIP: fmt.Sprintf("10.2.0.%d", i+1), LocalDisk: &plan.Disk{Path: "/dev/sdb"},
			CephDisks: []plan.Disk{{Path: "/dev/sdc", Wipe: true}}})
	}

	return p
}

func newExecutor(p plan.Plan, cloud *fakeCloud) (*Executor, *events) {
	ev := &events{}
	joined := func(_ context.Context, name string, address string, _ string) error {
		cloud.services[types.MicroCloud][name].clustered = true
		cloud.clusters[types.MicroCloud].add(name, address)
		return nil
	}

	return &Executor{Plan: p, Cloud: cloud, JoinMicroCloud: joined, Report: ev, Timing: fastTiming.withDefaults()}, ev
}

func TestMicroCloudPhase(t *testing.T) {
	cloud := newFakeCloud("a", "b", "c")
	e, ev := newExecutor(fullPlan(), cloud)
	err := e.microcloud(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	mc := cloud.clusters[types.MicroCloud]
	if mc.bootstraps != 1 || strings.Join(slices.Sorted(slices.Values(mc.tokens)), ",") != "b,c" || len(mc.members) != 3 {
		t.Fatalf("bootstraps %d, tokens %v, members %v", mc.bootstraps, mc.tokens, mc.members)
	}

	if mc.members[0].Address != "10.0.0.1:9443" {
		t.Fatalf("bootstrap address %q", mc.members[0].Address)
	}

	// Again: everything is there.
	before := ev.String()
	err = e.microcloud(context.Background())
	if err != nil || mc.bootstraps != 1 || len(mc.tokens) != 2 {
		t.Fatalf("second run: %v, bootstraps %d, tokens %v", err, mc.bootstraps, mc.tokens)
	}

	if again := strings.TrimPrefix(ev.String(), before); !strings.Contains(again, "a MicroCloud: already clustered") || strings.Contains(again, "joined") {
		t.Fatalf("second run reported:\n%s", again)
	}

	// A system that is neither a member nor in a session.
	cloud = newFakeCloud("a", "b")
	e, _ = newExecutor(plan.Plan{Mode: plan.ModeInit, Initiator: "a", Systems: []plan.System{{Name: "a"}, {Name: "b"}}}, cloud)
	e.JoinMicroCloud = nil
	err = e.microcloud(context.Background())
	if err == nil || !strings.Contains(err.Error(), "run 'microcloud join' on it") {
		t.Fatalf("err %v", err)
	}

	// A joiner whose join failed leaves the session with the reason: the
	// run says so at once instead of waiting for a member that never comes.
	cloud = newFakeCloud("a", "b")
	e, _ = newExecutor(plan.Plan{Mode: plan.ModeInit, Initiator: "a", Systems: []plan.System{{Name: "a"}, {Name: "b"}}}, cloud)
	e.Timing.MemberWait = time.Minute
	e.JoinMicroCloud = func(context.Context, string, string, string) error { return nil }
	e.LeftSession = func(name string) string {
		if name == "b" {
			return "Failed to join the MicroCloud: Cluster certificate token does not match"
		}

		return ""
	}

	start := time.Now()
	err = e.microcloud(context.Background())
	if err == nil || !strings.Contains(err.Error(), "b left the session: Failed to join the MicroCloud: Cluster certificate") || time.Since(start) > 10*time.Second {
		t.Fatalf("err %v after %s", err, time.Since(start))
	}
}

// TestJoinsRunOneAtATime: microcluster's joins race when they run
// together (see joinEach), so MicroOVN's run one after another.
func TestJoinsRunOneAtATime(t *testing.T) {
	var names []string
	p := plan.Plan{Mode: plan.ModeInit, Initiator: "s00", LocalPool: &plan.LocalPool{Driver: plan.DriverDir}, OVN: &plan.OVN{IPv4Gateway: "10.1.0.1/24", IPv4Range: "10.1.0.100-10.1.0.150"}}
	for i := 0; i < 12; i++ {
		name := fmt.Sprintf("s%02d", i)
		names = append(names, name)
		p.Systems = append(p.Systems, plan.System{Name: name, Address: fmt.Sprintf("10.0.0.%d", i+1), UplinkInterface: "eth1"})
	}

	cloud := newFakeCloud(names...)
	e, _ := newExecutor(p, cloud)
	err := e.microovn(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	c := cloud.clusters[types.MicroOVN]
	if len(c.joins) != 11 || c.maxInFlight != 1 {
		t.Fatalf("%d joins, at most %d at once", len(c.joins), c.maxInFlight)
	}
}

func TestMicroOVNPhaseGivesEveryoneTheEncapIPs(t *testing.T) {
	cloud := newFakeCloud("a", "b", "c")
	e, _ := newExecutor(fullPlan(), cloud)
	err := e.microovn(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	ovn := cloud.clusters[types.MicroOVN]
	all := map[string]string{"a.ovn-encap-ip": "10.2.0.1", "b.ovn-encap-ip": "10.2.0.2", "c.ovn-encap-ip": "10.2.0.3"}
	for i, n := range []string{"a", "b", "c"} {
		want := map[string]string{"ovn-encap-ip": fmt.Sprintf("10.2.0.%d", i+1)}
		for k, v := range all {
			want[k] = v
		}

		if !reflect.DeepEqual(ovn.configs[n], want) {
			t.Fatalf("%s's initConfig %v, want %v", n, ovn.configs[n], want)
		}
	}

	if ovn.bootstraps != 1 || len(ovn.joins) != 2 {
		t.Fatalf("bootstraps %d, joins %v", ovn.bootstraps, ovn.joins)
	}

	// Without an underlay, no encap keys at all.
	cloud = newFakeCloud("a", "b")
	p := fullPlan()
	p.Systems = p.Systems[:2]
	p.Systems[0].UnderlayIP, p.Systems[1].UnderlayIP = "", ""
	e, _ = newExecutor(p, cloud)
	if err := e.microovn(context.Background()); err != nil {
		t.Fatal(err)
	}

	if c := cloud.clusters[types.MicroOVN].configs; len(c["a"]) != 0 || len(c["b"]) != 0 {
		t.Fatalf("initConfig without an underlay: %v", c)
	}
}

func TestMicroOVNJoinFailureNamesTheSystem(t *testing.T) {
	cloud := newFakeCloud("a", "b", "c")
	cloud.services[types.MicroOVN]["c"].joinErr = errors.New("boom")
	e, _ := newExecutor(fullPlan(), cloud)
	err := e.microovn(context.Background())
	var step *StepError
	if !errors.As(err, &step) || step.System != "c" || step.Service != types.MicroOVN {
		t.Fatalf("err %v", err)
	}

	// b's join ran to its end all the same.
	if cloud.clusters[types.MicroOVN].joined() != "b" {
		t.Fatalf("joins %v", cloud.clusters[types.MicroOVN].joins)
	}
}

// A joiner whose MicroOVN is restarting (a join cut short reset it) is
// waited for, then joined; one that never comes back fails, named.
func TestMicroOVNJoinWaitsForARestartingService(t *testing.T) {
	cloud := newFakeCloud("a", "b", "c")
	cloud.services[types.MicroOVN]["c"].down = 5
	e, ev := newExecutor(fullPlan(), cloud)
	err := e.microovn(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	if got := cloud.clusters[types.MicroOVN].joined(); got != "b,c" && got != "c,b" {
		t.Fatalf("joins %v", cloud.clusters[types.MicroOVN].joins)
	}

	if !strings.Contains(ev.String(), "c MicroOVN: waiting for it to answer (restarting)") {
		t.Fatalf("events:\n%s", ev.String())
	}

	cloud = newFakeCloud("a", "b", "c")
	cloud.services[types.MicroOVN]["c"].down = 1 << 30
	e, _ = newExecutor(fullPlan(), cloud)
	err = e.microovn(context.Background())
	var step *StepError
	if !errors.As(err, &step) || step.System != "c" || !strings.Contains(err.Error(), "no answer within") {
		t.Fatalf("err %v", err)
	}
}

func TestMicroCephPhase(t *testing.T) {
	cloud := newFakeCloud("a", "b", "c")
	p := fullPlan()
	p.Systems[2].CephDisks = []plan.Disk{{Path: "loop,4G,2"}}
	e, ev := newExecutor(p, cloud)
	err := e.microceph(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	ceph := cloud.clusters[types.MicroCeph]
	if ceph.configs["a"]["PublicNet"] != "10.0.0.0/24" || ceph.configs["a"]["ClusterNet"] != "10.0.0.0/24" {
		t.Fatalf("bootstrap config %v", ceph.configs["a"])
	}

	// Every joiner joined.
	if ceph.joinedSet() != "b,c" {
		t.Fatalf("joins %v", ceph.joins)
	}

	if len(cloud.ceph.osds) != 4 || cloud.ceph.replication != 3 {
		t.Fatalf("osds %v, replication %d", cloud.ceph.osds, cloud.ceph.replication)
	}

	if !strings.Contains(ev.String(), "4 OSDs on 3 hosts, replication 3") {
		t.Fatalf("events:\n%s", ev)
	}

	// Again: no disk is added twice, file-backed OSDs are counted.
	adds := len(cloud.ceph.adds)
	err = e.microceph(context.Background())
	if err != nil || len(cloud.ceph.adds) != adds {
		t.Fatalf("second run: %v, adds %v", err, cloud.ceph.adds)
	}
}

func TestMicroCephReplicationFollowsTheOSDHosts(t *testing.T) {
	cloud := newFakeCloud("a", "b")
	p := fullPlan()
	p.Systems = p.Systems[:2]
	p.Systems[1].CephDisks = nil
	e, _ := newExecutor(p, cloud)
	if err := e.microceph(context.Background()); err != nil {
		t.Fatal(err)
	}

	if cloud.ceph.replication != 1 {
		t.Fatalf("replication %d with one OSD host", cloud.ceph.replication)
	}
}

func TestMicroCephDiskFailureNamesTheDisk(t *testing.T) {
	cloud := newFakeCloud("a")
	p := fullPlan()
	p.Systems = p.Systems[:1]
	e, _ := newExecutor(p, cloud)
	e.Cloud = failingCeph{cloud}
	err := e.microceph(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Failed to add disk /dev/sdc: no such disk") {
		t.Fatalf("err %v", err)
	}
}

type failingCeph struct{ *fakeCloud }

func (f failingCeph) Ceph(context.Context, string) (CephAdmin, error) {
	return failingCephAdmin{f.ceph}, nil
}

type failingCephAdmin struct{ *fakeCeph }

func (failingCephAdmin) AddDisk(context.Context, string, microceph.DisksPost) error {
	return errors.New("no such disk")
}

func TestLXDPhase(t *testing.T) {
	cloud := newFakeCloud("a", "b", "c")
	cloud.clusters[types.LXD].extensions = []string{"ovn_ssl_config", "storage_remote_drop_source"}
	cloud.pki = &types.OVNPKI{CACert: "ca", ClientCert: "cert", ClientKey: "key"}
	p := fullPlan()
	e, _ := newExecutor(p, cloud)
	// MicroOVN runs central on every member (the fake says so).
	for _, s := range p.Systems {
		cloud.clusters[types.MicroOVN].add(s.Name, s.Address+":6443")
	}

	err := e.lxd(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	lxd := cloud.lxd.state
	if lxd.config["network.ovn.northbound_connection"] != "ssl:10.0.0.1:6641,ssl:10.0.0.2:6641,ssl:10.0.0.3:6641" ||
		lxd.config["network.ovn.client_key"] != "key" {
		t.Fatalf("server config %v", lxd.config)
	}

	for _, name := range []string{PoolLocal, PoolRemote} {
		if pool := lxd.pools[name]; pool == nil || pool.Status != statusCreated || strings.Join(pool.Locations, ",") != "a,b,c" {
			t.Fatalf("pool %s: %+v", name, pool)
		}
	}

	if n := lxd.networks[NetworkUplink]; n == nil || n.Status != statusCreated {
		t.Fatalf("UPLINK: %+v", n)
	}

	if n := lxd.networks[NetworkDefault]; n == nil || n.Status != statusCreated || len(n.Locations) != 0 {
		t.Fatalf("default: %+v (an OVN network has no per-member definition)", n)
	}

	if root := lxd.profile.Devices["root"]; root["pool"] != PoolRemote && root["pool"] != PoolLocal {
		t.Fatalf("profile %v", lxd.profile.Devices)
	}

	if lxd.profile.Devices["eth0"]["network"] != NetworkDefault {
		t.Fatalf("profile %v", lxd.profile.Devices)
	}

	if cloud.clusters[types.LXD].joined() != "b,c" {
		t.Fatalf("joins %v", cloud.clusters[types.LXD].joins)
	}

	// Again: nothing is created or updated.
	calls := len(lxd.calls)
	if err := e.lxd(context.Background()); err != nil {
		t.Fatal(err)
	}

	if len(lxd.calls) != calls {
		t.Fatalf("second run made calls: %v", lxd.calls[calls:])
	}
}

func TestLXDPhaseWithoutOVNGivesBridges(t *testing.T) {
	cloud := newFakeCloud("a", "b")
	p := fullPlan()
	p.Systems = p.Systems[:2]
	p.OVN, p.Ceph = nil, nil
	e, _ := newExecutor(p, cloud)
	if err := e.lxd(context.Background()); err != nil {
		t.Fatal(err)
	}

	n := cloud.lxd.state.networks[NetworkBridge]
	if n == nil || strings.Join(n.Locations, ",") != "a,b" || cloud.lxd.state.profile.Devices["eth0"]["network"] != NetworkBridge {
		t.Fatalf("bridge %+v, profile %v", n, cloud.lxd.state.profile.Devices)
	}

	if _, ok := cloud.lxd.state.config["network.ovn.northbound_connection"]; ok {
		t.Fatalf("OVN configured without OVN")
	}
}

// TestRunAndVerify runs every phase, then checks verification's refusals.
func TestRunAndVerify(t *testing.T) {
	cloud := newFakeCloud("a", "b", "c")
	p := fullPlan()
	for _, s := range p.Systems {
		cloud.ovn.encap[s.Name] = s.UnderlayIP
	}

	e, _ := newExecutor(p, cloud)
	if names := phaseNames(e); names != "MicroCloud MicroOVN MicroCeph LXD cluster LXD networks LXD storage LXD profile verify" {
		t.Fatalf("phases %s", names)
	}

	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}

	if got := cloud.settings["b"][types.SettingOVNEncapIP]; got != "10.2.0.2" {
		t.Fatalf("recorded encap IP of b: %q (%v)", got, cloud.settings)
	}

	// A chassis whose encap IP changed behind MicroCloud's back.
	cloud.ovn.encap["b"] = "10.9.9.9"
	err := e.Verify(context.Background())
	if err == nil || !strings.Contains(err.Error(), "10.9.9.9, not the planned 10.2.0.2") {
		t.Fatalf("err %v", err)
	}

	var step *StepError
	if !errors.As(err, &step) || step.System != "b" {
		t.Fatalf("err %v does not name b", err)
	}

	// Without the southbound database, each member's switch database tells.
	cloud.ovn.noSB = true
	err = e.Verify(context.Background())
	if err == nil || !strings.Contains(err.Error(), "10.9.9.9, not the planned 10.2.0.2") {
		t.Fatalf("err %v", err)
	}

	// Switch databases that cannot be read either: a warning naming
	// them, not an error.
	cloud.ovn.encap["b"] = "10.2.0.2"
	cloud.ovn.noSwitchDB = true
	if err := e.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}

	if !strings.Contains(strings.Join(e.Warnings, "\n"), "Encapsulation IPs not checked on a, b, c") {
		t.Fatalf("warnings %v", e.Warnings)
	}

	// LXD whose certificates no longer work at the northbound database,
	// and a northbound database that lost one of LXD's routers.
	cloud.ovn.lxdCannotReach = true
	err = e.Verify(context.Background())
	if err == nil || !strings.Contains(err.Error(), "LXD cannot reach OVN's northbound database with its certificates: ovn-nbctl: ssl: certificate verify failed") {
		t.Fatalf("err %v", err)
	}

	cloud.ovn.lxdCannotReach = false
	cloud.ovn.lostRouters = 1
	err = e.Verify(context.Background())
	if err == nil || !strings.Contains(err.Error(), "OVN's northbound database lacks routers of LXD's OVN networks: 0 of 1 found") {
		t.Fatalf("err %v", err)
	}

	cloud.ovn.lostRouters = 0

	// A member missing from a service.
	ceph := cloud.clusters[types.MicroCeph]
	ceph.members = slices.DeleteFunc(ceph.members, func(m service.Member) bool { return m.Name == "c" })
	err = e.Verify(context.Background())
	if err == nil || !strings.Contains(err.Error(), "c is not a member of MicroCeph") {
		t.Fatalf("err %v", err)
	}
}

func phaseNames(e *Executor) string {
	var names []string
	for _, ph := range e.Phases() {
		names = append(names, ph.Name)
	}

	return strings.Join(names, " ")
}

// TestLXDJoinBringsTheMembersOwnKeys: joining a cluster that already has
// pools and networks (a grown cloud, a resumed run), each system brings its
// own values of the keys LXD asks for; keys the plan has no value for are
// left to LXD.
func TestLXDJoinBringsTheMembersOwnKeys(t *testing.T) {
	cloud := newFakeCloud("a", "b", "c")
	cloud.lxd.state.memberConfig = []api.ClusterMemberConfigKey{
		{Entity: "storage-pool", Name: PoolLocal, Key: "source"},
		{Entity: "storage-pool", Name: PoolLocal, Key: "size"},
		{Entity: "network", Name: NetworkUplink, Key: "parent"},
		{Entity: "storage-pool", Name: "other", Key: "source"},
	}

	p := fullPlan()
	p.Systems[2].UplinkInterface = "eth2"
	e, _ := newExecutor(p, cloud)
	if err := e.lxd(context.Background()); err != nil {
		t.Fatal(err)
	}

	configs := cloud.clusters[types.LXD].configs
	want := map[string]string{"storage-pool/local/source": "/dev/sdb", "network/UPLINK/parent": "eth2"}
	if !reflect.DeepEqual(configs["c"], want) {
		t.Fatalf("c joined with %v, want %v", configs["c"], want)
	}
}

// TestLXDPhaseWithoutSSLConfig: an LXD that takes no OVN certificates as
// configuration gets them as files on every member, placed by the product.
func TestLXDPhaseWithoutSSLConfig(t *testing.T) {
	cloud := newFakeCloud("a", "b", "c")
	cloud.clusters[types.LXD].extensions = []string{"storage_remote_drop_source"}
	p := fullPlan()
	e, _ := newExecutor(p, cloud)
	for _, s := range p.Systems {
		cloud.clusters[types.MicroOVN].add(s.Name, s.Address+":6443")
	}

	err := e.lxd(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	if got := strings.Join(cloud.ovn.pkiPlaced, ","); got != "a,b,c" {
		t.Fatalf("PKI placed on %q", got)
	}

	if _, ok := cloud.lxd.state.config["network.ovn.client_key"]; ok {
		t.Fatalf("client key set as configuration: %v", cloud.lxd.state.config)
	}
}

// TestServiceBroughtToAGrownCloud: an add-mode plan that creates MicroCeph
// (service add: no new system) bootstraps it on the initiator, joins every
// other member, and adds the members' disks; a plan that does not create
// it refuses to bootstrap.
func TestServiceBroughtToAGrownCloud(t *testing.T) {
	cloud := newFakeCloud("a", "b", "c")
	p := plan.Plan{Mode: plan.ModeAdd, Initiator: "a", Ceph: &plan.Ceph{}, Create: []types.ServiceType{types.MicroCeph}}
	for i, n := range []string{"a", "b", "c"} {
		p.Members = append(p.Members, plan.System{Name: n, Address: fmt.Sprintf("10.0.0.%d", i+1), CephDisks: []plan.Disk{{Path: "/dev/sdc"}}})
	}

	e, _ := newExecutor(p, cloud)
	e.Facts = plan.Facts{Systems: map[string]plan.SystemFacts{"a": {Inventory: types.System{Interfaces: []types.Interface{{Name: "eth0", Addresses: []string{"10.0.0.1/24"}}}}}}}
	err := e.microceph(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	ceph := cloud.clusters[types.MicroCeph]
	if ceph.bootstraps != 1 || ceph.joinedSet() != "b,c" || len(cloud.ceph.osds) != 3 || cloud.ceph.replication != 3 {
		t.Fatalf("bootstraps %d, joins %v, osds %v, replication %d", ceph.bootstraps, ceph.joins, cloud.ceph.osds, cloud.ceph.replication)
	}

	if ceph.configs["a"]["PublicNet"] != "10.0.0.0/24" {
		t.Fatalf("bootstrap config %v: no public network from the initiator's member entry", ceph.configs["a"])
	}

	// Without Create, a grown cloud's missing service is an error.
	cloud = newFakeCloud("a", "b")
	p.Create, p.Members = nil, nil
	p.Systems = []plan.System{{Name: "b", Address: "10.0.0.2"}}
	e, _ = newExecutor(p, cloud)
	e.Existing = map[string]string{"a": "10.0.0.1"}
	err = e.microceph(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not initialized on the initiator") {
		t.Fatalf("got %v", err)
	}
}

// lxd runs LXD's two phases in their order.
func (e *Executor) lxd(ctx context.Context) error {
	err := e.lxdCluster(ctx)
	if err != nil {
		return err
	}

	for _, phase := range []func(context.Context) error{e.lxdNetworks, e.lxdStorage, e.lxdProfile} {
		err := phase(ctx)
		if err != nil {
			return err
		}
	}

	return nil
}
