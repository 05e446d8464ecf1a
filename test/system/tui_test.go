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

// interactiveInit starts `microcloud init` on micro01 in an 80×24 terminal.
func interactiveInit(t *testing.T, env ...string) *harness.Terminal {
	t.Helper()
	command := fmt.Sprintf("%s exec micro01 microcloud init --passphrase %q", harness.LabScript(), passphrase)
	return harness.StartTerminal(t, 80, 24, env, command)
}

// joinAll runs `microcloud join` on the nodes (as the operator would on
// each machine) and returns the processes.
func joinAll(t *testing.T, nodes []string) []*harness.Process {
	t.Helper()
	var out []*harness.Process
	for _, n := range nodes {
		out = append(out, harness.Start(t, filepath.Join(t.TempDir(), n+"-join.log"), harness.LabScript(),
			"exec", n, "microcloud", "join", "--passphrase", passphrase, "--address", harness.MgmtIP(n)))
	}

	return out
}

// openSession answers the questions before the peer table: micro01's
// management address, and several machines.
func openSession(term *harness.Terminal) {
	term.WaitFor("Select the address for MicroCloud", time.Minute)
	term.Type(harness.MgmtIP("micro01"))
	term.Keys("Enter")
	term.WaitFor("Set up more than one machine?", 30*time.Second)
	term.Keys("Enter")
	term.WaitFor("Passphrase: ", 30*time.Second)
}

// acceptUplinks takes the preselected uplink of every node.
func acceptUplinks(term *harness.Terminal, nodes []string) {
	for _, n := range nodes {
		term.WaitFor("uplink interface of "+n, 30*time.Second)
		term.Keys("Enter")
	}
}

// pickAddressAndPeers answers the questions before the disks: the
// management address, several machines, and every joiner once verified.
func pickAddressAndPeers(t *testing.T, term *harness.Terminal, joiners []string) []*harness.Process {
	t.Helper()
	openSession(term)
	procs := joinAll(t, joiners)
	waitVerified(t, term, joiners...)
	term.Keys("Right", "Enter")
	return procs
}

// TestInteractiveInit drives the real binary in a terminal through a
// 3-machine setup: uplink on every machine, an underlay on ul0,
// file-backed Ceph disks; the cloud ends as the preseed test's does.
// Every screen fits 80×24, and ineligible rows say why.
func TestInteractiveInit(t *testing.T) {
	lab := harness.LabUp(t, 3, "")
	// A DOWN interface, to be shown as such in the uplink table.
	lab.MustExec(t, 30*time.Second, "micro01", "ip", "link", "add", "spare0", "type", "veth", "peer", "name", "spare1")

	term := interactiveInit(t)
	joiners := pickAddressAndPeers(t, term, lab.Nodes[1:])

	term.WaitFor("Set up distributed storage (Ceph)?", time.Minute)
	term.Keys("Enter")
	screen := term.WaitFor("Select the disks for Ceph", 30*time.Second)
	if !strings.Contains(screen, "vda") || !strings.Contains(screen, "mounted") {
		t.Fatalf("the mounted system disk is not shown with its reason:\n%s", screen)
	}

	// Styled by default (the NO_COLOR test below checks the opposite).
	if !strings.Contains(term.ScreenWithEscapes(), "\x1b[") {
		t.Fatalf("no styles on the screen without NO_COLOR")
	}

	term.Keys("Right", "Enter")
	term.WaitFor("Ceph's public traffic", 30*time.Second)
	term.Type("10.97")
	term.Keys("Space", "Enter")
	term.WaitFor("Ceph's internal traffic", 30*time.Second)
	term.Keys("Enter")

	term.WaitFor("Set up distributed networking (OVN)?", 30*time.Second)
	term.Keys("Enter")
	screen = term.WaitFor("uplink interface of micro01", 30*time.Second)
	for _, want := range []string{"has IP 10.98.0.11/24", "spare0", "DOWN"} {
		if !strings.Contains(screen, want) {
			t.Fatalf("the uplink table does not show %q:\n%s", want, screen)
		}
	}

	acceptUplinks(term, lab.Nodes)
	term.WaitFor("IPv4 gateway of the uplink network", 30*time.Second)
	term.Type("10.96.0.0/24")
	term.Keys("Enter")
	term.WaitFor("is the network address of 10.96.0.0/24", 10*time.Second)
	term.Keys("C-u")
	term.Type("10.96.0.1/24")
	term.Keys("Enter")
	term.WaitFor("(first-last)", 10*time.Second)
	term.Type("10.96.0.100-10.96.0.150")
	term.Keys("Enter")
	term.WaitFor("IPv6 gateway of the uplink network", 10*time.Second)
	term.Type("fd96::1/64")
	term.Keys("Enter")
	term.WaitFor("Nameservers for the OVN networks", 10*time.Second)
	term.Keys("Enter")
	term.WaitFor("dedicated network (underlay)?", 10*time.Second)
	term.Type("y")
	term.Keys("Enter")
	term.WaitFor("underlay address of micro01", 30*time.Second)
	term.Type("ul0")
	term.Keys("Space", "Enter")
	for _, n := range lab.Nodes[1:] {
		term.WaitFor("underlay address of "+n, 30*time.Second)
		term.Keys("Enter")
	}

	term.WaitFor("Form the MicroCloud with this setup?", 30*time.Second)
	term.AssertFits()
	start := time.Now()
	term.Keys("Enter")
	screen = term.WaitFor("EXIT=", 10*time.Minute)
	if !strings.Contains(screen, "MicroCloud is ready") || !strings.Contains(screen, "EXIT=0") {
		t.Fatalf("init did not succeed:\n%s", term.History())
	}

	t.Logf("interactive 3-node init, from the summary: %s", time.Since(start).Round(100*time.Millisecond))
	term.AssertFits()
	for _, j := range joiners {
		if exited, err := j.Wait(30 * time.Second); !exited || err != nil {
			t.Fatalf("joiner: %v %v\n%s", exited, err, j.Output())
		}
	}

	spec := cloudSpec{nodes: lab.Nodes, ovn: true, underlay: true, ipv4: true, ipv6: true, ceph: lab.Nodes}
	assertCloud(t, lab, spec)
	importImage(t, lab)
	launch(t, lab, "micro02")
	ping(t, lab, "c-micro02", launch(t, lab, "micro03"))

	// The saved preseed replays to the same cloud: nothing to do.
	saved := filepath.Join(lab.NodeDir("micro01"), "microcloud", "init-preseed.yaml")
	out := lab.MustExec(t, 5*time.Minute, "micro01", "microcloud", "init", "--preseed", saved)
	if strings.Contains(out, "bootstrapped") || strings.Contains(out, ": joined") {
		t.Fatalf("replaying the saved preseed did work again:\n%s", out)
	}
}

