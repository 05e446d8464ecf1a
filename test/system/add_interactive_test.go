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

// startInteractiveAdd starts 'microcloud add' on micro01 in an 80×24
// terminal, runs 'microcloud join' on the node and selects it once it is
// verified.
func startInteractiveAdd(t *testing.T, node string) (*harness.Terminal, []*harness.Process) {
	t.Helper()
	command := fmt.Sprintf("%s exec micro01 microcloud add --passphrase %q", harness.LabScript(), passphrase)
	term := harness.StartTerminal(t, 80, 24, nil, command)
	term.WaitFor("Passphrase: ", time.Minute)
	joiners := joinAll(t, []string{node})
	waitVerified(t, term, node)
	term.Keys("Right", "Enter")
	return term, joiners
}

// TestAddInteractiveAndAuto grows a 3-node full-stack cloud (OVN on an
// underlay, Ceph) three ways: micro04 with the interactive `microcloud
// add` in a terminal, where only micro04's own part is asked (its Ceph
// disk, its uplink and its underlay address, the members' choices
// preselected; no gateway question); micro05 by preseed; micro06 with `add
// --auto`. Every service then lists six members, each new chassis carries
// its underlay IP, Ceph has OSDs on micro04 and micro05, and an instance on
// micro05 pings instances on micro01 and micro04 and the uplink gateway.
func TestAddInteractiveAndAuto(t *testing.T) {
	lab := harness.LabUp(t, 6, "")
	base := cloudSpec{nodes: lab.Nodes[:3], ovn: true, underlay: true, ipv4: true, ceph: lab.Nodes[:3]}
	runInit(t, lab, base)

	// micro04, interactively.
	term, joiners := startInteractiveAdd(t, "micro04")
	term.WaitFor("Give Ceph disks of the new systems?", time.Minute)
	if !strings.Contains(term.History(), "a directory on each new system") {
		t.Fatalf("the cloud's directory pool is not said:\n%s", term.History())
	}

	term.Keys("Enter")
	term.WaitFor("Select the new systems' disks for Ceph", 30*time.Second)
	term.Keys("Right", "Enter")
	screen := term.WaitFor("uplink interface of micro04", 30*time.Second)
	if !strings.Contains(screen, "uplink0") {
		t.Fatalf("uplink0 is not offered:\n%s", screen)
	}

	term.Keys("Enter")
	screen = term.WaitFor("underlay address of micro04", 30*time.Second)
	if !strings.Contains(screen, underlayIP("micro04")) {
		t.Fatalf("micro04's underlay address is not offered:\n%s", screen)
	}

	term.Keys("Enter")
	term.WaitFor("Add these systems to the MicroCloud?", 30*time.Second)
	term.AssertFits()
	if history := term.History(); strings.Contains(history, "gateway of the uplink") || strings.Contains(history, "Ceph's public traffic") {
		t.Fatalf("add asked what the cloud has answered already:\n%s", history)
	}

	start := time.Now()
	term.Keys("Enter")
	screen = term.WaitFor("EXIT=", 10*time.Minute)
	if !strings.Contains(screen, "MicroCloud is ready") || !strings.Contains(screen, "EXIT=0") {
		t.Fatalf("the interactive add did not succeed:\n%s", term.History())
	}

	t.Logf("interactive add of one machine, from the summary: %s", time.Since(start).Round(100*time.Millisecond))
	for _, j := range joiners {
		if exited, err := j.Wait(30 * time.Second); !exited || err != nil {
			t.Fatalf("micro04's join: %v %v\n%s", exited, err, j.Output())
		}
	}

	// The saved answers replay: micro04 is no new machine any more.
	saved := filepath.Join(lab.NodeDir("micro01"), "microcloud", "add-preseed.yaml")
	res := lab.Exec(t, 5*time.Minute, "micro01", "microcloud", "add", "--preseed", saved)
	if res.Code == 0 || !strings.Contains(res.Stderr, "micro04 is already a member of this MicroCloud") {
		t.Fatalf("replaying the saved add (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	// micro05 by preseed.
	path := writePreseed(t, addPreseed("micro05"))
	joiner := harness.Start(t, filepath.Join(t.TempDir(), "micro05-add.log"), harness.LabScript(), "exec", "micro05", "microcloud", "init", "--preseed", path)
	lab.MustExec(t, 10*time.Minute, "micro01", "microcloud", "add", "--preseed", path)
	if exited, err := joiner.Wait(30 * time.Second); !exited || err != nil {
		t.Fatalf("micro05's join: %v %v\n%s", exited, err, joiner.Output())
	}

	// micro06 with --auto: its uplink and underlay follow the members'.
	joiners = joinAll(t, []string{"micro06"})
	start = time.Now()
	out := lab.MustExec(t, 10*time.Minute, "micro01", "microcloud", "add", "--auto", "--passphrase", passphrase, "--lookup-timeout", "15")
	t.Logf("add --auto of one machine (15 s lookup window included): %s", time.Since(start).Round(100*time.Millisecond))
	if !strings.Contains(out, `micro06: uplink "uplink0", underlay `+underlayIP("micro06")) {
		t.Fatalf("add --auto did not follow the members:\n%s", out)
	}

	if exited, err := joiners[0].Wait(30 * time.Second); !exited || err != nil {
		t.Fatalf("micro06's join: %v %v\n%s", exited, err, joiners[0].Output())
	}

	grown := base
	grown.nodes, grown.ceph = lab.Nodes, lab.Nodes[:5]
	assertCloud(t, lab, grown)
	assertMembers(t, lab, grown.nodes)
	tree := lab.MustExec(t, 30*time.Second, "micro01", "ceph", "osd", "tree")
	for _, n := range []string{"micro04", "micro05"} {
		if !strings.Contains(tree, n) {
			t.Fatalf("no OSD host %s:\n%s", n, tree)
		}
	}

	importImage(t, lab)
	first := launch(t, lab, "micro01")
	fourth := launch(t, lab, "micro04")
	launch(t, lab, "micro05")
	ping(t, lab, "c-micro05", first)
	ping(t, lab, "c-micro05", fourth)
	ping(t, lab, "c-micro05", "10.96.0.1")
}
