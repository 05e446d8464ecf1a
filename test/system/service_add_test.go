//go:build system

package system

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/test/harness"
)

// TestServiceAddAndAddBringsOVN starts from a 3-node cloud formed without
// MicroOVN and MicroCeph (a bridge on each member, a directory pool):
// `microcloud service add` sets up MicroCeph on every member (OVN
// declined); then the interactive `add` of micro04 gives it a Ceph disk and
// sets up OVN on every system, old and new, with init's questions. LXD's
// remote pool and OVN networks are then Created on every member, the
// default profile's NIC has moved to the OVN network, and instances on
// micro01 and micro04 reach each other over OVN. A third `service add` has
// nothing to do.
func TestServiceAddAndAddBringsOVN(t *testing.T) {
	lab := harness.LabUp(t, 4, "")
	runInit(t, lab, cloudSpec{nodes: lab.Nodes[:3]})

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
	term.WaitFor("Set up these services on every member?", 30*time.Second)
	term.AssertFits()
	start := time.Now()
	term.Keys("Enter")
	screen := term.WaitFor("EXIT=", 10*time.Minute)
	if !strings.Contains(screen, "MicroCloud is ready") || !strings.Contains(screen, "EXIT=0") {
		t.Fatalf("service add did not succeed:\n%s", term.History())
	}

	t.Logf("service add of MicroCeph on 3 members, from the summary: %s", time.Since(start).Round(100*time.Millisecond))
	assertCloud(t, lab, cloudSpec{nodes: lab.Nodes[:3], ceph: lab.Nodes[:3]})
	for service, members := range serviceMembers(t, lab, "micro01") {
		want := strings.Join(lab.Nodes[:3], ",")
		if service == "MicroOVN" {
			want = ""
		}

		if strings.Join(members, ",") != want {
			t.Fatalf("%s members %v, want %s", service, members, want)
		}
	}

	// micro04 joins Ceph with a disk and brings OVN to every system.
	command = fmt.Sprintf("%s exec micro01 microcloud add --passphrase %q", harness.LabScript(), passphrase)
	term = harness.StartTerminal(t, 80, 24, nil, command)
	term.WaitFor("Passphrase: ", time.Minute)
	joiners := joinAll(t, []string{"micro04"})
	waitVerified(t, term, "micro04")
	term.Keys("Right", "Enter")
	term.WaitFor("Give Ceph disks of the new systems?", time.Minute)
	term.Keys("Enter")
	term.WaitFor("Select the new systems' disks for Ceph", 30*time.Second)
	term.Keys("Right", "Enter")
	term.WaitFor("Set up distributed networking (OVN)?", 30*time.Second)
	if !strings.Contains(term.History(), "old and new") {
		t.Fatalf("add does not say OVN is set up on every system:\n%s", term.History())
	}

	term.Keys("Enter")
	acceptUplinks(term, lab.Nodes)
	term.WaitFor("IPv4 gateway of the uplink network", 30*time.Second)
	term.Type("10.96.0.1/24")
	term.Keys("Enter")
	term.WaitFor("(first-last)", 10*time.Second)
	term.Keys("Enter")
	term.WaitFor("IPv6 gateway of the uplink network", 10*time.Second)
	term.Keys("Enter")
	term.WaitFor("Nameservers for the OVN networks", 10*time.Second)
	term.Keys("Enter")
	// Geneve in this lab needs a dedicated underlay (doc/lab.md).
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

	term.WaitFor("Add these systems to the MicroCloud?", 30*time.Second)
	term.AssertFits()
	start = time.Now()
	term.Keys("Enter")
	screen = term.WaitFor("EXIT=", 10*time.Minute)
	if !strings.Contains(screen, "MicroCloud is ready") || !strings.Contains(screen, "EXIT=0") {
		t.Fatalf("the add that brings OVN did not succeed:\n%s", term.History())
	}

	t.Logf("add of one machine that brings OVN to 4 systems, from the summary: %s", time.Since(start).Round(100*time.Millisecond))
	if exited, err := joiners[0].Wait(30 * time.Second); !exited || err != nil {
		t.Fatalf("micro04's join: %v %v\n%s", exited, err, joiners[0].Output())
	}

	assertCloud(t, lab, cloudSpec{nodes: lab.Nodes, ovn: true, underlay: true, ipv4: true, ceph: lab.Nodes})
	assertMembers(t, lab, lab.Nodes)
	importImage(t, lab)
	first := launch(t, lab, "micro01")
	launch(t, lab, "micro04")
	ping(t, lab, "c-micro04", first)
	ping(t, lab, "c-micro04", "10.96.0.1")

	term = harness.StartTerminal(t, 80, 24, nil, command[:strings.Index(command, " add ")]+" service add")
	screen = term.WaitFor("EXIT=", 2*time.Minute)
	if !strings.Contains(screen, "All services are already set up") {
		t.Fatalf("a service add with nothing to do:\n%s", term.History())
	}
}
