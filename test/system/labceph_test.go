//go:build system

package system

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/canonical/lxd/shared/api"
	mcclient "github.com/canonical/microcluster/v2/client"
	"github.com/canonical/microcluster/v2/microcluster"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/test/harness"
	"github.com/microcloud-project/microcloud/test/labceph"
)

// cephNet is the lab's Ceph network (ceph0 on every node).
const cephNet = "10.97.0.0/24"

// cephBenignChecks are health checks the lab accepts. None is known today:
// the lab's tuning (doc/explanation/lab.md, "Lab MicroCeph") removes the ones this
// host would otherwise raise. Add one here only with the reason.
var cephBenignChecks = map[string]string{}

func cephApp(t *testing.T, lab *harness.Lab, node string) *microcluster.MicroCluster {
	t.Helper()
	app, err := lab.Client(t, node).MicroclusterApp(types.MicroCeph)
	if err != nil {
		t.Fatal(err)
	}

	return app
}

func cephClient(t *testing.T, lab *harness.Lab, node string) *mcclient.Client {
	t.Helper()
	c, err := cephApp(t, lab, node).LocalClient()
	if err != nil {
		t.Fatal(err)
	}

	return c
}

// cephStatus is the part of `ceph -s --format json` the test reads.
type cephStatus struct {
	Health struct {
		Status string `json:"status"`
		Checks map[string]struct {
			Severity string `json:"severity"`
			Summary  struct {
				Message string `json:"message"`
			} `json:"summary"`
		} `json:"checks"`
	} `json:"health"`
	QuorumNames []string `json:"quorum_names"`
	MonMap      struct {
		NumMons int `json:"num_mons"`
	} `json:"monmap"`
	OSDMap struct {
		NumOSDs   int `json:"num_osds"`
		NumUpOSDs int `json:"num_up_osds"`
		NumInOSDs int `json:"num_in_osds"`
	} `json:"osdmap"`
	PGMap struct {
		NumPGs   int `json:"num_pgs"`
		ByStates []struct {
			Name  string `json:"state_name"`
			Count int    `json:"count"`
		} `json:"pgs_by_state"`
	} `json:"pgmap"`
}

func readCephStatus(t *testing.T, lab *harness.Lab, node string) cephStatus {
	t.Helper()
	var st cephStatus
	out := lab.MustExec(t, 30*time.Second, node, "ceph", "-s", "--format", "json")
	err := json.Unmarshal([]byte(out), &st)
	if err != nil {
		t.Fatalf("ceph -s on %s: %v\n%s", node, err, out)
	}

	return st
}

// healthy reports why a status is not the healthy 3-member cluster, or nil.
func (st cephStatus) healthy() error {
	var problems []string
	for name, check := range st.Health.Checks {
		if _, ok := cephBenignChecks[name]; !ok {
			problems = append(problems, fmt.Sprintf("%s %s: %s", check.Severity, name, check.Summary.Message))
		}
	}

	sort.Strings(problems)
	clean := 0
	for _, s := range st.PGMap.ByStates {
		if s.Name == "active+clean" {
			clean = s.Count
		}
	}

	switch {
	case len(problems) > 0:
		return fmt.Errorf("%s: %s", st.Health.Status, strings.Join(problems, "; "))
	case st.MonMap.NumMons != 3 || len(st.QuorumNames) != 3:
		return fmt.Errorf("mons %d, quorum %v", st.MonMap.NumMons, st.QuorumNames)
	case st.OSDMap.NumOSDs != 3 || st.OSDMap.NumUpOSDs != 3 || st.OSDMap.NumInOSDs != 3:
		return fmt.Errorf("OSDs %d, up %d, in %d", st.OSDMap.NumOSDs, st.OSDMap.NumUpOSDs, st.OSDMap.NumInOSDs)
	case clean != st.PGMap.NumPGs:
		return fmt.Errorf("%d of %d PGs active+clean", clean, st.PGMap.NumPGs)
	}

	return nil
}

// addCephDisk adds one disk with the product's request and returns its report.
func addCephDisk(t *testing.T, ctx context.Context, c *mcclient.Client, path string, wipe bool) labceph.DiskAddReport {
	t.Helper()
	var resp labceph.DiskAddResponse
	err := c.Query(ctx, "POST", "1.0", api.NewURL().Path("disks"), labceph.DisksPost{Path: []string{path}, Wipe: wipe}, &resp)
	if err != nil {
		t.Fatalf("POST /1.0/disks %s: %v", path, err)
	}

	if resp.ValidationError != "" || len(resp.Reports) != 1 {
		t.Fatalf("POST /1.0/disks %s: %+v", path, resp)
	}

	return resp.Reports[0]
}

