//go:build system

package system

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/microcluster/v2/microcluster"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/test/harness"
	"github.com/microcloud-project/microcloud/test/labovn"
)

func underlayIP(node string) string {
	return strings.Replace(harness.MgmtIP(node), "10.99.", "10.98.", 1)
}

func ovnApp(t *testing.T, lab *harness.Lab, node string) *microcluster.MicroCluster {
	t.Helper()
	app, err := lab.Client(t, node).MicroclusterApp(types.MicroOVN)
	if err != nil {
		t.Fatal(err)
	}

	return app
}

// ovnEnvOf is where a member's MicroOVN says its databases are (its
// ovn.env, which POST /1.0/env rewrites) and where its client PKI is.
type ovnEnvOf struct {
	NBConnect, SBConnect          string
	CACert, ClientCert, ClientKey string
}

// ovnEnv has a member's MicroOVN rewrite its ovn.env everywhere, as the
// real one does on POST /1.0/env, and reads it.
func ovnEnv(t *testing.T, ctx context.Context, lab *harness.Lab, app *microcluster.MicroCluster, node string) ovnEnvOf {
	t.Helper()
	c, err := app.LocalClient()
	if err != nil {
		t.Fatal(err)
	}

	var regen labovn.RegenerateEnvResponse
	err = c.Query(ctx, "POST", "1.0", api.NewURL().Path("env"), nil, &regen)
	if err != nil || !regen.Success || len(regen.Errors) > 0 {
		t.Fatalf("POST /1.0/env: %+v, %v", regen, err)
	}

	dir := filepath.Join(lab.NodeDir(node), "microovn")
	data, err := os.ReadFile(filepath.Join(dir, "data", "env", "ovn.env"))
	if err != nil {
		t.Fatal(err)
	}

	vars := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if ok {
			vars[k] = strings.Trim(v, `"`)
		}
	}

	pki := filepath.Join(dir, "data", "pki")
	return ovnEnvOf{NBConnect: vars["OVN_NB_CONNECT"], SBConnect: vars["OVN_SB_CONNECT"],
		CACert: filepath.Join(pki, "cacert.pem"), ClientCert: filepath.Join(pki, "client-cert.pem"), ClientKey: filepath.Join(pki, "client-privkey.pem")}
}

