//go:build system

package system

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/test/harness"
)

// TestRemove shrinks a 4-node full-stack cloud to one machine: micro03 (an
// OVN central with an OSD) leaves live, micro04 dies (every process of its
// node killed) and leaves with --force, then micro02 leaves live. After
// each step every service lists the rest and nothing else, Ceph's monmap,
// OSD tree and OVN's chassis and raft servers hold no trace of the removed
// machine, Ceph is healthy (or warns of its single replica), an RBD image
// written before the first step exports identical, LXD's `remote` pool is
// CREATED, and the remaining instances reach each other. Refusals (an
// unknown name, this machine itself, a dead machine without --force, a
// machine with a running instance) change nothing.
func TestRemove(t *testing.T) {
	lab := harness.LabUp(t, 4, "")
	spec := cloudSpec{nodes: lab.Nodes, ovn: true, underlay: true, ipv4: true, ceph: lab.Nodes}
	runInit(t, lab, spec)

	// Which three run OVN's central depends on the order of the joins:
	// the live removal takes a central other than micro01.
	nb := func() string {
		return lab.MustExec(t, 30*time.Second, "micro01", "lxc", "config", "get", "network.ovn.northbound_connection")
	}

	var live string
	var rest []string
	for _, n := range lab.Nodes[1:] {
		if live == "" && strings.Contains(nb(), harness.MgmtIP(n)+":") {
			live = n
		} else {
			rest = append(rest, n)
		}
	}

	dead, last := rest[0], rest[1]
	waitHealthy(t, lab)

	// A chassis moved to another IP behind MicroCloud's back.
	lab.MustExec(t, 30*time.Second, last, "ovs-vsctl", "set", "open_vswitch", ".", "external_ids:ovn-encap-ip="+harness.MgmtIP(last))
	harness.Eventually(t, time.Minute, time.Second, "status names the moved chassis", func() error {
		out := lab.MustExec(t, 30*time.Second, "micro01", "microcloud", "status")
		want := fmt.Sprintf("OVN's chassis %s uses encapsulation IP %s, not the planned %s", last, harness.MgmtIP(last), underlayIP(last))
		if !strings.HasPrefix(out, "Status: ERROR\n") || !strings.Contains(out, want) {
			return fmt.Errorf("%s", out)
		}

		return nil
	})

	lab.MustExec(t, 30*time.Second, last, "ovs-vsctl", "set", "open_vswitch", ".", "external_ids:ovn-encap-ip="+underlayIP(last))
	waitHealthy(t, lab)

	importImage(t, lab)
	target := launch(t, lab, "micro01")
	launch(t, lab, last)
	canary := writeCanary(t, lab)
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"micro09"}, "micro09 is not a member of any service of this MicroCloud"},
		{[]string{"micro01"}, "micro01 cannot remove itself"},
		{[]string{last}, last + " runs 1 instance(s) (c-" + last + "): stop or move them first, or use --force"},
	} {
		res := lab.Exec(t, time.Minute, "micro01", append([]string{"microcloud", "remove"}, bad.args...)...)
		assertOneLineError(t, res, bad.want)
	}

	assertMembers(t, lab, lab.Nodes)

	// A central, live: another member takes its place.
	out := removeAndCheck(t, lab, []string{live}, without(lab.Nodes, live), canary)
	ping(t, lab, "c-"+last, target)
	if got := nb(); strings.Contains(got, harness.MgmtIP(live)+":") || strings.Count(got, "ssl:") != 3 {
		t.Fatalf("LXD's northbound connection after %s left: %s\n%s", live, got, out)
	}

	// A dead machine. Status reports it rather than waiting for it: its
	// sources are read within health.Budget (4 s). The bound here is
	// loose, since a loaded CI machine adds seconds to any command (5 s
	// was too tight): it tells a bounded wait from a hang, no more.
	killNode(t, lab, dead)
	start := time.Now()
	status := lab.MustExec(t, 30*time.Second, "micro01", "microcloud", "status")
	if took := time.Since(start); took > 15*time.Second || !strings.HasPrefix(status, "Status: ERROR") ||
		!strings.Contains(status, "ERROR:   "+dead+" does not answer") {
		t.Fatalf("status with %s dead took %s:\n%s", dead, took, status)
	}

	t.Logf("status with %s dead: %s\n%s", dead, time.Since(start).Round(10*time.Millisecond), status)
	res := lab.Exec(t, time.Minute, "micro01", "microcloud", "remove", dead)
	assertOneLineError(t, res, dead+" is not reachable: if it is gone for good, remove it with --force")
	removeAndCheck(t, lab, []string{dead, "--force"}, []string{"micro01", last}, canary)
	ping(t, lab, "c-"+last, target)
	assertOnlyWarnings(t, lab, "Reliability risk: 2 member(s)", "Data loss risk: 2 machine(s) hold OSDs")

	// Live, down to one machine.
	lab.MustExec(t, time.Minute, "micro01", "lxc", "delete", "--force", "c-"+last)
	out = removeAndCheck(t, lab, []string{last}, []string{"micro01"}, canary)
	if !strings.Contains(out, "Ceph keeps a single copy of its data now") {
		t.Fatalf("no single-replica warning:\n%s", out)
	}

	res = lab.Exec(t, time.Minute, "micro01", "microcloud", "remove", "micro01")
	assertOneLineError(t, res, "micro01 is the last member of this MicroCloud: a MicroCloud keeps at least one member")
	assertOnlyWarnings(t, lab, "Reliability risk: 1 member(s)", "Data loss risk: 1 machine(s) hold OSDs", "Ceph is HEALTH_WARN: 2 pool(s) have no replicas configured")
}

