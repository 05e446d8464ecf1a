//go:build system

package system

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/test/harness"
)

// cloudSpec describes a test cloud; preseed renders it.
type cloudSpec struct {
	nodes    []string
	ovn      bool
	underlay bool
	ipv4     bool // IPv4 uplink gateway and range
	ipv6     bool // IPv6 uplink gateway
	ceph     []string
}

func (c cloudSpec) preseed() string {
	var b strings.Builder
	fmt.Fprintf(&b, "lookup_subnet: 10.99.0.0/24\ninitiator: %s\nsession_passphrase: %s\nlookup_timeout: 30\nsystems:\n", c.nodes[0], passphrase)
	for _, n := range c.nodes {
		fmt.Fprintf(&b, "- name: %s\n", n)
		if c.ovn {
			fmt.Fprintf(&b, "  ovn_uplink_interface: uplink0\n")
		}

		if c.underlay {
			fmt.Fprintf(&b, "  ovn_underlay_ip: %s\n", underlayIP(n))
		}

		for _, cn := range c.ceph {
			if cn == n {
				fmt.Fprintf(&b, "  storage:\n    ceph:\n    - path: loop,2G,1\n")
			}
		}
	}

	if c.ovn {
		b.WriteString("ovn:\n")
		if c.ipv4 {
			b.WriteString("  ipv4_gateway: 10.96.0.1/24\n  ipv4_range: 10.96.0.100-10.96.0.150\n")
		}

		if c.ipv6 {
			b.WriteString("  ipv6_gateway: fd96::1/64\n")
		}
	}

	if len(c.ceph) > 0 {
		b.WriteString("ceph:\n  public_network: 10.97.0.0/24\n")
	}

	return b.String()
}

// writePreseed puts a preseed where every node sees it.
func writePreseed(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "preseed.yaml")
	err := os.WriteFile(path, []byte(text), 0o644)
	if err != nil {
		t.Fatal(err)
	}

	return path
}

// startJoiners runs `microcloud init --preseed` on every node but the first.
func startJoiners(t *testing.T, nodes []string, preseed string) []*harness.Process {
	t.Helper()
	var out []*harness.Process
	for _, n := range nodes[1:] {
		out = append(out, harness.Start(t, filepath.Join(t.TempDir(), n+"-init.log"), harness.LabScript(), "exec", n, "microcloud", "init", "--preseed", preseed))
	}

	return out
}

