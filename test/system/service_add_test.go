//go:build system

package system

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/test/harness"
)

// answerOVN answers init's OVN questions for nodes: the preselected uplink
// on each, the lab's uplink gateway and range, no IPv6, the default
// nameservers, and an underlay on ul0 (Geneve in this lab needs a
// dedicated underlay: doc/explanation/lab.md).
func answerOVN(term *harness.Terminal, nodes []string) {
	term.WaitFor("Set up distributed networking (OVN)?", 30*time.Second)
	term.Keys("Enter")
	acceptUplinks(term, nodes)
	term.WaitFor("IPv4 gateway of the uplink network", 30*time.Second)
	term.Type("10.96.0.1/24")
	term.Keys("Enter")
	term.WaitFor("(first-last)", 10*time.Second)
	term.Keys("Enter")
	term.WaitFor("IPv6 gateway of the uplink network", 10*time.Second)
	term.Keys("Enter")
	term.WaitFor("Nameservers for the OVN networks", 10*time.Second)
	term.Keys("Enter")
	term.WaitFor("dedicated network (underlay)?", 10*time.Second)
	term.Type("y")
	term.Keys("Enter")
	term.WaitFor("underlay address of "+nodes[0], 30*time.Second)
	term.Type("ul0")
	term.Keys("Space", "Enter")
	for _, n := range nodes[1:] {
		term.WaitFor("underlay address of "+n, 30*time.Second)
		term.Keys("Enter")
	}
}

// confirmAndWait answers the summary's question and waits for success.
func confirmAndWait(t *testing.T, term *harness.Terminal, question string, what string) {
	t.Helper()
	term.WaitFor(question, 30*time.Second)
	term.AssertFits()
	start := time.Now()
	term.Keys("Enter")
	screen := term.WaitFor("EXIT=", 10*time.Minute)
	if !strings.Contains(screen, "MicroCloud is ready") || !strings.Contains(screen, "EXIT=0") {
		t.Fatalf("%s did not succeed:\n%s", what, term.History())
	}

	t.Logf("%s, from the summary: %s", what, time.Since(start).Round(100*time.Millisecond))
}

// assertServiceMembers checks each service's members: nodes, except the
// services listed in none, which have none.
func assertServiceMembers(t *testing.T, lab *harness.Lab, nodes []string, none ...string) {
	t.Helper()
	for service, members := range serviceMembers(t, lab, "micro01") {
		want := strings.Join(nodes, ",")
		for _, n := range none {
			if service == n {
				want = ""
			}
		}

		if strings.Join(members, ",") != want {
			t.Fatalf("%s members %v, want %s", service, members, want)
		}
	}
}

// TestServiceAdd starts from a 3-node cloud formed without MicroCeph and
// MicroOVN: `microcloud service add` sets up MicroCeph on every member
// (OVN declined), then, run again, OVN, each with init's questions for that
// service only; LXD's remote pool and OVN networks are Created on every
// member, the default profile's NIC has moved to the OVN network, and
// instances on two members reach each other. A third run has nothing to do.
func TestServiceAdd(t *testing.T) {
	lab := harness.LabUp(t, 3, "")
	runInit(t, lab, cloudSpec{nodes: lab.Nodes})
	command := fmt.Sprintf("%s exec micro01 microcloud service add", harness.LabScript())

	term := harness.StartTerminal(t, 80, 24, nil, command)
	term.WaitFor("Set up distributed storage (Ceph)?", time.Minute)
	term.Keys("Enter")
	term.WaitFor("Select the disks for Ceph", 30*time.Second)
	term.Keys("Right", "Enter")
	term.WaitFor("Ceph's public traffic", 30*time.Second)
	term.Keys("Enter")
	term.WaitFor("Ceph's internal traffic", 30*time.Second)
	term.Keys("Enter")
	term.WaitFor("Set up distributed networking (OVN)?", 30*time.Second)
	term.Type("n")
	term.Keys("Enter")
	confirmAndWait(t, term, "Set up these services on every member?", "service add of MicroCeph on 3 members")
	assertCloud(t, lab, cloudSpec{nodes: lab.Nodes, ceph: lab.Nodes})
	assertServiceMembers(t, lab, lab.Nodes, "MicroOVN")

	term = harness.StartTerminal(t, 80, 24, nil, command)
	answerOVN(term, lab.Nodes)
	confirmAndWait(t, term, "Set up these services on every member?", "service add of MicroOVN on 3 members")
	assertCloud(t, lab, cloudSpec{nodes: lab.Nodes, ovn: true, underlay: true, ipv4: true, ceph: lab.Nodes})
	assertServiceMembers(t, lab, lab.Nodes)
	importImage(t, lab)
	first := launch(t, lab, "micro01")
	launch(t, lab, "micro03")
	ping(t, lab, "c-micro03", first)

	term = harness.StartTerminal(t, 80, 24, nil, command)
	screen := term.WaitFor("EXIT=", 2*time.Minute)
	if !strings.Contains(screen, "All services are already set up") {
		t.Fatalf("a service add with nothing to do:\n%s", term.History())
	}
}

// TestAddBringsCephAndOVN grows a 3-node cloud formed without MicroCeph
// and MicroOVN by micro04, which brings a Ceph disk and an uplink: the
// interactive add offers both services to every system, old and new, with
// init's questions. LXD's remote pool is then Created on every member, the
// OVN networks exist, and instances on every member use the OVN network
// and reach each other.
func TestAddBringsCephAndOVN(t *testing.T) {
	lab := harness.LabUp(t, 4, "")
	runInit(t, lab, cloudSpec{nodes: lab.Nodes[:3]})

	term, joiners := startInteractiveAdd(t, "micro04")
	term.WaitFor("Set up distributed storage (Ceph)?", time.Minute)
	if !strings.Contains(term.History(), "old and new") {
		t.Fatalf("add does not say the service is set up on every system:\n%s", term.History())
	}

	// Only micro04 brings a disk.
	term.Keys("Enter")
	term.WaitFor("Select the disks for Ceph", 30*time.Second)
	term.Type("micro04")
	term.Keys("Down", "Space", "Enter")
	term.WaitFor("Choose the disks again?", 30*time.Second)
	term.Type("n")
	term.Keys("Enter")
	term.WaitFor("Ceph's public traffic", 30*time.Second)
	term.Keys("Enter")
	term.WaitFor("Ceph's internal traffic", 30*time.Second)
	term.Keys("Enter")
	answerOVN(term, lab.Nodes)
	confirmAndWait(t, term, "Add these systems to the MicroCloud?", "add of one machine that brings Ceph and OVN to 4 systems")
	if exited, err := joiners[0].Wait(30 * time.Second); !exited || err != nil {
		t.Fatalf("micro04's join: %v %v\n%s", exited, err, joiners[0].Output())
	}

	assertCloud(t, lab, cloudSpec{nodes: lab.Nodes, ovn: true, underlay: true, ipv4: true, ceph: lab.Nodes[3:]})
	assertServiceMembers(t, lab, lab.Nodes)
	importImage(t, lab)
	first := launch(t, lab, "micro01")
	second := launch(t, lab, "micro02")
	launch(t, lab, "micro04")
	ping(t, lab, "c-micro04", first)
	ping(t, lab, "c-micro04", second)
	ping(t, lab, "c-micro04", "10.96.0.1")
}