// assertOnlyWarnings checks that status is WARNING with exactly these
// findings (each the start of one).
func assertOnlyWarnings(t *testing.T, lab *harness.Lab, want ...string) {
	t.Helper()
	var report struct {
		Status   string `json:"status"`
		Messages []struct {
			Level string `json:"level"`
			Text  string `json:"text"`
		} `json:"messages"`
	}

	harness.Eventually(t, time.Minute, 2*time.Second, "status warns of "+strings.Join(want, ", "), func() error {
		text := lab.MustExec(t, 30*time.Second, "micro01", "microcloud", "status", "-f", "json")
		err := json.Unmarshal([]byte(text), &report)
		if err != nil || report.Status != "WARNING" || len(report.Messages) != len(want) {
			return fmt.Errorf("%v\n%s", err, text)
		}

		for i, m := range report.Messages {
			if m.Level != "WARNING" || !strings.HasPrefix(m.Text, want[i]) {
				return fmt.Errorf("%s", text)
			}
		}

		return nil
	})
}

func waitHealthy(t *testing.T, lab *harness.Lab) {
	t.Helper()
	harness.Eventually(t, 2*time.Minute, 2*time.Second, "status says HEALTHY", func() error {
		out := lab.MustExec(t, 30*time.Second, "micro01", "microcloud", "status")
		if !strings.HasPrefix(out, "Status: HEALTHY\n") {
			return fmt.Errorf("%s", out)
		}

		return nil
	})
}

// TestRemoveResume kills `microcloud remove` after each service step (LXD,
// MicroCeph, MicroOVN) and runs it again each time: the last run finishes
// the removal and nothing of the machine is left anywhere.
func TestRemoveResume(t *testing.T) {
	lab := harness.LabUp(t, 3, "")
	spec := cloudSpec{nodes: lab.Nodes, ovn: true, underlay: true, ipv4: true, ceph: lab.Nodes}
	runInit(t, lab, spec)
	for _, marker := range []string{"LXD: removed micro03", "MicroCeph: removed micro03", "MicroOVN: removed micro03"} {
		p := harness.Start(t, filepath.Join(t.TempDir(), "remove.log"), harness.LabScript(), "exec", "micro01", "microcloud", "remove", "micro03")
		p.WaitForOutput(t, 5*time.Minute, marker)

		p.Kill()
		t.Logf("killed after %q", marker)
	}

	res := lab.Exec(t, 10*time.Minute, "micro01", "microcloud", "remove", "micro03")
	if res.Code != 0 {
		t.Fatalf("the last remove failed:\n%s", res.Describe())
	}

	t.Logf("last run:\n%s", res.Stdout)
	assertMembers(t, lab, []string{"micro01", "micro02"})
	assertNoTrace(t, lab, []string{"micro01", "micro02"})
}

func without(list []string, drop string) []string {
	var out []string
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}

	return out
}