// runInit forms a cloud from a preseed on every node and returns the
// initiator's output and how long it took.
func runInit(t *testing.T, lab *harness.Lab, spec cloudSpec) (string, time.Duration) {
	t.Helper()
	preseed := writePreseed(t, spec.preseed())
	joiners := startJoiners(t, spec.nodes, preseed)
	start := time.Now()
	res := lab.Exec(t, 10*time.Minute, spec.nodes[0], "microcloud", "init", "--preseed", preseed)
	took := time.Since(start)
	if res.Code != 0 {
		t.Fatalf("init failed (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	for _, j := range joiners {
		exited, err := j.Wait(30 * time.Second)
		if !exited || err != nil || !(strings.Contains(j.Output(), "Joined the MicroCloud") || strings.Contains(j.Output(), "already part of the MicroCloud")) {
			t.Fatalf("joiner did not finish well (%v, %v):\n%s", exited, err, j.Output())
		}
	}

	return res.Stdout, took
}

// lxcJSON runs lxc on micro01 and decodes its JSON.
func lxcJSON(t *testing.T, lab *harness.Lab, out any, args ...string) {
	t.Helper()
	text := lab.MustExec(t, time.Minute, "micro01", append([]string{"lxc"}, append(args, "--format", "json")...)...)
	err := json.Unmarshal([]byte(text), out)
	if err != nil {
		t.Fatalf("lxc %v: %v\n%s", args, err, text)
	}
}

// assertCloud checks the state a spec should leave: LXD members online,
// the pools and networks created on every member, OVN chassis encap IPs,
// Ceph OSDs, and the default profile.
func assertCloud(t *testing.T, lab *harness.Lab, spec cloudSpec) {
	t.Helper()
	var members []struct {
		ServerName string `json:"server_name"`
		Status     string `json:"status"`
	}

	lxcJSON(t, lab, &members, "cluster", "list")
	var online []string
	for _, m := range members {
		if m.Status == "Online" {
			online = append(online, m.ServerName)
		}
	}

	sort.Strings(online)
	if strings.Join(online, ",") != strings.Join(spec.nodes, ",") {
		t.Fatalf("LXD members online: %v, want %v", online, spec.nodes)
	}

	type object struct {
		Name      string            `json:"name"`
		Type      string            `json:"type"`
		Driver    string            `json:"driver"`
		Status    string            `json:"status"`
		Locations []string          `json:"locations"`
		Config    map[string]string `json:"config"`
	}

	wantPools := map[string]string{"local": "dir"}
	if len(spec.ceph) > 0 {
		wantPools["remote"] = "ceph"
	}

	var pools []object
	lxcJSON(t, lab, &pools, "storage", "list")
	found := 0
	for _, p := range pools {
		if driver, ok := wantPools[p.Name]; ok {
			found++
			if p.Driver != driver || p.Status != "Created" || len(p.Locations) != len(spec.nodes) {
				t.Fatalf("pool %s: %+v", p.Name, p)
			}
		}
	}

	if found != len(wantPools) {
		t.Fatalf("pools %+v, want %v", pools, wantPools)
	}

	wantNetworks := map[string]string{"lxdbr0": "bridge"}
	if spec.ovn {
		wantNetworks = map[string]string{"UPLINK": "physical", "default": "ovn"}
	}

	var networks []object
	lxcJSON(t, lab, &networks, "network", "list")
	found = 0
	for _, n := range networks {
		if typ, ok := wantNetworks[n.Name]; ok {
			found++
			if n.Type != typ || n.Status != "Created" {
				t.Fatalf("network %s: %+v", n.Name, n)
			}
		}
	}

	if found != len(wantNetworks) {
		t.Fatalf("networks %+v, want %v", networks, wantNetworks)
	}

	if spec.ovn {
		for _, node := range spec.nodes {
			parent := strings.TrimSpace(lab.MustExec(t, 30*time.Second, "micro01", "lxc", "network", "get", "UPLINK", "parent", "--target", node))
			if parent != "uplink0" {
				t.Fatalf("UPLINK parent on %s is %q", node, parent)
			}

			want := harness.MgmtIP(node)
			if spec.underlay {
				want = underlayIP(node)
			}

			got := strings.Trim(strings.TrimSpace(lab.MustExec(t, 10*time.Second, node, "ovs-vsctl", "get", "Open_vSwitch", ".", "external_ids:ovn-encap-ip")), `"`)
			if got != want {
				t.Fatalf("%s: chassis encap IP %s, want %s", node, got, want)
			}
		}
	}

	if len(spec.ceph) > 0 {
		// An OSD added moments ago (the last step of growing a cloud) takes
		// a few seconds to come up.
		harness.Eventually(t, time.Minute, time.Second, "every OSD up and in", func() error {
			out := lab.MustExec(t, 30*time.Second, "micro01", "ceph", "osd", "stat", "--format", "json")
			var stat struct {
				NumOSDs   int `json:"num_osds"`
				NumUpOSDs int `json:"num_up_osds"`
				NumInOSDs int `json:"num_in_osds"`
			}

			_ = json.Unmarshal([]byte(out), &stat)
			if stat.NumOSDs != len(spec.ceph) || stat.NumUpOSDs != len(spec.ceph) || stat.NumInOSDs != len(spec.ceph) {
				return fmt.Errorf("ceph osd stat: %s, want %d OSDs up and in", out, len(spec.ceph))
			}

			return nil
		})
	}

	profile := lab.MustExec(t, 30*time.Second, "micro01", "lxc", "profile", "show", "default")
	wantNIC := "network: lxdbr0"
	if spec.ovn {
		wantNIC = "network: default"
	}

	if !strings.Contains(profile, "pool: local") || !strings.Contains(profile, wantNIC) {
		t.Fatalf("default profile:\n%s", profile)
	}
}

// serviceMembers is `microcloud service list` on a node: each service's
// member names, sorted.
func serviceMembers(t *testing.T, lab *harness.Lab, node string) map[string][]string {
	t.Helper()
	var services []struct {
		Service string `json:"service"`
		Members []struct {
			Name string `json:"name"`
		} `json:"members"`
	}

	text := lab.MustExec(t, 30*time.Second, node, "microcloud", "service", "list", "-f", "json")
	err := json.Unmarshal([]byte(text), &services)
	if err != nil {
		t.Fatalf("service list: %v\n%s", err, text)
	}

	out := map[string][]string{}
	for _, s := range services {
		names := []string{}
		for _, m := range s.Members {
			names = append(names, m.Name)
		}

		sort.Strings(names)
		out[s.Service] = names
	}

	return out
}

// launch starts a busybox instance on a node and returns its IPv4 address.
func launch(t *testing.T, lab *harness.Lab, node string) string {
	t.Helper()
	return launchFamily(t, lab, node, "4")
}

// launchFamily starts a busybox instance on a node and returns its address
// in one family ("4" or "6", the lxc list column of that family).
func launchFamily(t *testing.T, lab *harness.Lab, node string, family string) string {
	t.Helper()
	return launchNamed(t, lab, "c-"+node, node, family)
}

// launchNamed starts a busybox instance of that name on a node and returns
// its address in one family.
func launchNamed(t *testing.T, lab *harness.Lab, name string, node string, family string) string {
	t.Helper()
	lab.MustExec(t, 2*time.Minute, "micro01", "lxc", "launch", "busybox", name, "--target", node)
	var ip string
	harness.Eventually(t, 60*time.Second, 300*time.Millisecond, name+" has an IPv"+family+" address", func() error {
		out := lab.MustExec(t, 30*time.Second, "micro01", "lxc", "list", name, "--format", "csv", "-c", family)
		ip = strings.TrimSpace(strings.Split(out, " ")[0])
		if ip == "" {
			return fmt.Errorf("no address yet")
		}

		return nil
	})

	return ip
}

func importImage(t *testing.T, lab *harness.Lab) {
	t.Helper()
	image := filepath.Join(harness.LabDir(), "image")
	lab.MustExec(t, 2*time.Minute, "micro01", "lxc", "image", "import", filepath.Join(image, "meta.tar.gz"), filepath.Join(image, "rootfs.tar.gz"), "--alias", "busybox")
}

func ping(t *testing.T, lab *harness.Lab, from string, to string) {
	t.Helper()
	harness.Eventually(t, 30*time.Second, time.Second, from+" pings "+to, func() error {
		res := lab.Exec(t, 30*time.Second, "micro01", "lxc", "exec", from, "--", "ping", "-c", "2", "-W", "2", to)
		if res.Code != 0 {
			return fmt.Errorf("%s%s", res.Stdout, res.Stderr)
		}

		return nil
	})
}

// TestInitFullStack: three machines, one preseed, every service; instances
// on two machines reach each other over the OVN underlay and reach the
// uplink gateway.
func TestInitFullStack(t *testing.T) {
	lab := harness.LabUp(t, 3, "")
	spec := cloudSpec{nodes: lab.Nodes, ovn: true, underlay: true, ipv4: true, ipv6: true, ceph: lab.Nodes}
	first, took := runInit(t, lab, spec)
	t.Logf("3-node full-stack init: %s", took.Round(100*time.Millisecond))
	assertCloud(t, lab, spec)

	// Every chassis' encapsulation IP was verified.
	if strings.Contains(first, "not checked") || strings.Contains(first, "could not be read") {
		t.Fatalf("init did not verify every encapsulation IP:\n%s", first)
	}

	// As MicroCeph does: a metadata server on each of the first three
	// hosts, standing by for a CephFS.
	harness.Eventually(t, time.Minute, time.Second, "three MDS standing by", func() error {
		stat := lab.MustExec(t, 30*time.Second, "micro01", "ceph", "mds", "stat")
		if !strings.Contains(stat, "3 up:standby") {
			return fmt.Errorf("%s", stat)
		}

		return nil
	})

	importImage(t, lab)
	launch(t, lab, "micro02")
	target := launch(t, lab, "micro03")
	ping(t, lab, "c-micro02", target)
	ping(t, lab, "c-micro02", "10.96.0.1")

	assertLXDFollowsOVNCertificates(t, lab, "micro02")

	// Running the same command again changes nothing and succeeds.
	out, _ := runInit(t, lab, spec)
	if strings.Contains(out, "bootstrapped") || strings.Contains(out, ": joined") || strings.Contains(out, "added loop") {
		t.Fatalf("a second run did work again:\n%s", out)
	}

	assertCloud(t, lab, spec)

	// A chassis moved to another IP behind MicroCloud's back: the next
	// run's verification fails and names it.
	lab.MustExec(t, 30*time.Second, "micro03", "ovs-vsctl", "set", "open_vswitch", ".", "external_ids:ovn-encap-ip="+harness.MgmtIP("micro03"))
	harness.Eventually(t, time.Minute, 2*time.Second, "verification to name micro03's chassis", func() error {
		res := lab.Exec(t, 5*time.Minute, "micro01", "microcloud", "init", "--preseed", writePreseed(t, spec.preseed()))
		want := fmt.Sprintf("the chassis uses encapsulation IP %s, not the planned %s", harness.MgmtIP("micro03"), underlayIP("micro03"))
		if res.Code == 0 || !strings.Contains(res.Stdout+res.Stderr, want) || !strings.Contains(res.Stdout+res.Stderr, "micro03") {
			return fmt.Errorf("exit %d:\n%s%s", res.Code, res.Stdout, res.Stderr)
		}

		return nil
	})

	lab.MustExec(t, 30*time.Second, "micro03", "ovs-vsctl", "set", "open_vswitch", ".", "external_ids:ovn-encap-ip="+underlayIP("micro03"))
}
