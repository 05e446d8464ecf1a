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

// addPreseed is a file that grows the cloud of micro01 with one machine:
// its uplink, its underlay and a file-backed OSD.
func addPreseed(node string) string {
	return fmt.Sprintf("lookup_subnet: 10.99.0.0/24\ninitiator: micro01\nsession_passphrase: %s\nlookup_timeout: 30\nsystems:\n"+
		"- name: %s\n  ovn_uplink_interface: uplink0\n  ovn_underlay_ip: %s\n  storage:\n    ceph:\n    - path: loop,2G,1\n",
		passphrase, node, underlayIP(node))
}

// TestAddByPreseed grows a 3-node full-stack cloud by micro04 with
// `microcloud add --preseed` (micro04 runs the same file): every service
// lists four members, micro04's chassis carries its underlay IP, Ceph has
// its OSD, LXD's pools and networks cover it, and an instance on micro04
// reaches one on micro01 over OVN and the uplink gateway. Adding micro04
// again, adding while a member is down, add on a machine that belongs to no
// MicroCloud, a joiner with a wrong passphrase and one whose LXD is
// clustered elsewhere (micro05) are refused, and change nothing.
func TestAddByPreseed(t *testing.T) {
	lab := harness.LabUp(t, 5, "")
	path := writePreseed(t, addPreseed("micro04"))

	res := lab.Exec(t, time.Minute, "micro01", "microcloud", "add", "--preseed", path)
	if res.Code == 0 || !strings.Contains(res.Stderr, "This machine is not part of a MicroCloud: run 'microcloud init' first") {
		t.Fatalf("add before init: %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	base := cloudSpec{nodes: lab.Nodes[:3], ovn: true, underlay: true, ipv4: true, ceph: lab.Nodes[:3]}
	runInit(t, lab, base)
	addRefusals(t, lab, base.nodes)

	joiner := harness.Start(t, filepath.Join(t.TempDir(), "micro04-add.log"), harness.LabScript(), "exec", "micro04", "microcloud", "init", "--preseed", path)
	start := time.Now()
	res = lab.Exec(t, 10*time.Minute, "micro01", "microcloud", "add", "--preseed", path)
	if res.Code != 0 {
		t.Fatalf("add failed (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	t.Logf("add of one machine to a 3-node full-stack cloud: %s", time.Since(start).Round(100*time.Millisecond))
	if exited, err := joiner.Wait(30 * time.Second); !exited || err != nil || !strings.Contains(joiner.Output(), "Joined the MicroCloud") {
		t.Fatalf("micro04 did not join (%v, %v):\n%s", exited, err, joiner.Output())
	}

	grown := base
	grown.nodes, grown.ceph = lab.Nodes[:4], lab.Nodes[:4]
	assertCloud(t, lab, grown)
	assertMembers(t, lab, grown.nodes)

	tree := lab.MustExec(t, 30*time.Second, "micro01", "ceph", "osd", "tree")
	if !strings.Contains(tree, "micro04") {
		t.Fatalf("no OSD host micro04:\n%s", tree)
	}

	importImage(t, lab)
	target := launch(t, lab, "micro01")
	launch(t, lab, "micro04")
	ping(t, lab, "c-micro04", target)
	ping(t, lab, "c-micro04", "10.96.0.1")

	// Again, through 'microcloud preseed' (the file on standard input):
	// micro04 is no new machine, and nothing changes.
	res = lab.Exec(t, 5*time.Minute, "micro01", "sh", "-c", "microcloud preseed < "+path)
	if res.Code == 0 || !strings.Contains(res.Stderr, "systems[0]: micro04 is already a member of this MicroCloud: there is nothing to add") {
		t.Fatalf("adding a member again (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	// Every member must answer: with micro02's daemon stopped, add refuses
	// before anything changes.
	lab.MustExec(t, time.Minute, "micro02", "microcloud", "shutdown")
	res = lab.Exec(t, 5*time.Minute, "micro01", "microcloud", "add", "--preseed", path)
	if res.Code == 0 || !strings.Contains(res.Stderr, "micro02 is not reachable: add needs every member online") {
		t.Fatalf("add with micro02 down (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	assertMembers(t, lab, grown.nodes)
}

// assertMembers checks that every service lists exactly these members.
func assertMembers(t *testing.T, lab *harness.Lab, nodes []string) {
	t.Helper()
	for service, members := range serviceMembers(t, lab, "micro01") {
		if strings.Join(members, ",") != strings.Join(nodes, ",") {
			t.Fatalf("%s members %v, want %v", service, members, nodes)
		}
	}
}

// addRefusals tries to add micro05 with a wrong passphrase, then while its
// LXD belongs to a cluster of its own: both stop before anything changes,
// and the cloud keeps its members.
func addRefusals(t *testing.T, lab *harness.Lab, members []string) {
	t.Helper()
	// Short, since the wrong joiner is never verified and the add waits
	// it out; long enough for that joiner to start and send its proof.
	short := strings.Replace(addPreseed("micro05"), "lookup_timeout: 30", "lookup_timeout: 15", 1)
	path := writePreseed(t, short)
	joiner := harness.Start(t, filepath.Join(t.TempDir(), "micro05-wrong.log"), harness.LabScript(), "exec", "micro05",
		"microcloud", "join", "--passphrase", "wrong words for sure", "--address", harness.MgmtIP("micro05"))
	res := lab.Exec(t, 2*time.Minute, "micro01", "microcloud", "add", "--preseed", path)
	if res.Code == 0 || !strings.Contains(res.Stderr, "micro05") {
		t.Fatalf("add with a joiner's wrong passphrase (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	if exited, err := joiner.Wait(30 * time.Second); !exited || err == nil || !strings.Contains(joiner.Output(), "Wrong passphrase") {
		t.Fatalf("the joiner was not told its passphrase is wrong (%v, %v):\n%s", exited, err, joiner.Output())
	}

	assertMembers(t, lab, members)

	// micro05's LXD in a cluster of its own.
	lab.MustExec(t, time.Minute, "micro05", "lxc", "config", "set", "core.https_address", harness.MgmtIP("micro05")+":8443")
	lab.MustExec(t, 2*time.Minute, "micro05", "lxc", "cluster", "enable", "micro05")
	joiner = harness.Start(t, filepath.Join(t.TempDir(), "micro05-clustered.log"), harness.LabScript(), "exec", "micro05", "microcloud", "init", "--preseed", path)
	res = lab.Exec(t, 2*time.Minute, "micro01", "microcloud", "add", "--preseed", path)
	if res.Code == 0 || !strings.Contains(res.Stderr, "LXD on micro05 already belongs to another cluster") {
		t.Fatalf("add of a machine clustered elsewhere (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	if exited, _ := joiner.Wait(30 * time.Second); !exited {
		joiner.Kill()
	}

	assertMembers(t, lab, members)
}

// TestAddResume kills the initiator of an add in the middle of
// MicroCloud's join, at the start of the service phases (MicroOVN's and
// MicroCeph's start together, so one kill covers both) and of LXD's, and in
// the middle of MicroCeph's and LXD's joins, then runs the same add again
// (micro04 runs the same file again too, as an operator would): it must
// finish and leave what a clean add leaves, nothing twice.
func TestAddResume(t *testing.T) {
	for _, marker := range []string{"micro04 MicroCloud: joining", "micro01 MicroOVN: already clustered", "micro04 MicroCeph: joining",
		"micro01 LXD: already clustered", "micro04 LXD: joining"} {
		t.Run(strings.TrimPrefix(marker, "micro01 "), func(t *testing.T) {
			lab := harness.LabUp(t, 4, "")
			base := cloudSpec{nodes: lab.Nodes[:3], ovn: true, underlay: true, ipv4: true, ceph: lab.Nodes[:3]}
			runInit(t, lab, base)
			path := writePreseed(t, addPreseed("micro04"))
			joiner := harness.Start(t, filepath.Join(t.TempDir(), "micro04.log"), harness.LabScript(), "exec", "micro04", "microcloud", "init", "--preseed", path)
			first := harness.Start(t, filepath.Join(t.TempDir(), "first-add.log"), harness.LabScript(), "exec", "micro01", "microcloud", "add", "--preseed", path)
			first.WaitForOutput(t, 5*time.Minute, marker)

			first.Kill()
			if exited, _ := joiner.Wait(30 * time.Second); !exited {
				joiner.Kill()
			}

			// A machine that did not become a member joins the new session;
			// one that did says so and stops.
			joiner = harness.Start(t, filepath.Join(t.TempDir(), "micro04-again.log"), harness.LabScript(), "exec", "micro04", "microcloud", "init", "--preseed", path)
			res := lab.Exec(t, 10*time.Minute, "micro01", "microcloud", "add", "--preseed", path)
			if res.Code != 0 {
				t.Fatalf("the second add failed (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
			}

			if exited, err := joiner.Wait(30 * time.Second); !exited || err != nil {
				t.Fatalf("micro04's second run (%v, %v):\n%s", exited, err, joiner.Output())
			}

			grown := base
			grown.nodes, grown.ceph = lab.Nodes, lab.Nodes
			assertCloud(t, lab, grown)
			assertNothingTwice(t, lab, grown)
		})
	}
}
