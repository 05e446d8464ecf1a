//go:build system

package system

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/test/harness"
)

// TestLabUpDown brings up three nodes, checks that each node's microcloudd
// sees its own LXD and interfaces, that mDNS crosses the lab in both address
// families, and that `lab down` leaves no namespace, route, mount or process.
func TestLabUpDown(t *testing.T) {
	lab := harness.LabUp(t, 3, "lxd,microcloud")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	for i, node := range lab.Nodes {
		c := lab.Client(t, node)
		services, err := c.Services(ctx)
		if err != nil {
			t.Fatalf("%s: services: %v", node, err)
		}

		var lxd *types.ServiceState
		for i := range services {
			if services[i].Type == types.LXD {
				lxd = &services[i]
			}
		}

		if lxd == nil || !lxd.Usable() || lxd.Version == "" || lxd.Clustered || !lxd.HasExtension("clustering_join_token") {
			t.Fatalf("%s: LXD not reported as present and standalone: %+v", node, lxd)
		}

		if !strings.HasPrefix(lxd.Endpoint, lab.NodeDir(node)) {
			t.Fatalf("%s: LXD detected at %s, not the node's own socket", node, lxd.Endpoint)
		}

		sys, err := c.System(ctx)
		if err != nil {
			t.Fatalf("%s: system: %v", node, err)
		}

		if sys.Name != node {
			t.Fatalf("%s: system name %q (UTS namespace not private?)", node, sys.Name)
		}

		ifaces := map[string]types.Interface{}
		for _, iface := range sys.Interfaces {
			ifaces[iface.Name] = iface
		}

		mgmt, ok := ifaces["mgmt0"]
		want := []string{fmt.Sprintf("10.99.0.%d/24", 11+i), fmt.Sprintf("fd99::%d/64", 11+i)}
		if !ok || strings.Join(mgmt.Addresses, " ") != strings.Join(want, " ") || mgmt.State != "up" {
			t.Fatalf("%s: mgmt0 = %+v, want addresses %v", node, mgmt, want)
		}

		if up := ifaces["uplink0"]; !up.Uplink.Eligible || up.Underlay.Eligible {
			t.Fatalf("%s: uplink0 must be an uplink candidate only: %+v", node, up)
		}

		if ul := ifaces["ul0"]; !ul.Underlay.Eligible || ul.Uplink.Eligible || ul.Uplink.Reason != fmt.Sprintf("has IP 10.98.0.%d/24", 11+i) {
			t.Fatalf("%s: ul0 must be an underlay candidate only: %+v", node, ul)
		}

		// The machine's own (mounted) disk must never be offered.
		for _, d := range sys.Disks {
			if d.Mounted && (d.Local.Eligible || d.Ceph.Eligible) {
				t.Fatalf("%s: mounted disk %s offered: %+v", node, d.ID, d)
			}
		}
	}

	// An mDNS announcement from micro02 is seen from micro01, over IPv4 and IPv6.
	announcer := harness.Start(t, filepath.Join(t.TempDir(), "announce.log"), harness.LabScript(),
		"exec", "micro02", "mdnsprobe", "announce", "-name", "probe-micro02", "-for", "60s")
	for _, family := range []string{"-no6", "-no4"} {
		out := lab.MustExec(t, 30*time.Second, "micro01", "mdnsprobe", "lookup", "-expect", "1", "-timeout", "10s", family)
		if !strings.Contains(out, "probe-micro02._microcloud._tcp.local. v4=10.99.0.12 v6=fd99::12") {
			t.Fatalf("lookup %s from micro01:\n%s", family, out)
		}
	}

	_ = announcer.Stop(10 * time.Second)

	// Remember what the lab made, then take it down and look for leftovers.
	pids := recordedPIDs(t)
	if len(pids) < 6 {
		t.Fatalf("expected at least 6 recorded daemons, got %v", pids)
	}

	nsInodes := map[string]bool{}
	for _, node := range lab.Nodes {
		nsInodes[inode(t, "/run/netns/"+harness.NetnsName(node))] = true
	}

	nsInodes[inode(t, "/run/netns/"+harness.SwitchNetns())] = true

	harness.LabDown(t)
	assertLabGone(t, pids, nsInodes)

	// Down is idempotent.
	harness.LabDown(t)
	assertLabGone(t, pids, nsInodes)
}

// TestLabLXDCluster forms a 3-member LXD cluster in the lab through the LXD
// client library: every call reaches a node's LXD through that node's
// microcloudd tunnel, so all TCP traffic starts inside the lab.
func TestLabLXDCluster(t *testing.T) {
	lab := harness.LabUp(t, 3, "lxd,microcloud")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	first, err := lab.Client(t, "micro01").LXD(ctx)
	if err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	err = service.LXDBootstrap(ctx, first, "micro01", service.LXDAddress(harness.MgmtIP("micro01")))
	if err != nil {
		t.Fatalf("bootstrap: %v", err)
	}

	waitLXDOnline(t, ctx, first, "micro01")

	cert, err := service.LXDClusterCertificate(first)
	if err != nil {
		t.Fatal(err)
	}

	for _, node := range lab.Nodes[1:] {
		joiner, err := lab.Client(t, node).LXD(ctx)
		if err != nil {
			t.Fatal(err)
		}

		token, err := service.LXDIssueToken(first, node)
		if err != nil {
			t.Fatalf("token for %s: %v", node, err)
		}

		err = service.LXDJoin(ctx, joiner, token, cert, service.LXDAddress(harness.MgmtIP(node)), nil)
		if err != nil {
			t.Fatalf("join %s: %v", node, err)
		}
	}

	t.Logf("LXD cluster of 3 formed in %s", time.Since(start).Round(time.Millisecond))

	// A joined member shows Online from its first heartbeat on.
	want := "micro01@10.99.0.11:8443:Online micro02@10.99.0.12:8443:Online micro03@10.99.0.13:8443:Online"
	harness.Eventually(t, time.Minute, 200*time.Millisecond, "every LXD member online", func() error {
		members, err := service.LXDMembers(first)
		if err != nil {
			return err
		}

		got := []string{}
		for _, m := range members {
			got = append(got, fmt.Sprintf("%s@%s:%s", m.Name, m.Address, m.Status))
		}

		if strings.Join(got, " ") != want {
			return fmt.Errorf("members = %s\nwant %s", strings.Join(got, " "), want)
		}

		return nil
	})

	// Every member agrees, seen from inside micro03 with the lxc client.
	out := lab.MustExec(t, 30*time.Second, "micro03", "lxc", "cluster", "list", "--format", "csv")
	if strings.Count(out, "ONLINE") != 3 {
		t.Fatalf("lxc cluster list on micro03:\n%s", out)
	}
}

