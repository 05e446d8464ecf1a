//go:build system

package system

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/test/harness"
)

// daemon is one microcloudd on loopback.
type daemon struct {
	name     string
	stateDir string
	address  string
	proc     *harness.Process
}

func startDaemons(t *testing.T, names ...string) []*daemon {
	t.Helper()
	harness.RequireRoot(t)
	bin := harness.Bin(t, "microcloudd")
	base := t.TempDir()

	var out []*daemon
	for _, name := range names {
		d := &daemon{
			name:     name,
			stateDir: filepath.Join(base, name),
			address:  fmt.Sprintf("127.0.0.1:%d", harness.FreePort(t)),
		}

		// No LXD here: the socket override points at nothing, and the
		// daemon must still serve its own API.
		d.proc = harness.Start(t, filepath.Join(base, name+".log"), bin,
			"--state-dir", d.stateDir, "--lxd-socket", filepath.Join(base, "no-lxd", "unix.socket"),
			"--microovn-state-dir", filepath.Join(base, "no-ovn"), "--microceph-state-dir", filepath.Join(base, "no-ceph"),
			"--session-address", d.address, "--heartbeat", "2s", "--verbose")
		out = append(out, d)
	}

	for _, d := range out {
		res := harness.Run(t, 40*time.Second, harness.Bin(t, "microcloud"), "--state-dir", d.stateDir, "waitready", "--timeout", "30s")
		if res.Code != 0 {
			t.Fatalf("%s not ready: %s", d.name, res.Stderr)
		}
	}

	return out
}

func (d *daemon) client(t *testing.T) *client.Client {
	t.Helper()
	c, err := client.Local(d.stateDir)
	if err != nil {
		t.Fatal(err)
	}

	return c
}

// clusterListJSON runs `microcloud cluster list --format json` against a daemon.
func clusterListJSON(t *testing.T, d *daemon) []map[string]any {
	t.Helper()
	res := harness.Run(t, 30*time.Second, harness.Bin(t, "microcloud"), "--state-dir", d.stateDir, "cluster", "list", "--format", "json")
	if res.Code != 0 {
		t.Fatalf("cluster list on %s failed (%d): %s", d.name, res.Code, res.Stderr)
	}

	var members []map[string]any
	err := json.Unmarshal([]byte(res.Stdout), &members)
	if err != nil {
		t.Fatalf("cluster list output is not JSON: %v\n%s", err, res.Stdout)
	}

	return members
}

func memberNames(members []map[string]any) string {
	names := []string{}
	for _, m := range members {
		names = append(names, fmt.Sprint(m["name"]))
	}

	return strings.Join(names, ",")
}

// TestFoundationClusterOnLoopback forms a 3-member MicroCloud cluster through
// the daemons' own API (bootstrap, tokens, joins), lists it with the CLI,
// removes a member and lists again.
func TestFoundationClusterOnLoopback(t *testing.T) {
	daemons := startDaemons(t, "node1", "node2", "node3")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	first := daemons[0].client(t)
	err := first.Bootstrap(ctx, daemons[0].name, daemons[0].address, nil)
	if err != nil {
		t.Fatalf("bootstrap: %v", err)
	}

	for _, d := range daemons[1:] {
		token, err := first.NewJoinToken(ctx, d.name, time.Hour)
		if err != nil {
			t.Fatalf("token for %s: %v", d.name, err)
		}

		err = d.client(t).Join(ctx, d.name, d.address, token, nil)
		if err != nil {
			t.Fatalf("join %s: %v", d.name, err)
		}
	}

	// Every member sees the same three members.
	for _, d := range daemons {
		members := clusterListJSON(t, d)
		if len(members) != 3 || memberNames(members) != "node1,node2,node3" {
			t.Fatalf("%s lists %d members (%s), want node1,node2,node3", d.name, len(members), memberNames(members))
		}
	}

	// The table form carries the same members.
	res := harness.Run(t, 30*time.Second, harness.Bin(t, "microcloud"), "--state-dir", daemons[0].stateDir, "cluster", "list")
	for _, d := range daemons {
		if !strings.Contains(res.Stdout, d.name) || !strings.Contains(res.Stdout, d.address) {
			t.Fatalf("table lacks %s at %s:\n%s", d.name, d.address, res.Stdout)
		}
	}

	// Wait until the joiners are promoted from PENDING (first heartbeats),
	// then remove one through the CLI.
	harness.Eventually(t, 60*time.Second, time.Second, "all members voters and online", func() error {
		for _, m := range clusterListJSON(t, daemons[0]) {
			if m["role"] == "PENDING" || m["status"] != "ONLINE" {
				return fmt.Errorf("%v is %v/%v", m["name"], m["role"], m["status"])
			}
		}

		return nil
	})

	res = harness.Run(t, 60*time.Second, harness.Bin(t, "microcloud"), "--state-dir", daemons[0].stateDir, "cluster", "remove", "node3")
	if res.Code != 0 {
		t.Fatalf("cluster remove node3: %s", res.Stderr)
	}

	for _, d := range daemons[:2] {
		harness.Eventually(t, 30*time.Second, 500*time.Millisecond, "node3 gone from "+d.name, func() error {
			members := clusterListJSON(t, d)
			if len(members) != 2 || memberNames(members) != "node1,node2" {
				return fmt.Errorf("%s lists %s", d.name, memberNames(members))
			}

			return nil
		})
	}

	// Removing a member that does not exist is a one-line error.
	res = harness.Run(t, 30*time.Second, harness.Bin(t, "microcloud"), "--state-dir", daemons[0].stateDir, "cluster", "remove", "nosuch")
	assertOneLineError(t, res, "nosuch")

	// SIGTERM stops a member cleanly (exit status 0).
	err = daemons[1].proc.Stop(30 * time.Second)
	if err != nil {
		t.Fatalf("node2 did not stop cleanly: %v", err)
	}
}