// removeAndCheck runs `microcloud remove` on micro01 and checks what is left.
func removeAndCheck(t *testing.T, lab *harness.Lab, args []string, left []string, canary string) string {
	t.Helper()
	start := time.Now()
	res := lab.Exec(t, 15*time.Minute, "micro01", append([]string{"microcloud", "remove"}, args...)...)
	if res.Code != 0 {
		t.Fatalf("remove %v failed:\n%s", args, res.Describe())
	}

	t.Logf("remove %v: %s\n%s", args, time.Since(start).Round(100*time.Millisecond), res.Stdout)
	assertMembers(t, lab, left)
	assertVoters(t, lab, left)
	assertNoTrace(t, lab, left)
	if got := exportCanary(t, lab); got != canary {
		t.Fatalf("the RBD image changed: %s, was %s", got, canary)
	}

	harness.Eventually(t, 3*time.Minute, 2*time.Second, "Ceph is healthy", func() error {
		health := strings.TrimSpace(lab.MustExec(t, 30*time.Second, "micro01", "ceph", "health", "detail"))
		if strings.HasPrefix(health, "HEALTH_OK") {
			return nil
		}

		// One host keeps one copy, and Ceph says so (and nothing else).
		if len(left) == 1 && strings.HasPrefix(health, "HEALTH_WARN") {
			for _, line := range strings.Split(health, "\n") {
				if strings.HasPrefix(line, "[") && !strings.Contains(line, "POOL_NO_REDUNDANCY") {
					return fmt.Errorf("%s", health)
				}
			}

			return nil
		}

		return fmt.Errorf("%s", health)
	})

	var pools []struct {
		Name    string `json:"pool_name"`
		Size    int    `json:"size"`
		MinSize int    `json:"min_size"`
	}

	cephJSON(t, lab, &pools, "osd", "pool", "ls", "detail")
	for _, p := range pools {
		if want := min(len(left), 3); p.Size != want || p.MinSize > p.Size || p.MinSize < 1 {
			t.Fatalf("pool %s has size %d and min_size %d, want size %d", p.Name, p.Size, p.MinSize, want)
		}
	}

	remote := lab.MustExec(t, 30*time.Second, "micro01", "lxc", "storage", "show", "remote")
	if !strings.Contains(remote, "status: Created") {
		t.Fatalf("the remote pool:\n%s", remote)
	}

	return res.Stdout
}

// assertVoters checks that a removal left each microcluster-based
// service's database with three voters from three members on: on two, the
// loss of one more member (the next step of TestRemove) would stop it.
func assertVoters(t *testing.T, lab *harness.Lab, left []string) {
	t.Helper()
	if len(left) < 3 {
		return
	}

	var services []struct {
		Service string `json:"service"`
		Members []struct {
			Name string `json:"name"`
			Role string `json:"role"`
		} `json:"members"`
	}

	// remove waits for the promotions, but within a bound (it warns when
	// one is late, as a loaded machine can make it): the test waits on.
	harness.Eventually(t, time.Minute, time.Second, "three voters in every microcluster database", func() error {
		text := lab.MustExec(t, 30*time.Second, "micro01", "microcloud", "service", "list", "-f", "json")
		err := json.Unmarshal([]byte(text), &services)
		if err != nil {
			t.Fatalf("service list: %v\n%s", err, text)
		}

		for _, s := range services {
			if s.Service == "LXD" {
				continue
			}

			voters := 0
			for _, m := range s.Members {
				if strings.EqualFold(m.Role, "voter") {
					voters++
				}
			}

			if voters != 3 {
				return fmt.Errorf("%s has %d voters after the removal:\n%s", s.Service, voters, text)
			}
		}

		return nil
	})
}

