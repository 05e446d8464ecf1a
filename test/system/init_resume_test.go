//go:build system

package system

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/test/harness"
)

// TestInitResume kills the initiator after MicroCloud, inside the phases
// that run side by side (LXD's joins, MicroCeph's joins and disks) and
// inside LXD's configuration, as a crash or a lost terminal would, then
// runs the same command again: it must finish the job and leave exactly what a clean
// run leaves, nothing twice.
func TestInitResume(t *testing.T) {
	points := []struct {
		name   string
		marker string // the initiator's progress line at which it is killed
	}{
		{"after MicroCloud", "micro01 MicroOVN: bootstrapping"},
		{"between LXD joins", "micro02 LXD: joined"},
		{"during MicroCeph joins", "micro02 MicroCeph: joining"},
		{"while Ceph disks are added", "micro03 MicroCeph: adding"},
		{"during LXD configuration", "micro01 LXD: storage pool local"},
	}

	for _, point := range points {
		t.Run(point.name, func(t *testing.T) {
			lab := harness.LabUp(t, 3, "")
			spec := cloudSpec{nodes: lab.Nodes, ovn: true, underlay: true, ipv4: true, ceph: lab.Nodes}
			preseed := writePreseed(t, spec.preseed())
			joiners := startJoiners(t, spec.nodes, preseed)
			initiator := harness.Start(t, filepath.Join(t.TempDir(), "first-init.log"), harness.LabScript(), "exec", "micro01", "microcloud", "init", "--preseed", preseed)
			initiator.WaitForOutput(t, 5*time.Minute, point.marker)

			initiator.Kill()
			t.Logf("killed the initiator at %q", point.marker)
			for _, j := range joiners {
				if exited, _ := j.Wait(30 * time.Second); !exited {
					j.Kill()
				}
			}

			out, took := runInit(t, lab, spec)
			t.Logf("resumed in %s:\n%s", took.Round(100*time.Millisecond), out)
			assertCloud(t, lab, spec)
			assertNothingTwice(t, lab, spec)
		})
	}
}

// assertNothingTwice checks there is one of everything a run creates:
// each service has exactly the planned members, and OVN has one router
// (a network recreated without cleaning up would leave another).
func assertNothingTwice(t *testing.T, lab *harness.Lab, spec cloudSpec) {
	t.Helper()
	for service, names := range serviceMembers(t, lab, "micro01") {
		if strings.Join(names, ",") != strings.Join(spec.nodes, ",") {
			t.Fatalf("%s members %v, want %v", service, names, spec.nodes)
		}
	}

	if !spec.ovn {
		return
	}

	nb := strings.TrimSpace(lab.MustExec(t, 30*time.Second, "micro01", "lxc", "config", "get", "network.ovn.northbound_connection"))
	routers := lab.MustExec(t, 30*time.Second, "micro01", "ovn-nbctl", "--db="+nb, "-p", "/etc/ovn/key_host", "-c", "/etc/ovn/cert_host", "-C", "/etc/ovn/ovn-central.crt", "--timeout=20", "lr-list")
	if n := len(strings.Split(strings.TrimSpace(routers), "\n")); n != 1 {
		t.Fatalf("OVN has %d routers, want 1:\n%s", n, routers)
	}
}