func cephDisks(t *testing.T, ctx context.Context, c *mcclient.Client) string {
	t.Helper()
	var disks []labceph.Disk
	err := c.Query(ctx, "GET", "1.0", api.NewURL().Path("disks"), nil, &disks)
	if err != nil {
		t.Fatal(err)
	}

	var out []string
	for _, d := range disks {
		out = append(out, fmt.Sprintf("osd.%d@%s", d.OSD, d.Location))
	}

	return strings.Join(out, " ")
}

func cephPoolSizes(t *testing.T, ctx context.Context, c *mcclient.Client) string {
	t.Helper()
	var pools []labceph.Pool
	err := c.Query(ctx, "GET", "1.0", api.NewURL().Path("pools"), nil, &pools)
	if err != nil {
		t.Fatal(err)
	}

	var out []string
	for _, p := range pools {
		out = append(out, fmt.Sprintf("%s=%d/%d(%s)", p.Pool, p.Size, p.MinSize, p.CrushRule))
	}

	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestLabCeph forms a lab MicroCeph with the product's calls (through each
// node's microcloudd tunnel to its MicroCeph): monitors and managers on the
// first three members only, one file-backed OSD on each of them (one added
// with ?target=), the replication size set; then it checks the real Ceph
// underneath: 3 monitors, 3 OSDs up and in, HEALTH_OK, an object written on
// one node and read on another, an LXD ceph pool, daemons that outlive a
// restart of the service and come back after a crash; and that bad input
// is refused and changes nothing.
func TestLabCeph(t *testing.T) {
	lab := harness.LabUp(t, 4, "lxd,microcloud,microceph")
	// Its waits alone may add up to several minutes on a loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	start := cephFormCluster(t, ctx, lab)
	c1 := cephClient(t, lab, "micro01")

	// One file-backed OSD per member that runs a monitor: micro01's own,
	// micro02's from micro01 with ?target=, micro03's on micro03.
	disksStart := time.Now()
	for _, add := range []struct {
		client *mcclient.Client
		node   string
	}{
		{c1, "micro01"},
		{c1.UseTarget("micro02"), "micro02"},
		{cephClient(t, lab, "micro03"), "micro03"},
	} {
		report := addCephDisk(t, ctx, add.client, "loop,2G,1", false)
		if report.Report != labceph.ReportSuccess || report.Error != "" {
			t.Fatalf("add disk on %s: %+v", add.node, report)
		}
	}

	t.Logf("3 disks: %s", time.Since(disksStart).Round(time.Millisecond))
	wantDisks := "osd.0@micro01 osd.1@micro02 osd.2@micro03"
	if got := cephDisks(t, ctx, c1); got != wantDisks {
		t.Fatalf("disks %s, want %s", got, wantDisks)
	}

	// Replication as MicroCloud sets it: min(#disks, 3), every pool.
	err := c1.Query(ctx, "PUT", "1.0", api.NewURL().Path("pools-op"), labceph.PoolPut{Pools: []string{"*"}, Size: 3}, nil)
	if err != nil {
		t.Fatalf("pools-op: %v", err)
	}

	var st cephStatus
	harness.Eventually(t, 2*time.Minute, time.Second, "Ceph healthy", func() error {
		st = readCephStatus(t, lab, "micro02")
		return st.healthy()
	})

	t.Logf("healthy %s after the bootstrap began: %s, %d mons, %d/%d/%d OSDs, %d PGs", time.Since(start).Round(time.Millisecond),
		st.Health.Status, st.MonMap.NumMons, st.OSDMap.NumOSDs, st.OSDMap.NumUpOSDs, st.OSDMap.NumInOSDs, st.PGMap.NumPGs)

	// MicroCloud reads the networks back.
	var configs []labceph.Config
	err = c1.Query(ctx, "GET", "1.0", api.NewURL().Path("configs"), labceph.Config{}, &configs)
	if err != nil {
		t.Fatal(err)
	}

	var got []string
	for _, cfg := range configs {
		got = append(got, cfg.Key+"="+cfg.Value)
	}

	if strings.Join(got, " ") != "cluster_network="+cephNet+" public_network="+cephNet {
		t.Fatalf("configs %v", got)
	}

	// An object written on micro02 is read back on micro03, and on
	// micro04, which runs no Ceph daemon but has the cluster's client files.
	lab.MustExec(t, 60*time.Second, "micro01", "ceph", "osd", "pool", "create", "labtest", "8")
	lab.MustExec(t, 30*time.Second, "micro01", "ceph", "osd", "pool", "application", "enable", "labtest", "rados")
	lab.MustExec(t, 60*time.Second, "micro02", "sh", "-c", "echo written-on-micro02 | rados -p labtest put labobj -")
	for _, node := range []string{"micro03", "micro04"} {
		if got := strings.TrimSpace(lab.MustExec(t, 60*time.Second, node, "rados", "-p", "labtest", "get", "labobj", "-")); got != "written-on-micro02" {
			t.Fatalf("object read on %s: %q", node, got)
		}
	}

	// LXD creates a ceph pool from its node's /etc/ceph. Instances on it
	// cannot start: this kernel has no rbd module.
	lab.MustExec(t, 90*time.Second, "micro01", "lxc", "storage", "create", "remote", "ceph")
	if out := lab.MustExec(t, 30*time.Second, "micro03", "ceph", "osd", "pool", "ls"); !strings.Contains(out, "remote\n") {
		t.Fatalf("LXD's pool is not in Ceph:\n%s", out)
	}

	cephCheckSupervision(t, ctx, lab)
	cephCheckBadInput(t, ctx, lab, wantDisks)
	harness.Eventually(t, time.Minute, time.Second, "Ceph healthy at the end", func() error {
		st = readCephStatus(t, lab, "micro04")
		return st.healthy()
	})

	t.Logf("at the end: %s, %d PGs active+clean; pools %s", st.Health.Status, st.PGMap.NumPGs, cephPoolSizes(t, ctx, c1))
	logCephMemory(t, lab)
}

// cephFormCluster checks the version, refuses a bootstrap whose PublicNet
// the node has no address in, bootstraps micro01 with MicroCloud's keys and
// joins the others. It returns when the bootstrap began.
func cephFormCluster(t *testing.T, ctx context.Context, lab *harness.Lab) time.Time {
	t.Helper()
	out := harness.Run(t, 10*time.Second, "ceph-mon", "--version")
	want, err := labceph.ParseCephVersion(out.Stdout)
	if err != nil {
		t.Fatal(err)
	}

	// MicroCeph's shape: "ceph-version: 16.2.15; microceph-git: <commit>".
	first := cephApp(t, lab, "micro01")
	status, err := first.Status(ctx)
	if err != nil || !strings.HasPrefix(status.Version, "ceph-version: "+want+"; microceph-git: ") {
		t.Fatalf("version %+v (%v), want MicroCeph's shape with %q", status, err, want)
	}

	address := harness.MgmtIP("micro01") + ":7443"
	err = first.NewCluster(ctx, "micro01", address, map[string]string{"PublicNet": "10.50.0.0/24"})
	if err == nil || !strings.Contains(err.Error(), "No address of this system is in PublicNet 10.50.0.0/24") {
		t.Fatalf("bootstrap with a foreign PublicNet: %v", err)
	}

	start := time.Now()
	err = first.NewCluster(ctx, "micro01", address, map[string]string{"PublicNet": cephNet, "ClusterNet": cephNet})
	if err != nil {
		t.Fatalf("bootstrap: %v", err)
	}

	t.Logf("bootstrap: %s", time.Since(start).Round(time.Millisecond))
	for _, node := range lab.Nodes[1:] {
		joinStart := time.Now()
		token, err := first.NewJoinToken(ctx, node, time.Hour)
		if err != nil {
			t.Fatal(err)
		}

		err = cephApp(t, lab, node).JoinCluster(ctx, node, harness.MgmtIP(node)+":7443", token, nil)
		if err != nil {
			t.Fatalf("join %s: %v", node, err)
		}

		t.Logf("join %s: %s", node, time.Since(joinStart).Round(time.Millisecond))
	}

	// Monitors and managers on the first three members, none on micro04.
	var services []labceph.Service
	err = cephClient(t, lab, "micro04").Query(ctx, "GET", "1.0", api.NewURL().Path("services"), nil, &services)
	if err != nil {
		t.Fatal(err)
	}

	var got []string
	for _, s := range services {
		got = append(got, s.Service+"@"+s.Location)
	}

	want = "mds@micro01 mds@micro02 mds@micro03 mgr@micro01 mgr@micro02 mgr@micro03 mon@micro01 mon@micro02 mon@micro03"
	if strings.Join(got, " ") != want {
		t.Fatalf("services %v, want %s", got, want)
	}

	return start
}

// cephPIDs reads a member's Ceph daemons from their PID files.
func cephPIDs(t *testing.T, lab *harness.Lab, node string) map[string]string {
	t.Helper()
	pids := map[string]string{}
	files, _ := filepath.Glob(filepath.Join(lab.NodeDir(node), "microceph", "run", "ceph-*.pid"))
	for _, f := range files {
		pid, err := os.ReadFile(f)
		if err == nil {
			pids[strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "ceph-"), ".pid")] = strings.TrimSpace(string(pid))
		}
	}

	return pids
}

