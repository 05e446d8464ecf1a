//go:build system

package system

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/service/setup"
	"github.com/microcloud-project/microcloud/test/harness"
)

// one is a valid single-machine file; cases add to it or replace parts.
const one = "lookup_subnet: 10.99.0.0/24\ninitiator: micro01\nsystems:\n- name: micro01\n"

// ovnOK is a valid ovn section for the lab's uplink.
const ovnOK = "ovn:\n  ipv4_gateway: 10.96.0.1/24\n  ipv4_range: 10.96.0.100-10.96.0.150\n"

// badPreseeds are mistakes an operator makes, each with what the error
// must say: the field's path, and a word of the reason.
var badPreseeds = []struct {
	name string
	yaml string
	want []string
}{
	{"unknown key", one + "colour: blue\n", []string{"colour", "unknown key"}},
	{"misplaced key", one + "storage:\n  cephfs: true\n", []string{"storage.cephfs", "belongs in ceph"}},
	{"YAML syntax error", "initiator: [micro01\n", []string{"not valid YAML", "line 1"}},
	{"wrong type", one + "lookup_timeout: soon\n", []string{"lookup_timeout"}},
	{"negative timeout", one + "session_timeout: -5\n", []string{"session_timeout", "negative"}},
	{"bad lookup CIDR", strings.Replace(one, "10.99.0.0/24", "10.99.0.0/33", 1), []string{"lookup_subnet"}},
	{"duplicate system name", one + "- name: micro01\n", []string{"systems[1].name", "duplicate"}},
	{"missing system name", one + "- ovn_uplink_interface: uplink0\n", []string{"systems[1].name", "missing"}},
	{"gateway not CIDR", one + "ovn:\n  ipv4_gateway: 10.96.0.1\n  ipv4_range: 10.96.0.100-10.96.0.150\n", []string{"ovn.ipv4_gateway", "prefix"}},
	{"range outside the gateway's subnet", one + "ovn:\n  ipv4_gateway: 10.96.0.1/24\n  ipv4_range: 10.95.0.100-10.95.0.150\n", []string{"ovn.ipv4_range"}},
	{"range containing the gateway", one + "ovn:\n  ipv4_gateway: 10.96.0.1/24\n  ipv4_range: 10.96.0.1-10.96.0.50\n", []string{"ovn.ipv4_range", "gateway"}},
	{"DNS server that is no IP", one + ovnOK + "  dns_servers: dns.example.com\n", []string{"ovn.dns_servers"}},
	{"IPv4 gateway as IPv6", one + "ovn:\n  ipv6_gateway: 10.96.0.1/24\n", []string{"ovn.ipv6_gateway"}},
	{"find_max below find_min", one + "storage:\n  local:\n  - find: type == nvme\n    find_min: 2\n    find_max: 1\n", []string{"storage.local[0].find_max"}},
	{"invalid filter", one + "storage:\n  local:\n  - find: colour == blue\n", []string{"storage.local[0].find", "colour"}},
	{"Ceph networks without Ceph", one + "ceph:\n  public_network: 10.97.0.0/24\n", []string{"ceph.public_network", "without Ceph"}},
	{"underlay that is not an IP", strings.Replace(one, "- name: micro01\n", "- name: micro01\n  ovn_uplink_interface: uplink0\n  ovn_underlay_ip: 10.98.0.11/24\n", 1) + ovnOK, []string{"ovn_underlay_ip", "not an IP"}},
	{"uplink on some systems only", "lookup_subnet: 10.99.0.0/24\ninitiator: micro01\nsession_passphrase: x\nsystems:\n- name: micro01\n  ovn_uplink_interface: uplink0\n- name: micro02\n" + ovnOK, []string{"systems[1].ovn_uplink_interface", "missing"}},
	{"both initiator and initiator_address", one + "initiator_address: 10.99.0.11\n", []string{"initiator_address"}},

	// Mistakes only the machines' facts reveal.
	{"underlay IP not on the system", strings.Replace(one, "- name: micro01\n", "- name: micro01\n  ovn_uplink_interface: uplink0\n  ovn_underlay_ip: 10.98.0.99\n", 1) + ovnOK, []string{"ovn_underlay_ip", "10.98.0.99 is not an address of micro01"}},
	{"uplink with an IP", strings.Replace(one, "- name: micro01\n", "- name: micro01\n  ovn_uplink_interface: ul0\n", 1) + ovnOK, []string{"ovn_uplink_interface", "has IP"}},
	{"uplink that does not exist", strings.Replace(one, "- name: micro01\n", "- name: micro01\n  ovn_uplink_interface: eth9\n", 1) + ovnOK, []string{"ovn_uplink_interface", "eth9"}},
	{"filter that matches nothing", one + "storage:\n  ceph:\n  - find: size > 1TiB\n    find_min: 1\n", []string{"storage.ceph[0]", "failed to find"}},
	{"disk that does not exist", strings.Replace(one, "- name: micro01\n", "- name: micro01\n  storage:\n    ceph:\n    - path: /dev/nope\n", 1), []string{"storage.ceph", "/dev/nope"}},
	{"Ceph network the machine is not on", strings.Replace(one, "- name: micro01\n", "- name: micro01\n  storage:\n    ceph:\n    - path: loop,2G,1\n", 1) + "ceph:\n  public_network: 10.55.0.0/24\n", []string{"ceph.public_network", "no address in 10.55.0.0/24"}},
	{"encrypted OSD on a kernel without dm_crypt", strings.Replace(one, "- name: micro01\n", "- name: micro01\n  storage:\n    ceph:\n    - path: loop,2G,1\n      encrypt: true\n", 1),
		[]string{"systems[0].storage.ceph", "loop,2G,1 cannot be encrypted: the kernel of micro01 has no dm_crypt"}},
	{"CephFS on a kernel without its module", strings.Replace(one, "- name: micro01\n", "- name: micro01\n  storage:\n    ceph:\n    - path: loop,2G,1\n", 1) + "ceph:\n  cephfs: true\n",
		[]string{"systems[0].kernel", "CephFS (remote-fs) needs the kernel's ceph module, which micro01 does not have"}},
	{"missing system", "lookup_subnet: 10.99.0.0/24\ninitiator: micro01\nsession_passphrase: x\nlookup_timeout: 2\nsystems:\n- name: micro01\n- name: micro09\n", []string{"micro09"}},
}