// assertNoTrace checks Ceph's monmap and OSD tree and OVN's chassis and
// raft servers: exactly the members left.
func assertNoTrace(t *testing.T, lab *harness.Lab, left []string) {
	t.Helper()
	want := strings.Join(left, ",")
	var mons struct {
		Mons []struct {
			Name string `json:"name"`
		} `json:"mons"`
	}

	cephJSON(t, lab, &mons, "mon", "dump")
	var names []string
	for _, m := range mons.Mons {
		names = append(names, m.Name)
	}

	// Monitors run on the first three hosts: the monmap holds only
	// machines that are left, and at least one.
	for _, m := range names {
		if !contains(left, m) {
			t.Fatalf("monmap %v has %s, which was removed", names, m)
		}
	}

	if len(names) == 0 {
		t.Fatalf("no monitor left")
	}

	var tree struct {
		Nodes []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"nodes"`
	}

	cephJSON(t, lab, &tree, "osd", "tree")
	var hosts []string
	osds := 0
	for _, n := range tree.Nodes {
		switch n.Type {
		case "host":
			hosts = append(hosts, n.Name)
		case "osd":
			osds++
		}
	}

	if sorted(hosts) != want || osds != len(left) {
		t.Fatalf("OSD tree hosts %v and %d OSDs, want %s", hosts, osds, want)
	}

	sb := "--db=unix:" + filepath.Join(lab.NodeDir("micro01"), "microovn", "run", "ovn", "ovnsb_db.sock")
	chassis := lab.MustExec(t, 30*time.Second, "micro01", "ovn-sbctl", sb, "--format=csv", "--data=bare", "--no-headings", "--columns=hostname", "list", "Chassis")
	if sorted(strings.Fields(chassis)) != want {
		t.Fatalf("chassis %q, want %s", chassis, want)
	}

	for _, db := range []string{"nb", "sb"} {
		ctl := filepath.Join(lab.NodeDir("micro01"), "microovn", "run", "ovn", "ovn"+db+"_db.ctl")
		status := lab.MustExec(t, 30*time.Second, "micro01", "ovs-appctl", "-t", ctl, "cluster/status", map[string]string{"nb": "OVN_Northbound", "sb": "OVN_Southbound"}[db])
		for _, gone := range []string{"micro02", "micro03", "micro04"} {
			// A seat is "<id> (<id> at ssl:IP:PORT)".
			if !contains(left, gone) && strings.Contains(status, harness.MgmtIP(gone)+":") {
				t.Fatalf("%s still has a raft seat in %s:\n%s", gone, db, status)
			}
		}
	}
}

func sorted(list []string) string {
	list = append([]string(nil), list...)
	sort.Strings(list)
	return strings.Join(list, ",")
}

func cephJSON(t *testing.T, lab *harness.Lab, out any, args ...string) {
	t.Helper()
	text := lab.MustExec(t, 30*time.Second, "micro01", append(append([]string{"ceph"}, args...), "-f", "json")...)
	err := json.Unmarshal([]byte(text), out)
	if err != nil {
		t.Fatalf("ceph %v: %v\n%s", args, err, text)
	}
}

// writeCanary writes a 4 MiB RBD image into the remote pool's Ceph pool
// with userspace rbd (this lab's kernel maps no RBD) and returns its sum.
func writeCanary(t *testing.T, lab *harness.Lab) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "canary.img")
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(i*7 + i/4096)
	}

	err := os.WriteFile(file, data, 0o644)
	if err != nil {
		t.Fatal(err)
	}

	lab.MustExec(t, time.Minute, "micro01", "rbd", "import", file, "lxd_remote/canary")
	return exportCanary(t, lab)
}

func exportCanary(t *testing.T, lab *harness.Lab) string {
	t.Helper()
	return strings.Fields(lab.MustExec(t, 2*time.Minute, "micro01", "sh", "-c", "rbd export lxd_remote/canary - 2>/dev/null | sha256sum"))[0]
}

// killNode kills every process of a node, as a power cut would: the lab's
// daemons of that node and everything in its network namespace.
func killNode(t *testing.T, lab *harness.Lab, node string) {
	t.Helper()
	inode := strings.TrimSpace(lab.MustExec(t, 10*time.Second, node, "readlink", "/proc/self/ns/net"))
	harness.Eventually(t, 30*time.Second, 200*time.Millisecond, "every process of "+node+" is gone", func() error {
		var left []int
		stats, _ := filepath.Glob("/proc/[0-9]*/ns/net")
		for _, p := range stats {
			link, err := os.Readlink(p)
			if err != nil || link != inode {
				continue
			}

			pid, _ := strconv.Atoi(strings.Split(p, "/")[2])
			_ = syscall.Kill(pid, syscall.SIGKILL)
			left = append(left, pid)
		}

		if len(left) > 0 {
			return fmt.Errorf("still running: %v", left)
		}

		return nil
	})
}