// labPID is the PID the lab recorded for a node's daemon.
func labPID(t *testing.T, node string, name string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(harness.LabDir(), "pids"))
	if err != nil {
		t.Fatal(err)
	}

	for _, line := range strings.Split(string(data), "\n") {
		var pid int
		var start, n, what string
		_, err := fmt.Sscanf(line, "%d %s %s %s", &pid, &start, &n, &what)
		if err == nil && n == node && what == name {
			return pid
		}
	}

	t.Fatalf("no recorded %s on %s", name, node)
	return 0
}

// cephCheckSupervision restarts lab-microcephd on micro02 (its Ceph
// daemons must keep running, as under snapd) and crashes an OSD (the
// supervisor must start it again).
func cephCheckSupervision(t *testing.T, ctx context.Context, lab *harness.Lab) {
	t.Helper()
	before := cephPIDs(t, lab, "micro02")
	pid := labPID(t, "micro02", "microceph")
	err := syscall.Kill(pid, syscall.SIGTERM)
	if err != nil {
		t.Fatal(err)
	}

	harness.Eventually(t, 30*time.Second, 100*time.Millisecond, "lab-microcephd on micro02 to stop", func() error {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil {
			return fmt.Errorf("pid %d still there", pid)
		}

		return nil
	})

	// Logged with the node's logs, so that a failure's dump shows it.
	harness.Start(t, filepath.Join(lab.NodeDir("micro02"), "log", "microceph-restarted.log"), harness.LabScript(), "exec", "micro02",
		"lab-microcephd", "--state-dir", filepath.Join(lab.NodeDir("micro02"), "microceph", "state"), "--verbose")
	readyCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err = cephApp(t, lab, "micro02").Ready(readyCtx)
	if err != nil {
		t.Fatalf("lab-microcephd on micro02 after a restart: %v", err)
	}

	if after := cephPIDs(t, lab, "micro02"); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("Ceph daemons on micro02 changed across a restart of lab-microcephd: %v, were %v", after, before)
	}

	var osd int
	_, _ = fmt.Sscanf(before["osd.1"], "%d", &osd)
	_, upFrom := osdUp(t, lab, 1)
	err = syscall.Kill(osd, syscall.SIGKILL)
	if err != nil {
		t.Fatal(err)
	}

	// The supervisor may restart the OSD before the monitors notice it
	// died, so "up" alone can be the old OSD's stale state: the restarted
	// one is up from a later epoch.
	harness.Eventually(t, 2*time.Minute, time.Second, "osd.1 back up", func() error {
		if now := cephPIDs(t, lab, "micro02")["osd.1"]; now == before["osd.1"] || rssOf(now) == "gone" {
			return fmt.Errorf("osd.1 not restarted (pid %s)", now)
		}

		if up, from := osdUp(t, lab, 1); !up || from <= upFrom {
			return fmt.Errorf("osd.1: up %v from epoch %d (before the kill: from %d)", up, from, upFrom)
		}

		out := lab.MustExec(t, 30*time.Second, "micro01", "ceph", "osd", "stat")
		if !strings.Contains(out, "3 osds: 3 up") {
			return fmt.Errorf("%s", strings.TrimSpace(out))
		}

		return nil
	})
}