// TestLabLXDBareTokenJoin documents the LXD 5.0.2 quirk LXDJoin works
// around: a PUT /1.0/cluster that carries the token only as cluster_token
// is refused, and the same join succeeds once the token is also sent as
// cluster_password.
func TestLabLXDBareTokenJoin(t *testing.T) {
	lab := harness.LabUp(t, 2, "lxd,microcloud")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	first, err := lab.Client(t, "micro01").LXD(ctx)
	if err != nil {
		t.Fatal(err)
	}

	joiner, err := lab.Client(t, "micro02").LXD(ctx)
	if err != nil {
		t.Fatal(err)
	}

	err = service.LXDBootstrap(ctx, first, "micro01", service.LXDAddress(harness.MgmtIP("micro01")))
	if err != nil {
		t.Fatal(err)
	}

	waitLXDOnline(t, ctx, first, "micro01")

	cert, err := service.LXDClusterCertificate(first)
	if err != nil {
		t.Fatal(err)
	}

	token, err := service.LXDIssueToken(first, "micro02")
	if err != nil {
		t.Fatal(err)
	}

	err = bareTokenJoin(ctx, joiner, token, cert, service.LXDAddress(harness.MgmtIP("micro02")))
	if err == nil {
		t.Fatal("a join with the token only as cluster_token succeeded: the LXD quirk is gone, revisit LXDJoin")
	}

	if !regexp.MustCompile(`not authorized`).MatchString(err.Error()) {
		t.Fatalf("unexpected error for the bare-token join: %v", err)
	}

	t.Logf("bare token join: %v", err)
	err = service.LXDJoin(ctx, joiner, token, cert, service.LXDAddress(harness.MgmtIP("micro02")), nil)
	if err != nil {
		t.Fatalf("join with token and password after the refused attempt: %v", err)
	}

	members, err := service.LXDMembers(first)
	if err != nil || len(members) != 2 {
		t.Fatalf("members after join: %v %v", members, err)
	}
}

func recordedPIDs(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(harness.LabDir(), "pids"))
	if err != nil {
		t.Fatal(err)
	}

	var pids []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 0 {
			pids = append(pids, fields[0])
		}
	}

	return pids
}

func inode(t *testing.T, path string) string {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}

	return fmt.Sprint(statIno(fi))
}

// assertLabGone checks that nothing of the lab remains: no namespace, no
// blackhole route, no mount, no process (recorded, or in a lab namespace).
func assertLabGone(t *testing.T, pids []string, nsInodes map[string]bool) {
	t.Helper()
	res := harness.Run(t, 10*time.Second, "ip", "netns", "list")
	for _, line := range strings.Split(res.Stdout, "\n") {
		name := strings.Fields(line + " x")[0]
		if name == harness.SwitchNetns() || regexp.MustCompile(`^`+regexp.QuoteMeta(harness.NetnsName("micro"))+`0\d$`).MatchString(name) {
			t.Fatalf("namespaces left: %s", res.Stdout)
		}
	}

	// The blackholes are shared by side-by-side labs: only the last one
	// down removes them.
	others, _ := filepath.Glob("/run/microcloud-lab*")
	for _, family := range []string{"-4", "-6"} {
		res = harness.Run(t, 10*time.Second, "ip", family, "route", "show", "type", "blackhole")
		if len(others) == 0 && regexp.MustCompile(`10\.9[4-9]\.|fd9[4-9]:`).MatchString(res.Stdout) {
			t.Fatalf("blackhole routes left (%s): %s", family, res.Stdout)
		}
	}

	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}

	for _, line := range strings.Split(string(mounts), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 5 {
			continue
		}

		target := fields[4]
		if strings.HasPrefix(target, harness.LabDir()+"/") || strings.HasPrefix(target, harness.NSDir()) ||
			strings.HasPrefix(target, "/run/netns/"+harness.NetnsName("micro")) {
			t.Fatalf("mount left: %s", line)
		}
	}

	for _, pid := range pids {
		status, err := os.ReadFile("/proc/" + pid + "/status")
		if err == nil && !strings.Contains(string(status), "State:\tZ") {
			t.Fatalf("recorded process %s still running", pid)
		}
	}

	procs, _ := filepath.Glob("/proc/[0-9]*/ns/net")
	for _, p := range procs {
		fi, err := os.Stat(p)
		if err == nil && nsInodes[fmt.Sprint(statIno(fi))] {
			t.Fatalf("process %s still in a lab namespace", strings.Split(p, "/")[2])
		}
	}
}