// TestLabOVN forms a MicroOVN cluster in the lab with the product's calls
// (through microcloudd's tunnel) and checks that the real OVN underneath
// follows: chassis with the planned encap IPs, raft databases of three,
// MicroOVN's placement, a chassis-only fourth member, a Geneve dataplane,
// and a clean refusal of an encap IP that is no IP.
func TestLabOVN(t *testing.T) {
	lab := harness.LabUp(t, 4, "lxd,microcloud,microovn")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	// initConfig as MicroCloud builds it: every system's underlay under its
	// host name, plus the plain key for the receiver.
	initConfig := func(node string) map[string]string {
		config := map[string]string{"ovn-encap-ip": underlayIP(node)}
		for _, n := range lab.Nodes[:3] {
			config[n+".ovn-encap-ip"] = underlayIP(n)
		}

		return config
	}

	first := ovnApp(t, lab, "micro01")
	start := time.Now()
	err := first.NewCluster(ctx, "micro01", harness.MgmtIP("micro01")+":6443", initConfig("micro01"))
	if err != nil {
		t.Fatalf("bootstrap: %v", err)
	}

	t.Logf("bootstrap: %s", time.Since(start).Round(time.Millisecond))
	for _, node := range lab.Nodes[1:3] {
		start := time.Now()
		token, err := first.NewJoinToken(ctx, node, time.Hour)
		if err != nil {
			t.Fatal(err)
		}

		err = ovnApp(t, lab, node).JoinCluster(ctx, node, harness.MgmtIP(node)+":6443", token, initConfig(node))
		if err != nil {
			t.Fatalf("join %s: %v", node, err)
		}

		t.Logf("join %s: %s", node, time.Since(start).Round(time.Millisecond))
	}

	env := ovnEnv(t, ctx, lab, first, "micro01")
	wantNB := "ssl:10.99.0.11:6641,ssl:10.99.0.12:6641,ssl:10.99.0.13:6641"
	if env.NBConnect != wantNB {
		t.Fatalf("NB connection %q, want %q", env.NBConnect, wantNB)
	}

	sbctl := func(node string, args ...string) string {
		return lab.MustExec(t, 30*time.Second, node, append([]string{"ovn-sbctl", "--db=" + env.SBConnect,
			"-p", env.ClientKey, "-c", env.ClientCert, "-C", env.CACert, "--timeout=20"}, args...)...)
	}

	// Three chassis, each with exactly its planned encap IP.
	harness.Eventually(t, 60*time.Second, 500*time.Millisecond, "3 chassis registered", func() error {
		got := chassisEncaps(sbctl("micro02", "--format=csv", "--no-headings", "--columns=chassis_name,ip", "list", "Encap"))
		want := "micro01=10.98.0.11 micro02=10.98.0.12 micro03=10.98.0.13"
		if got != want {
			return fmt.Errorf("chassis %s, want %s", got, want)
		}

		return nil
	})

	t.Logf("ovn-sbctl show:\n%s", sbctl("micro01", "show"))
	for _, node := range lab.Nodes[:3] {
		got := strings.TrimSpace(lab.MustExec(t, 10*time.Second, node, "ovs-vsctl", "get", "Open_vSwitch", ".", "external_ids:ovn-encap-ip"))
		if got != `"`+underlayIP(node)+`"` {
			t.Fatalf("%s: ovn-encap-ip %s, want %s", node, got, underlayIP(node))
		}
	}

	// Members that were there first follow the joins: their chassis point at
	// all three centrals.
	remote := func(node string) string {
		return strings.Trim(strings.TrimSpace(lab.MustExec(t, 10*time.Second, node, "ovs-vsctl", "get", "Open_vSwitch", ".", "external_ids:ovn-remote")), `"`)
	}

	harness.Eventually(t, 30*time.Second, 500*time.Millisecond, "micro01 refreshed", func() error {
		if got := remote("micro01"); got != env.SBConnect {
			return fmt.Errorf("micro01 ovn-remote %q, want %q", got, env.SBConnect)
		}

		return nil
	})

	// Both raft clusters have three servers, seen from every central (the
	// last to join may still be catching up).
	for _, node := range lab.Nodes[:3] {
		for _, db := range []string{"nb", "sb"} {
			name := map[string]string{"nb": "OVN_Northbound", "sb": "OVN_Southbound"}[db]
			ctl := lab.NodeDir(node) + "/microovn/run/ovn/ovn" + db + "_db.ctl"
			harness.Eventually(t, 30*time.Second, 500*time.Millisecond, node+" "+name+" with three raft servers", func() error {
				status := lab.MustExec(t, 10*time.Second, node, "ovs-appctl", "-t", ctl, "cluster/status", name)
				servers := regexp.MustCompile(`(?m)^\s+[0-9a-f]{4} \([0-9a-f]{4} at ssl:10\.99\.0\.1[1-3]:664[34]\)`).FindAllString(status, -1)
				if len(servers) != 3 {
					return fmt.Errorf("%s %s: %d raft servers:\n%s", node, name, len(servers), status)
				}

				return nil
			})
		}
	}

	// A fourth member becomes a switch and a chassis, not a central.
	token, err := first.NewJoinToken(ctx, "micro04", time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	// Bad input first: a service MicroOVN does not have. The join fails
	// with MicroOVN's error and leaves nothing behind. (Like MicroOVN, the
	// lab takes any encapsulation IP as given: MicroCloud checks that an
	// underlay IP is the system's own before it plans.)
	err = ovnApp(t, lab, "micro04").JoinCluster(ctx, "micro04", harness.MgmtIP("micro04")+":6443", token,
		map[string]string{"ovn-services": "chassis,router"})
	if err == nil || !strings.Contains(err.Error(), `failed to parse requested services: invalid service requested: router`) {
		t.Fatalf("join with a service MicroOVN does not have: %v", err)
	}

	assertNoOVNPrograms(t, lab, "micro04")
	members := ovnMembers(t, ctx, first)
	if members != "micro01 micro02 micro03" {
		t.Fatalf("members after the refused join: %s", members)
	}

	// The refused join consumed nothing: the same token now works.
	err = ovnApp(t, lab, "micro04").JoinCluster(ctx, "micro04", harness.MgmtIP("micro04")+":6443", token,
		map[string]string{"ovn-encap-ip": underlayIP("micro04")})
	if err != nil {
		t.Fatalf("join micro04 after the refused attempt: %v", err)
	}

	placement := ovnPlacement(t, ctx, first)
	want := "micro01:central,chassis,switch micro02:central,chassis,switch micro03:central,chassis,switch micro04:chassis,switch"
	if placement != want {
		t.Fatalf("placement %s\nwant %s", placement, want)
	}

	harness.Eventually(t, 60*time.Second, 500*time.Millisecond, "4 chassis registered", func() error {
		got := chassisEncaps(sbctl("micro04", "--format=csv", "--no-headings", "--columns=chassis_name,ip", "list", "Encap"))
		if !strings.Contains(got, "micro04=10.98.0.14") {
			return fmt.Errorf("chassis %s", got)
		}

		return nil
	})

	// Geneve dataplane: two ports of one logical switch, on micro02 and
	// micro04, ping each other across the underlay.
	nbctl := func(args ...string) {
		lab.MustExec(t, 30*time.Second, "micro01", append([]string{"ovn-nbctl", "--db=" + env.NBConnect,
			"-p", env.ClientKey, "-c", env.ClientCert, "-C", env.CACert, "--timeout=20"}, args...)...)
	}

	nbctl("ls-add", "probe")
	for _, port := range []struct{ node, name, mac, ip string }{
		{"micro02", "vif2", "02:00:00:95:00:02", "10.95.0.2"},
		{"micro04", "vif4", "02:00:00:95:00:04", "10.95.0.4"},
	} {
		nbctl("lsp-add", "probe", port.name, "--", "lsp-set-addresses", port.name, port.mac+" "+port.ip)
		lab.MustExec(t, 30*time.Second, port.node, "ovs-vsctl", "add-port", "br-int", port.name, "--",
			"set", "interface", port.name, "type=internal", "mac=\""+port.mac+"\"", "external_ids:iface-id="+port.name)
		lab.MustExec(t, 30*time.Second, port.node, "sh", "-c", fmt.Sprintf(
			"for i in $(seq 300); do ip link show %[1]s >/dev/null 2>&1 && break; sleep 0.1; done; ip link set %[1]s address %[2]s && ip addr add %[3]s/24 dev %[1]s && ip link set %[1]s up",
			port.name, port.mac, port.ip))
	}

	harness.Eventually(t, 60*time.Second, time.Second, "ping across Geneve", func() error {
		res := lab.Exec(t, 10*time.Second, "micro02", "ping", "-c", "2", "-W", "1", "10.95.0.4")
		if res.Code != 0 {
			return fmt.Errorf("%s%s", res.Stdout, res.Stderr)
		}

		return nil
	})

	// Removing a central: it leaves both raft clusters and stops its
	// programs; the others point their chassis at the two that remain.
	c, err := first.LocalClient()
	if err != nil {
		t.Fatal(err)
	}

	// microcluster refuses removals while members are still PENDING (they
	// are promoted at the first heartbeats).
	harness.Eventually(t, 60*time.Second, time.Second, "members promoted", func() error {
		members, err := c.GetClusterMembers(ctx)
		if err != nil {
			return err
		}

		for _, m := range members {
			if m.Role == "PENDING" {
				return fmt.Errorf("%s is PENDING", m.Name)
			}
		}

		return nil
	})

	err = c.DeleteClusterMember(ctx, "micro03", false)
	if err != nil {
		t.Fatalf("remove micro03: %v", err)
	}

	assertNoOVNPrograms(t, lab, "micro03")
	twoCentrals := "ssl:10.99.0.11:6642,ssl:10.99.0.12:6642"
	for _, node := range []string{"micro01", "micro02", "micro04"} {
		harness.Eventually(t, 30*time.Second, 500*time.Millisecond, node+" refreshed after the removal", func() error {
			if got := remote(node); got != twoCentrals {
				return fmt.Errorf("%s ovn-remote %q, want %q", node, got, twoCentrals)
			}

			return nil
		})
	}

	// The central leaves the raft cluster asynchronously.
	harness.Eventually(t, 30*time.Second, 500*time.Millisecond, "micro03 out of the NB raft cluster", func() error {
		status := lab.MustExec(t, 10*time.Second, "micro01", "ovs-appctl", "-t", lab.NodeDir("micro01")+"/microovn/run/ovn/ovnnb_db.ctl", "cluster/status", "OVN_Northbound")
		if strings.Contains(status, "10.99.0.13") {
			return fmt.Errorf("micro03 still in the NB raft cluster:\n%s", status)
		}

		return nil
	})
}

func chassisEncaps(csv string) string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(csv), "\n") {
		fields := strings.Split(line, ",")
		if len(fields) == 2 {
			out = append(out, strings.Trim(fields[0], `"`)+"="+strings.Trim(fields[1], `"`))
		}
	}

	sort.Strings(out)
	return strings.Join(out, " ")
}