// osdUp reads whether an OSD is up in the OSD map, and the epoch it is up
// from.
func osdUp(t *testing.T, lab *harness.Lab, id int) (bool, int) {
	t.Helper()
	var dump struct {
		OSDs []struct {
			OSD    int `json:"osd"`
			Up     int `json:"up"`
			UpFrom int `json:"up_from"`
		} `json:"osds"`
	}

	out := lab.MustExec(t, 30*time.Second, "micro01", "ceph", "osd", "dump", "--format", "json")
	err := json.Unmarshal([]byte(out), &dump)
	if err != nil {
		t.Fatalf("ceph osd dump: %v\n%s", err, out)
	}

	for _, o := range dump.OSDs {
		if o.OSD == id {
			return o.Up == 1, o.UpFrom
		}
	}

	t.Fatalf("osd.%d is not in the OSD map:\n%s", id, out)
	return false, 0
}

// cephCheckBadInput sends what must be refused: a missing disk, a disk in
// use without wipe, a malformed loop disk, a replication size of 0, an
// unknown pool, removing an OSD the pools need. Nothing may change.
func cephCheckBadInput(t *testing.T, ctx context.Context, lab *harness.Lab, wantDisks string) {
	t.Helper()
	c1 := cephClient(t, lab, "micro01")
	before := cephPoolSizes(t, ctx, c1)
	for _, bad := range []struct {
		client *mcclient.Client
		path   string
		want   string
	}{
		{c1, "/dev/nope", `Disk "/dev/nope" does not exist`},
		{c1.UseTarget("micro03"), "/dev/vda", `Disk "/dev/vda" is in use: mounted on /,`},
		{c1, "loop,2X,1", `Disk "loop,2X,1": size "2X" is not a size like 4G or 512MiB`},
	} {
		report := addCephDisk(t, ctx, bad.client, bad.path, false)
		if report.Report != labceph.ReportFailure || !strings.HasPrefix(report.Error, bad.want) {
			t.Fatalf("add %s: %+v, want an error starting %q", bad.path, report, bad.want)
		}

		t.Logf("add %s: %s", bad.path, report.Error)
	}

	for _, bad := range []struct {
		req  labceph.PoolPut
		want string
	}{
		{labceph.PoolPut{Pools: []string{"*"}, Size: 0}, "Invalid replication size 0: it must be between 1 and 10"},
		{labceph.PoolPut{Pools: []string{"nope"}, Size: 2}, `Pool "nope" does not exist`},
	} {
		err := c1.Query(ctx, "PUT", "1.0", api.NewURL().Path("pools-op"), bad.req, nil)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Fatalf("pools-op %+v: %v, want %q", bad.req, err, bad.want)
		}

		t.Logf("pools-op %+v: %v", bad.req, err)
	}

	err := c1.Query(ctx, "DELETE", "1.0", api.NewURL().Path("disks", "2"), labceph.DisksDelete{OSD: 2}, nil)
	if err == nil || !strings.Contains(err.Error(), "Removing osd.2 would leave 2 OSDs for pools that keep 3 copies") {
		t.Fatalf("removing osd.2: %v", err)
	}

	t.Logf("delete osd.2: %v", err)
	if got := cephDisks(t, ctx, c1); got != wantDisks {
		t.Fatalf("disks after bad input: %s, want %s", got, wantDisks)
	}

	if after := cephPoolSizes(t, ctx, c1); after != before {
		t.Fatalf("pools changed by bad input: %s, was %s", after, before)
	}

	if got := strings.TrimSpace(lab.MustExec(t, 30*time.Second, "micro01", "ceph", "config", "get", "mon", "osd_pool_default_size")); got != "3" {
		t.Fatalf("osd_pool_default_size %s after bad input", got)
	}

	if out := lab.MustExec(t, 30*time.Second, "micro01", "ceph", "osd", "stat"); !strings.Contains(out, "3 osds: 3 up") {
		t.Fatalf("OSDs after bad input: %s", out)
	}
}