// TestInteractiveInitCancelAndDecline: without a terminal init says what to
// use instead; Esc in a table and "no" at the summary leave everything as it
// was and tell the joiner; declining OVN gives the bridge fallback and
// leaves MicroOVN alone. With NO_COLOR the screens carry no colours.
func TestInteractiveInitCancelAndDecline(t *testing.T) {
	lab := harness.LabUp(t, 2, "")
	res := lab.Exec(t, 30*time.Second, "micro01", "microcloud", "init")
	if res.Code == 0 || !strings.Contains(res.Stderr, "needs a terminal; use --preseed FILE or --auto") {
		t.Fatalf("init without a terminal: %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	// Esc at the Ceph disks.
	term := interactiveInit(t, "NO_COLOR=1")
	joiners := pickAddressAndPeers(t, term, lab.Nodes[1:])
	term.WaitFor("Set up distributed storage (Ceph)?", time.Minute)
	term.Keys("Enter")
	term.WaitFor("Select the disks for Ceph", 30*time.Second)
	if colours := term.ScreenWithEscapes(); strings.Contains(colours, "\x1b[3") || strings.Contains(colours, "\x1b[9") {
		t.Fatalf("NO_COLOR is set but the screen has colours: %q", colours)
	}

	term.Keys("Escape")
	screen := term.WaitFor("EXIT=", 30*time.Second)
	if !strings.Contains(screen, "Cancelled: nothing was changed") || !strings.Contains(screen, "EXIT=1") {
		t.Fatalf("Esc:\n%s", screen)
	}

	assertJoinerTold(t, joiners[0], "the initiator cancelled")
	assertUntouched(t, lab)

	// "no" at the summary, after declining Ceph and OVN.
	term = interactiveInit(t)
	joiners = pickAddressAndPeers(t, term, lab.Nodes[1:])
	declineStorageAndNetwork(t, term)
	term.WaitFor("Form the MicroCloud with this setup?", 30*time.Second)
	term.Type("n")
	term.Keys("Enter")
	screen = term.WaitFor("EXIT=", 30*time.Second)
	if !strings.Contains(screen, "Cancelled: nothing was changed") || !strings.Contains(screen, "EXIT=1") {
		t.Fatalf("no at the summary:\n%s", screen)
	}

	assertJoinerTold(t, joiners[0], "cancelled at the summary")
	assertUntouched(t, lab)

	// Declining OVN and Ceph, for real this time.
	term = interactiveInit(t)
	pickAddressAndPeers(t, term, lab.Nodes[1:])
	declineStorageAndNetwork(t, term)
	term.WaitFor("Form the MicroCloud with this setup?", 30*time.Second)
	term.Keys("Enter")
	screen = term.WaitFor("EXIT=", 5*time.Minute)
	if !strings.Contains(screen, "EXIT=0") {
		t.Fatalf("init without OVN:\n%s", term.History())
	}

	term.AssertFits()
	assertCloud(t, lab, cloudSpec{nodes: lab.Nodes})
	services := lab.MustExec(t, 30*time.Second, "micro01", "microcloud", "service", "list", "-f", "csv")
	if strings.Contains(services, "MicroOVN,micro01") || strings.Contains(services, "MicroCeph,micro01") {
		t.Fatalf("a declined service was formed:\n%s", services)
	}
}

// declineStorageAndNetwork answers no to Ceph and to OVN.
func declineStorageAndNetwork(t *testing.T, term *harness.Terminal) {
	t.Helper()
	term.WaitFor("Set up distributed storage (Ceph)?", time.Minute)
	term.Type("n")
	term.Keys("Enter")
	term.WaitFor("Set up distributed networking (OVN)?", 30*time.Second)
	term.Type("n")
	term.Keys("Enter")
	term.WaitFor("each system gets its own bridge lxdbr0", 10*time.Second)
}

// assertJoinerTold checks that a joiner ended, failing, with the reason.
func assertJoinerTold(t *testing.T, p *harness.Process, reason string) {
	t.Helper()
	exited, err := p.Wait(30 * time.Second)
	if !exited || err == nil || !strings.Contains(p.Output(), reason) {
		t.Fatalf("joiner (exited %v, %v) was not told %q:\n%s", exited, err, reason, p.Output())
	}
}