func ovnMembers(t *testing.T, ctx context.Context, app *microcluster.MicroCluster) string {
	t.Helper()
	c, err := app.LocalClient()
	if err != nil {
		t.Fatal(err)
	}

	members, err := c.GetClusterMembers(ctx)
	if err != nil {
		t.Fatal(err)
	}

	var names []string
	for _, m := range members {
		names = append(names, m.Name)
	}

	sort.Strings(names)
	return strings.Join(names, " ")
}

func ovnPlacement(t *testing.T, ctx context.Context, app *microcluster.MicroCluster) string {
	t.Helper()
	c, err := app.LocalClient()
	if err != nil {
		t.Fatal(err)
	}

	var entries []labovn.ServiceEntry
	err = c.Query(ctx, "GET", "1.0", api.NewURL().Path("services"), nil, &entries)
	if err != nil {
		t.Fatal(err)
	}

	byMember := map[string][]string{}
	for _, e := range entries {
		byMember[e.Location] = append(byMember[e.Location], e.Service)
	}

	var out []string
	for member, services := range byMember {
		sort.Strings(services)
		out = append(out, member+":"+strings.Join(services, ","))
	}

	sort.Strings(out)
	return strings.Join(out, " ")
}

// assertNoOVNPrograms checks that a node runs no OVN or OVS program.
func assertNoOVNPrograms(t *testing.T, lab *harness.Lab, node string) {
	t.Helper()
	out := lab.MustExec(t, 10*time.Second, node, "sh", "-c", "ps -eo args | grep -E '^(ovsdb-server|ovs-vswitchd|ovn-controller|ovn-northd) ' | grep "+lab.NodeDir(node)+" || true")
	if strings.TrimSpace(out) != "" {
		t.Fatalf("%s still runs OVN programs:\n%s", node, out)
	}
}
