//go:build system

package system

import (
	"fmt"
	"path/filepath"
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
	// LXD's restart starts its instances again, in the background: wait for
	// that, and start it only when LXD has not after a while (a start that
	// races LXD's own would fail as "already running").
	started := time.Now()
	harness.Eventually(t, 3*time.Minute, time.Second, "c-micro01 running", func() error {
		st := strings.TrimSpace(lab.MustExec(t, 30*time.Second, "micro01", "lxc", "list", "c-micro01", "-c", "s", "--format", "csv"))
		if st == "RUNNING" {
			return nil
		}

		if st == "STOPPED" && time.Since(started) > 20*time.Second {
			res := lab.Exec(t, 2*time.Minute, "micro01", "lxc", "start", "c-micro01")
			t.Logf("lxc start c-micro01: %d %s", res.Code, strings.TrimSpace(res.Stderr))
		}

		return fmt.Errorf("c-micro01 is %s", st)
	})

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
