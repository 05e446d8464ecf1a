//go:build system

package system

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/test/harness"
)

// TestRecover: a 3-node full-stack cloud loses micro03, then micro02, for
// good (every process of their nodes killed). With one of three gone,
// `cluster recover` refuses and changes nothing. With two gone it is run on
// micro01, killed part way (after MicroOVN's step) and run again: it
// finishes. Then status lists micro01 alone in every service with only
// single-member warnings, the instance on micro01 starts with its file
// intact, an RBD image written before exports identical, LXD's `remote`
// pool is CREATED and takes new writes, a new instance on the OVN network
// reaches the uplink gateway, and `add` brings micro04 and micro05 in: three
// members in every service.
func TestRecover(t *testing.T) {
	lab := harness.LabUp(t, 5, "")
	spec := cloudSpec{nodes: lab.Nodes[:3], ovn: true, underlay: true, ipv4: true, ceph: lab.Nodes[:3]}
	runInit(t, lab, spec)
	waitHealthy(t, lab)

	importImage(t, lab)
	launch(t, lab, "micro01")
	lab.MustExec(t, 30*time.Second, "micro01", "lxc", "exec", "c-micro01", "--", "sh", "-c", "echo kept-through-recovery > /root/witness && sync")
	canary := writeCanary(t, lab)

	// One of three gone: quorum holds.
	killNode(t, lab, "micro03")
	res := lab.Exec(t, 2*time.Minute, "micro01", "microcloud", "cluster", "recover", "--yes")
	assertOneLineError(t, res, "MicroCloud's quorum is not lost (2 of its 3 voters answer): use 'microcloud remove' for members that are gone")
	if members := lab.MustExec(t, 30*time.Second, "micro01", "microcloud", "cluster", "list", "-f", "csv"); strings.Count(members, "\n") != 3 {
		t.Fatalf("the refused recovery changed MicroCloud's members:\n%s", members)
	}

	// Two of three gone. The first run is killed once MicroOVN is done.
	killNode(t, lab, "micro02")
	first := harness.Start(t, filepath.Join(t.TempDir(), "recover-first.log"), harness.LabScript(), "exec", "micro01", "microcloud", "cluster", "recover", "--yes")
	first.WaitForOutput(t, 10*time.Minute, "MicroCeph: restoring its quorum")

	first.Kill()
	t.Logf("first run, killed:\n%s", first.Output())

	// Status names the unfinished recovery, whatever else it finds.
	st := lab.Exec(t, time.Minute, "micro01", "microcloud", "status")
	if !strings.Contains(st.Stdout+st.Stderr, "A quorum recovery started on this machine has not finished (keeping micro01, dropping micro02, micro03)") {
		t.Fatalf("status does not name the unfinished recovery (%d):\n%s%s", st.Code, st.Stdout, st.Stderr)
	}

	start := time.Now()
	res = lab.Exec(t, 15*time.Minute, "micro01", "microcloud", "cluster", "recover", "--yes")
	if res.Code != 0 {
		lab.DumpLogs(t)
		t.Fatalf("the second recovery failed (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	t.Logf("second run (%s):\n%s", time.Since(start).Round(100*time.Millisecond), res.Stdout)
	if !strings.Contains(res.Stdout, "Finishing the recovery started earlier (keeping micro01)") {
		t.Fatalf("the second run did not finish the first's:\n%s", res.Stdout)
	}

	assertMembers(t, lab, []string{"micro01"})
	assertOnlyWarnings(t, lab, "Reliability risk: 1 member(s)", "Data loss risk: 1 machine(s) hold OSDs", "Ceph is HEALTH_WARN")

	// What micro01 held is intact.
	waitRunning(t, lab, "c-micro01")

	witness := lab.MustExec(t, 30*time.Second, "micro01", "lxc", "exec", "c-micro01", "--", "cat", "/root/witness")
	if strings.TrimSpace(witness) != "kept-through-recovery" {
		t.Fatalf("the instance's file after recovery: %q", witness)
	}

	if got := exportCanary(t, lab); got != canary {
		t.Fatalf("the RBD image exports %s after recovery, %s before", got, canary)
	}

	if state := lab.MustExec(t, 30*time.Second, "micro01", "lxc", "storage", "show", "remote"); !strings.Contains(state, "status: Created") {
		t.Fatalf("LXD's remote pool after recovery:\n%s", state)
	}

	lab.MustExec(t, 2*time.Minute, "micro01", "sh", "-c", "head -c 1048576 /dev/urandom | rbd import - lxd_remote/after-recovery")
	fresh := launchNamed(t, lab, "c-after", "micro01", "4")
	ping(t, lab, "c-after", "10.96.0.1")
	t.Logf("a new instance on the OVN network: %s", fresh)

	// The cloud grows again.
	path := writePreseed(t, addPreseedOf([]string{"micro04", "micro05"}))
	var joiners []*harness.Process
	for _, node := range []string{"micro04", "micro05"} {
		joiners = append(joiners, harness.Start(t, filepath.Join(t.TempDir(), node+".log"), harness.LabScript(), "exec", node, "microcloud", "init", "--preseed", path))
	}

	res = lab.Exec(t, 10*time.Minute, "micro01", "microcloud", "add", "--preseed", path)
	if res.Code != 0 {
		t.Fatalf("add after recovery failed (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	for _, j := range joiners {
		if exited, err := j.Wait(30 * time.Second); !exited || err != nil {
			t.Fatalf("a joiner (%v, %v):\n%s", exited, err, j.Output())
		}
	}

	assertMembers(t, lab, []string{"micro01", "micro04", "micro05"})
	ping(t, lab, "c-micro01", launch(t, lab, "micro04"))
}

// TestFourNodesCephOnThreeRecoverKeepsTwo: a 4-node full-stack cloud with
// Ceph's disks on micro01-03 (one lab for two tests: each costs a minute of
// setup). First, the fourth machine joins MicroCeph without disks and still
// uses the remote pool.
//
// Then it loses the two voters of MicroCloud's database other than micro01
// for good. `cluster recover` on micro01 keeps both members that answer:
// the other survivor (the stand-by) stops its services while micro01
// recovers and starts with micro01's recovered databases, its OVN central
// joining micro01's and its Ceph monitor given the same monmap. The first
// run is killed once MicroCloud's database is back; a second finishes.
// Then every service lists both, status from the other survivor is HEALTHY
// or WARNING, the instance there kept its file, instances on both reach
// each other over OVN, and a new one launches there.
func TestFourNodesCephOnThreeRecoverKeepsTwo(t *testing.T) {
	lab := harness.LabUp(t, 4, "")
	spec := cloudSpec{nodes: lab.Nodes, ovn: true, underlay: true, ipv4: true, ceph: lab.Nodes[:3]}
	_, took := runInit(t, lab, spec)
	t.Logf("4-node init with Ceph on 3: %s", took.Round(100*time.Millisecond))
	assertCloud(t, lab, spec)

	if ceph := serviceMembers(t, lab, "micro04")["MicroCeph"]; len(ceph) != 4 {
		t.Fatalf("MicroCeph members: %v, want all 4 machines", ceph)
	}

	// The lab's kernel cannot map rbd, so root disks are local; an instance
	// on the disk-less Ceph member still reaches one on another machine.
	importImage(t, lab)
	launch(t, lab, "micro02")
	ping(t, lab, "c-micro02", launch(t, lab, "micro04"))
	waitHealthy(t, lab)

	kept, dead := splitByRole(t, lab)
	t.Logf("keeping micro01 and %s, killing %s", kept, strings.Join(dead, ", "))
	launchNamed(t, lab, "w-micro01", "micro01", "4")
	launchNamed(t, lab, "w-"+kept, kept, "4")
	lab.MustExec(t, 30*time.Second, "micro01", "lxc", "exec", "w-"+kept, "--", "sh", "-c", "echo kept-on-the-other > /root/witness && sync")

	for _, node := range dead {
		killNode(t, lab, node)
	}

	// The first run is killed once MicroCloud's database is back on both.
	first := harness.Start(t, filepath.Join(t.TempDir(), "recover-first.log"), harness.LabScript(), "exec", "micro01", "microcloud", "cluster", "recover", "--yes")
	first.WaitForOutput(t, 10*time.Minute, "MicroOVN: restoring its quorum")
	first.Kill()
	t.Logf("first run, killed:\n%s", first.Output())
	for _, want := range []string{"Kept: " + strings.Join(sortedNames("micro01", kept), ", ") + ".", kept + ": starts with MicroCloud's recovered database"} {
		if !strings.Contains(first.Output(), want) {
			t.Fatalf("the first run does not say %q:\n%s", want, first.Output())
		}
	}

	start := time.Now()
	res := lab.Exec(t, 15*time.Minute, "micro01", "microcloud", "cluster", "recover", "--yes")
	if res.Code != 0 {
		lab.DumpLogs(t)
		t.Fatalf("the second recovery failed (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	t.Logf("second run (%s):\n%s", time.Since(start).Round(100*time.Millisecond), res.Stdout)
	for _, want := range []string{"Finishing the recovery started earlier", "MicroCeph's database: " + kept + " started with the recovered one"} {
		if !strings.Contains(res.Stdout, want) {
			t.Fatalf("the second run does not say %q:\n%s", want, res.Stdout)
		}
	}

	assertMembers(t, lab, sortedNames("micro01", kept))
	harness.Eventually(t, time.Minute, 2*time.Second, "status HEALTHY or WARNING from "+kept, func() error {
		res := lab.Exec(t, 30*time.Second, kept, "microcloud", "status")
		if !strings.HasPrefix(res.Stdout, "Status: HEALTHY") && !strings.HasPrefix(res.Stdout, "Status: WARNING") {
			return fmt.Errorf("(%d) %s%s", res.Code, res.Stdout, res.Stderr)
		}

		return nil
	})

	for _, node := range []string{"micro01", kept} {
		waitRunning(t, lab, "w-"+node)
	}

	witness := lab.MustExec(t, 30*time.Second, "micro01", "lxc", "exec", "w-"+kept, "--", "cat", "/root/witness")
	if strings.TrimSpace(witness) != "kept-on-the-other" {
		t.Fatalf("the instance's file on %s after recovery: %q", kept, witness)
	}

	ping(t, lab, "w-micro01", launchNamed(t, lab, "c-after", kept, "4"))
	ping(t, lab, "w-"+kept, "10.96.0.1")
}

// splitByRole reads MicroCloud's members: the one that is not a voter is
// kept with micro01, the other voters are the ones to kill.
func splitByRole(t *testing.T, lab *harness.Lab) (string, []string) {
	t.Helper()
	var services []struct {
		Service string `json:"service"`
		Members []struct {
			Name string `json:"name"`
			Role string `json:"role"`
		} `json:"members"`
	}

	text := lab.MustExec(t, 30*time.Second, "micro01", "microcloud", "service", "list", "-f", "json")
	err := json.Unmarshal([]byte(text), &services)
	if err != nil {
		t.Fatalf("service list: %v\n%s", err, text)
	}

	kept, dead := "", []string{}
	for _, s := range services {
		if s.Service != "MicroCloud" {
			continue
		}

		for _, m := range s.Members {
			switch {
			case m.Name == "micro01":
			case m.Role == "voter":
				dead = append(dead, m.Name)
			default:
				kept = m.Name
			}
		}
	}

	if kept == "" || len(dead) != 2 {
		t.Fatalf("MicroCloud's members are not micro01, two other voters and a stand-by:\n%s", text)
	}

	sort.Strings(dead)
	return kept, dead
}

func sortedNames(names ...string) []string {
	sort.Strings(names)
	return names
}

// waitRunning waits until an instance runs again after LXD's restart, and
// starts it when LXD has not after a while (a start that races LXD's own
// fails as "already running").
func waitRunning(t *testing.T, lab *harness.Lab, name string) {
	t.Helper()
	started := time.Now()
	harness.Eventually(t, 3*time.Minute, time.Second, name+" running", func() error {
		st := strings.TrimSpace(lab.MustExec(t, 30*time.Second, "micro01", "lxc", "list", name, "-c", "s", "--format", "csv"))
		if st == "RUNNING" {
			return nil
		}

		if st == "STOPPED" && time.Since(started) > 20*time.Second {
			res := lab.Exec(t, 2*time.Minute, "micro01", "lxc", "start", name)
			t.Logf("lxc start %s: %d %s", name, res.Code, strings.TrimSpace(res.Stderr))
		}

		return fmt.Errorf("%s is %s", name, st)
	})
}