// TestFoundationServicesAndSystem checks the two inventory endpoints on a
// machine without LXD, MicroOVN or MicroCeph: every service is reported,
// absent ones as such, and the inventory still lists the interfaces and
// says why disks are unknown.
func TestFoundationServicesAndSystem(t *testing.T) {
	daemons := startDaemons(t, "solo")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	c := daemons[0].client(t)
	services, err := c.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}

	got := []string{}
	for _, s := range services {
		got = append(got, fmt.Sprintf("%s:%v", s.Type, s.Present))
	}

	if strings.Join(got, " ") != "MicroCloud:true MicroOVN:false MicroCeph:false LXD:false" {
		t.Fatalf("services = %s", strings.Join(got, " "))
	}

	status, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}

	if status.Version == "" || !contains(status.Extensions, "system_inventory") || !contains(status.Extensions, "service_tunnel") {
		t.Fatalf("GET /core/1.0 lacks our version or extensions: %+v", status)
	}

	sys, err := c.System(ctx)
	if err != nil {
		t.Fatal(err)
	}

	hostname, _ := os.Hostname()
	if sys.Name != hostname {
		t.Fatalf("system name %q, want %q", sys.Name, hostname)
	}

	var lo bool
	for _, i := range sys.Interfaces {
		if i.Name == "lo" {
			lo = true
			if i.Uplink.Eligible || i.Uplink.Reason != "loopback" {
				t.Fatalf("lo eligibility as uplink: %+v", i.Uplink)
			}
		}
	}

	if !lo {
		t.Fatalf("lo missing from %+v", sys.Interfaces)
	}

	if len(sys.Warnings) == 0 || !strings.Contains(sys.Warnings[0], "LXD") {
		t.Fatalf("want a warning that LXD is unreachable, got %q", sys.Warnings)
	}

	// A tunnel to a service that is not there fails with a clear error.
	_, err = c.DialTunnel(ctx, "MicroOVN")
	if err == nil || !strings.Contains(err.Error(), "MicroOVN is not available") {
		t.Fatalf("tunnel to absent MicroOVN: %v", err)
	}
}

// TestFoundationBadInput covers the daemon's and the CLI's errors for bad
// input: each is one line on stderr with a non-zero status.
func TestFoundationBadInput(t *testing.T) {
	harness.RequireRoot(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	err := os.WriteFile(file, []byte("x"), 0o600)
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		bin  string
		args []string
		want string
	}{
		{"daemon state dir is a file", "microcloudd", []string{"--state-dir", file}, "is not a directory"},
		{"daemon unknown flag", "microcloudd", []string{"--bogus"}, "unknown flag: --bogus"},
		{"daemon stray argument", "microcloudd", []string{"extra"}, "unknown command"},
		{"client unknown flag", "microcloud", []string{"--state-dir", dir, "cluster", "list", "--bogus"}, "unknown flag: --bogus"},
		{"client unknown command", "microcloud", []string{"frobnicate"}, "unknown command \"frobnicate\""},
		{"client state dir is a file", "microcloud", []string{"--state-dir", file, "cluster", "list"}, "is not a directory"},
		{"client daemon not running", "microcloud", []string{"--state-dir", dir, "service", "list"}, "microcloudd is not running"},
		{"client bad format", "microcloud", []string{"--state-dir", dir, "cluster", "list", "-f", "xml"}, "Invalid format \"xml\""},
		{"client bad timeout", "microcloud", []string{"--state-dir", dir, "waitready", "--timeout", "soon"}, "invalid argument \"soon\""},
		{"client waitready times out", "microcloud", []string{"--state-dir", dir, "waitready", "--timeout", "1s"}, "Timed out after 1s"},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := harness.Run(t, 30*time.Second, harness.Bin(t, tc.bin), tc.args...)
			assertOneLineError(t, res, tc.want)
		})
	}
}

func assertOneLineError(t *testing.T, res harness.Result, want string) {
	t.Helper()
	if res.Code == 0 {
		t.Fatalf("exit status 0, want an error containing %q", want)
	}

	lines := strings.Split(strings.TrimRight(res.Stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "Error: ") || !strings.Contains(lines[0], want) {
		t.Fatalf("stderr is not one error line containing %q:\n%s", want, res.Stderr)
	}

	if strings.Contains(res.Stderr, "goroutine") || strings.Contains(res.Stderr, "\"type\":\"error\"") {
		t.Fatalf("stderr leaks internals:\n%s", res.Stderr)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}

	return false
}