// TestInitBadPreseeds: every mistake stops init with a message that names
// the field, and the machines are left as they were: no service formed, no
// session left open.
func TestInitBadPreseeds(t *testing.T) {
	lab := harness.LabUp(t, 2, "")
	for _, tc := range badPreseeds {
		t.Run(tc.name, func(t *testing.T) {
			path := writePreseed(t, tc.yaml)
			res := lab.Exec(t, time.Minute, "micro01", "microcloud", "init", "--preseed", path)
			out := res.Stdout + res.Stderr
			if res.Code == 0 {
				t.Fatalf("accepted:\n%s", out)
			}

			for _, want := range tc.want {
				if !strings.Contains(out, want) {
					t.Fatalf("the error does not say %q:\n%s", want, out)
				}
			}

			if strings.Contains(out, "panic") || strings.Contains(out, "goroutine") {
				t.Fatalf("crashed:\n%s", out)
			}
		})
	}

	t.Run("dry run", func(t *testing.T) { dryRuns(t, lab) })
	assertUntouched(t, lab)
}

// dryRuns: --dry-run prints the plan and an equivalent preseed that gives
// the same plan again, for a preseed and for --auto, and changes nothing
// (the caller checks that).
func dryRuns(t *testing.T, lab *harness.Lab) {
	t.Helper()
	file := strings.Replace(one, "- name: micro01\n", "- name: micro01\n  ovn_uplink_interface: uplink0\n  ovn_underlay_ip: 10.98.0.11\n  storage:\n    ceph:\n    - path: loop,2G,1\n", 1) +
		ovnOK + "  ipv6_gateway: fd96::1/64\nceph:\n  public_network: 10.97.0.0/24\n"
	first := lab.MustExec(t, time.Minute, "micro01", "microcloud", "init", "--preseed", writePreseed(t, file), "--dry-run")
	const marker = "Equivalent preseed (replay with 'microcloud init --preseed FILE'):\n"
	summary, replay, ok := strings.Cut(first, marker)
	if !ok || !strings.Contains(summary, "10.98.0.11") || !strings.Contains(summary, "loop,2G,1") {
		t.Fatalf("dry run output:\n%s", first)
	}

	second := lab.MustExec(t, time.Minute, "micro01", "microcloud", "init", "--preseed", writePreseed(t, replay), "--dry-run")
	if summary2, _, _ := strings.Cut(second, marker); summary2 != summary {
		t.Fatalf("the equivalent preseed gives another plan:\n%s\nthen:\n%s", summary, summary2)
	}

	auto := lab.MustExec(t, time.Minute, "micro01", "microcloud", "init", "--auto", "--dry-run", "--lookup-timeout", "2s", "--address", harness.MgmtIP("micro01"))
	if !strings.Contains(auto, "MicroCloud will be formed of 1 system") || !strings.Contains(auto, marker) {
		t.Fatalf("--auto --dry-run:\n%s", auto)
	}
}

// assertUntouched fails if any node formed a cluster of any service or
// still has a discovery session.
func assertUntouched(t *testing.T, lab *harness.Lab) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, node := range lab.Nodes {
		c := lab.Client(t, node)
		members, err := setup.MicroCloudMembers(ctx, c)
		if err != nil || len(members) > 0 {
			t.Fatalf("%s: MicroCloud members %v (%v)", node, members, err)
		}

		services, err := c.Services(ctx)
		if err != nil {
			t.Fatal(err)
		}

		for _, s := range services {
			if s.Clustered {
				t.Fatalf("%s: %s was clustered", node, s.Type)
			}
		}

		_, err = c.SessionSnapshot(ctx)
		if err == nil || !strings.Contains(fmt.Sprint(err), "No session") {
			t.Fatalf("%s: a session is still open (%v)", node, err)
		}
	}

	pools := lab.MustExec(t, 30*time.Second, "micro01", "lxc", "storage", "list", "--format", "csv")
	if strings.TrimSpace(pools) != "" {
		t.Fatalf("storage pools were created:\n%s", pools)
	}
}