// logCephMemory notes the RSS of every Ceph daemon and of lab-microcephd.
func logCephMemory(t *testing.T, lab *harness.Lab) {
	t.Helper()
	for _, node := range lab.Nodes {
		pids := cephPIDs(t, lab, node)
		names := make([]string, 0, len(pids))
		for name := range pids {
			names = append(names, name)
		}

		sort.Strings(names)
		var parts []string
		for _, name := range names {
			parts = append(parts, name+" "+rssOf(pids[name]))
		}

		parts = append(parts, "lab-microcephd "+rssOf(labMicrocephd(lab, node)))
		t.Logf("%s RSS: %s", node, strings.Join(parts, ", "))
	}
}

// labMicrocephd finds a node's lab-microcephd (the lab's, or the one the
// test restarted) by its command line.
func labMicrocephd(lab *harness.Lab, node string) string {
	stateDir := filepath.Join(lab.NodeDir(node), "microceph", "state")
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		cmdline, err := os.ReadFile(p)
		args := strings.Split(string(cmdline), "\x00")
		if err == nil && filepath.Base(args[0]) == "lab-microcephd" && strings.Contains(string(cmdline), stateDir+"\x00") {
			return strings.Split(p, "/")[2]
		}
	}

	return "?"
}

func rssOf(pid string) string {
	// PID files hold "<pid> <start time>".
	fields := strings.Fields(pid)
	if len(fields) == 0 {
		return "gone"
	}

	status, err := os.ReadFile("/proc/" + fields[0] + "/status")
	if err != nil {
		return "gone"
	}

	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			var kb int
			_, _ = fmt.Sscanf(strings.TrimPrefix(line, "VmRSS:"), "%d", &kb)
			return fmt.Sprintf("%d MB", kb/1024)
		}
	}

	return "?"
}
