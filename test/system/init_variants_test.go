//go:build system

package system

import (
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/test/harness"
)

// TestInitNoCeph: OVN without Ceph (MicroCeph is not installed): the plan
// skips the MicroCeph phase and LXD gets no remote pool. (The lab's
// userspace datapath forwards Geneve only over a dedicated underlay, see
// doc/explanation/lab.md, so cross-machine pings need one; TestInitSingleNode covers
// encapsulation on the management address.)
func TestInitNoCeph(t *testing.T) {
	lab := harness.LabUp(t, 3, "lxd,microcloud,microovn")
	spec := cloudSpec{nodes: lab.Nodes, ovn: true, underlay: true, ipv4: true}
	out, took := runInit(t, lab, spec)
	t.Logf("3-node init without Ceph: %s", took.Round(100*time.Millisecond))
	if strings.Contains(out, "MicroCeph") {
		t.Fatalf("MicroCeph appears in a run without it:\n%s", out)
	}

	assertCloud(t, lab, spec)
	importImage(t, lab)
	launch(t, lab, "micro02")
	ping(t, lab, "c-micro02", launch(t, lab, "micro03"))
}

// TestInitNoOVN: without MicroOVN the instances' network is a plain bridge
// on each machine, and the output says so.
func TestInitNoOVN(t *testing.T) {
	lab := harness.LabUp(t, 3, "lxd,microcloud")
	spec := cloudSpec{nodes: lab.Nodes}
	out, _ := runInit(t, lab, spec)
	if !strings.Contains(out, "lxdbr0") {
		t.Fatalf("the bridge fallback is not stated:\n%s", out)
	}

	assertCloud(t, lab, spec)
	importImage(t, lab)
	ip := launch(t, lab, "micro03")
	if !strings.HasPrefix(ip, "10.") {
		t.Fatalf("instance on the bridge got %q", ip)
	}
}

// TestInitIPv6Uplink: an uplink with only an IPv6 gateway gives instances
// IPv6 only; they reach each other and the gateway over it.
func TestInitIPv6Uplink(t *testing.T) {
	lab := harness.LabUp(t, 2, "lxd,microcloud,microovn")
	spec := cloudSpec{nodes: lab.Nodes, ovn: true, underlay: true, ipv6: true}
	runInit(t, lab, spec)
	assertCloud(t, lab, spec)

	config := lab.MustExec(t, 30*time.Second, "micro01", "lxc", "network", "show", "default")
	if !strings.Contains(config, "ipv4.address: none") {
		t.Fatalf("the OVN network has IPv4 without an IPv4 uplink:\n%s", config)
	}

	importImage(t, lab)
	launchFamily(t, lab, "micro01", "6")
	target := launchFamily(t, lab, "micro02", "6")
	ping(t, lab, "c-micro01", target)
	ping(t, lab, "c-micro01", "fd96::1")
}

// TestInitSingleNode: one machine is a MicroCloud too: every service is
// bootstrapped and nothing joins; Ceph replicates once.
func TestInitSingleNode(t *testing.T) {
	lab := harness.LabUp(t, 1, "")
	spec := cloudSpec{nodes: lab.Nodes, ovn: true, ipv4: true, ceph: lab.Nodes}
	out, took := runInit(t, lab, spec)
	t.Logf("1-node full-stack init: %s", took.Round(100*time.Millisecond))
	if !strings.Contains(out, "replication 1") {
		t.Fatalf("Ceph replication not set to 1:\n%s", out)
	}

	assertCloud(t, lab, spec)
	importImage(t, lab)
	launch(t, lab, "micro01")
	ping(t, lab, "c-micro01", "10.96.0.1")
}
