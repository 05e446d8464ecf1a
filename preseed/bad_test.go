package preseed

import (
	"reflect"
	"strings"
	"testing"

	"github.com/microcloud-project/microcloud/service/plan"
)

// head begins a valid multicast file; each case adds its systems.
const head = `initiator: micro01
lookup_subnet: 10.93.0.0/24
session_passphrase: foo
`

// badPreseeds is the catalogue of files that must be refused, each with
// every problem it has: path and message exactly. The fuzz tests start from
// them too.
var badPreseeds = []struct {
	name string
	yaml string
	want []plan.Problem
}{{
	name: "empty file",
	yaml: "",
	want: []plan.Problem{pr("", "the preseed file is empty")},
}, {
	name: "only comments",
	yaml: "# nothing here\n\n",
	want: []plan.Problem{pr("", "the preseed file is empty")},
}, {
	name: "explicit null document",
	yaml: "---\n~\n",
	want: []plan.Problem{pr("", "the preseed file is empty")},
}, {
	name: "a list instead of a mapping",
	yaml: "- name: micro01\n- name: micro02\n",
	want: []plan.Problem{pr("", `the preseed file must be a mapping of keys (like "systems:"), not a list (line 1)`)},
}, {
	name: "a scalar instead of a mapping",
	yaml: "micro01\n",
	want: []plan.Problem{pr("", `the preseed file must be a mapping of keys (like "systems:"), not "micro01" (line 1)`)},
}, {
	name: "YAML syntax error",
	yaml: "initiator: [micro01\n",
	want: []plan.Problem{pr("", "the preseed file is not valid YAML: line 1: did not find expected ',' or ']'")},
}, {
	name: "two documents",
	yaml: head + "systems:\n- name: micro01\n---\nsystems: []\n",
	want: []plan.Problem{pr("", "the preseed file holds more than one YAML document (another starts at line 6)")},
}, {
	name: "unknown top-level key with a typo",
	yaml: "initiator: micro01\nlookup_subnt: 10.93.0.0/24\nsystems:\n- name: micro01\n",
	want: []plan.Problem{
		pr("lookup_subnt", `unknown key "lookup_subnt" (line 2): did you mean "lookup_subnet"?`),
		pr("lookup_subnet", "missing: the initiator is found by name (initiator), which needs the subnet to look in"),
	},
}, {
	name: "unknown key in a system",
	yaml: head + "systems:\n- name: micro01\n  ovn_uplink_interfce: enp6s0\n- name: micro02\n  ovn_uplink_interface: enp6s0\n",
	want: []plan.Problem{
		pr("systems[0].ovn_uplink_interfce", `unknown key "ovn_uplink_interfce" (line 6): did you mean "ovn_uplink_interface"?`),
		pr("systems[0].ovn_uplink_interface", "missing: other systems have an uplink interface, so every system needs one"),
	},
}, {
	name: "misplaced key (the reference's own no-op storage.cephfs)",
	yaml: head + "systems:\n- name: micro01\nstorage:\n  cephfs: true\n",
	want: []plan.Problem{pr("storage.cephfs", `unknown key "cephfs" (line 7): it belongs in ceph`)},
}, {
	name: "misplaced system key at the top level",
	yaml: head + "systems:\n- name: micro01\novn_uplink_interface: enp6s0\n",
	want: []plan.Problem{pr("ovn_uplink_interface", `unknown key "ovn_uplink_interface" (line 6): it belongs in systems[]`)},
}, {
	name: "every unknown key at once, at every depth",
	yaml: head + "colour: blue\nsystems:\n- name: micro01\n  storage:\n    local:\n      path: /dev/sdb\n      size: 10GiB\novn:\n  gateway: 10.0.0.1/24\n",
	want: []plan.Problem{
		pr("colour", `unknown key "colour" (line 4)`),
		pr("systems[0].storage.local.size", `unknown key "size" (line 10)`),
		pr("ovn.gateway", `unknown key "gateway" (line 12)`),
	},
}, {
	name: "duplicate key",
	yaml: head + "systems:\n- name: micro01\n  name: micro02\n",
	want: []plan.Problem{pr("systems[0].name", `duplicate key "name" (line 6; first given at line 5)`)},
}, {
	name: "wrong type: a string for the list of systems",
	yaml: head + "systems: micro01,micro02\n",
	want: []plan.Problem{pr("systems", `expected a list, got "micro01,micro02" (line 4)`)},
}, {
	name: "wrong types: bool, number, mapping",
	yaml: head + "systems:\n- name: micro01\n  storage:\n    ceph:\n      path: /dev/sdb\nstorage:\n  ceph:\n  - find: type == scsi\n    find_min: two\n    wipe: maybe\n",
	want: []plan.Problem{
		pr("systems[0].storage.ceph", "expected a list, got a mapping (line 8)"),
		pr("storage.ceph[0].find_min", `expected a whole number, got "two" (line 12)`),
		pr("storage.ceph[0].wipe", `expected true or false, got "maybe" (line 13)`),
	},
}, {
	name: "dns_servers as a list",
	yaml: head + "systems:\n- name: micro01\novn:\n  ipv4_gateway: 10.1.123.1/24\n  ipv4_range: 10.1.123.100-10.1.123.254\n  dns_servers: [8.8.8.8]\n",
	want: []plan.Problem{pr("ovn.dns_servers", "expected a comma-separated string of IP addresses (like 10.1.123.1,8.8.8.8), got a list (line 9)")},
}, {
	name: "negative timeouts",
	yaml: head + "lookup_timeout: -1\nsession_timeout: -5\nsystems:\n- name: micro01\n",
	want: []plan.Problem{
		pr("lookup_timeout", "-1 is negative: give seconds, or leave it out for 60"),
		pr("session_timeout", "-5 is negative: give seconds, or leave it out for 3600"),
	},
}, {
	name: "session longer than the daemon allows",
	yaml: head + "session_timeout: 7200\nsystems:\n- name: micro01\n",
	want: []plan.Problem{pr("session_timeout", "7200 exceeds the maximum of 3600 seconds (one hour)")},
}, {
	name: "timeout that is not a number",
	yaml: head + "lookup_timeout: 1m\nsystems:\n- name: micro01\n",
	want: []plan.Problem{pr("lookup_timeout", `expected a whole number of seconds, got "1m" (line 4)`)},
}, {
	name: "no systems",
	yaml: head + "systems: []\n",
	want: []plan.Problem{pr("systems", "no systems given")},
}, {
	name: "missing system name",
	yaml: head + "systems:\n- name: micro01\n- ovn_uplink_interface: enp6s0\n  name: \"\"\n",
	want: []plan.Problem{
		pr("systems[1].name", "missing system name"),
		pr("systems[0].ovn_uplink_interface", "missing: other systems have an uplink interface, so every system needs one"),
	},
}, {
	name: "duplicate system name",
	yaml: head + "systems:\n- name: micro01\n- name: micro02\n- name: micro02\n",
	want: []plan.Problem{pr("systems[2].name", `duplicate system name "micro02" (also systems[1])`)},
}, {
	name: "neither initiator nor initiator_address nor lookup_subnet",
	yaml: "session_passphrase: foo\nsystems:\n- name: micro01\n",
	want: []plan.Problem{pr("initiator", "missing the initiator's name (initiator, with lookup_subnet) or address (initiator_address)")},
}, {
	name: "both initiator and initiator_address",
	yaml: "initiator: micro01\ninitiator_address: 10.93.0.12\nsystems:\n- name: micro01\n  address: 10.93.0.12\n",
	want: []plan.Problem{pr("initiator_address", "cannot provide both the initiator's name (initiator) and address (initiator_address)")},
}, {
	name: "initiator without lookup_subnet",
	yaml: "initiator: micro01\nsystems:\n- name: micro01\n",
	want: []plan.Problem{pr("lookup_subnet", "missing: the initiator is found by name (initiator), which needs the subnet to look in")},
}, {
	name: "initiator_address with lookup_subnet, and an address with lookup_subnet",
	yaml: "initiator_address: 10.93.0.12\nlookup_subnet: 10.93.0.0/24\nsystems:\n- name: micro01\n  address: 10.93.0.12\n",
	want: []plan.Problem{
		pr("lookup_subnet", "cannot provide both the initiator's address (initiator_address) and the lookup subnet"),
		pr("systems[0].address", `cannot provide both the address of system "micro01" and the lookup subnet (addresses are for initiator_address mode)`),
	},
}, {
	name: "unicast: bad initiator address, a system without address, an address that is no IP",
	yaml: "initiator_address: micro01\nsession_passphrase: foo\nsystems:\n- name: micro01\n  address: 10.93.0.12\n- name: micro02\n- name: micro03\n  address: 10.93.0.300\n",
	want: []plan.Problem{
		pr("initiator_address", `"micro01" is not an IP address`),
		pr("systems[1].address", `missing address of system "micro02": every system needs one when the initiator's address is set`),
		pr("systems[2].address", `"10.93.0.300" is not an IP address`),
	},
}, {
	name: "an address without initiator_address (1.x file)",
	yaml: "lookup_interface: enp5s0\nsystems:\n- name: micro01\n  address: 10.93.0.12\n",
	want: []plan.Problem{
		pr("initiator", "missing the initiator's name (initiator, with lookup_subnet) or address (initiator_address)"),
		pr("systems[0].address", `missing the initiator's address (initiator_address) as system "micro01" has an address`),
	},
}, {
	name: "bad lookup subnet",
	yaml: "initiator: micro01\nlookup_subnet: 10.93.0.0/33\nsystems:\n- name: micro01\n",
	want: []plan.Problem{pr("lookup_subnet", `"10.93.0.0/33" is not a subnet in CIDR form (like 10.0.0.1/24)`)},
}, {
	name: "missing passphrase with several systems",
	yaml: "initiator: micro01\nlookup_subnet: 10.93.0.0/24\nsystems:\n- name: micro01\n- name: micro02\n",
	want: []plan.Problem{pr("session_passphrase", "missing: more than one machine takes part, so the trust session needs a passphrase (session_passphrase, or --passphrase)")},
}, {
	name: "missing passphrase when adding one system",
	yaml: "initiator: micro01\nlookup_subnet: 10.93.0.0/24\nsystems:\n- name: micro04\n",
	want: []plan.Problem{pr("session_passphrase", "missing: more than one machine takes part, so the trust session needs a passphrase (session_passphrase, or --passphrase)")},
}, {
	name: "uplink on some systems only",
	yaml: head + "systems:\n- name: micro01\n  ovn_uplink_interface: enp6s0\n- name: micro02\n- name: micro03\n  ovn_uplink_interface: enp6s0\n",
	want: []plan.Problem{pr("systems[1].ovn_uplink_interface", "missing: other systems have an uplink interface, so every system needs one")},
}, {
	name: "underlay not an IP, and missing on another system",
	yaml: head + "systems:\n- name: micro01\n  ovn_underlay_ip: 10.3.123.2/24\n- name: micro02\n",
	want: []plan.Problem{
		pr("systems[0].ovn_underlay_ip", `"10.3.123.2/24" is not an IP address`),
		pr("systems[1].ovn_underlay_ip", "missing: other systems have an underlay IP, so every system needs one"),
	},
}, {
	name: "range without gateway, and bad range syntax",
	yaml: head + "systems:\n- name: micro01\novn:\n  ipv4_range: 10.1.123.100..10.1.123.254\n",
	want: []plan.Problem{
		pr("ovn.ipv4_range", `"10.1.123.100..10.1.123.254" is not an IPv4 range (first-last, like 10.0.0.100-10.0.0.150)`),
		pr("ovn.ipv4_range", "a range needs the IPv4 gateway (ovn.ipv4_gateway)"),
	},
}, {
	name: "gateway without range",
	yaml: head + "systems:\n- name: micro01\novn:\n  ipv4_gateway: 10.1.123.1/24\n",
	want: []plan.Problem{pr("ovn.ipv4_range", "the IPv4 gateway needs a range of addresses for OVN routers")},
}, {
	name: "bad gateways and DNS servers",
	yaml: head + "systems:\n- name: micro01\novn:\n  ipv4_gateway: 10.1.123.0/24\n  ipv4_range: 10.1.123.100-10.1.123.254\n  ipv6_gateway: 10.1.124.1/24\n  dns_servers: 10.1.123.1, dns.example.com\n",
	want: []plan.Problem{
		pr("ovn.ipv4_gateway", "10.1.123.0 is the network address of 10.1.123.0/24, not a gateway"),
		pr("ovn.ipv6_gateway", "10.1.124.1/24 is not an IPv6 address"),
		pr("ovn.dns_servers", `"dns.example.com" is not an IP address`),
	},
}, {
	name: "gateway that is not CIDR",
	yaml: head + "systems:\n- name: micro01\novn:\n  ipv4_gateway: 10.1.123.1\n  ipv4_range: 10.1.123.100-10.1.123.254\n",
	want: []plan.Problem{pr("ovn.ipv4_gateway", `"10.1.123.1" is not an address with a prefix (like 10.0.0.1/24)`)},
}, {
	name: "Ceph networks without Ceph, and a bad CIDR",
	yaml: head + "systems:\n- name: micro01\nceph:\n  internal_network: 10.2.123.0/24\n  public_network: 10.2.124.0\n",
	want: []plan.Problem{
		pr("ceph.internal_network", "cannot specify a Ceph internal network without Ceph storage disks (systems[].storage.ceph or storage.ceph)"),
		pr("ceph.public_network", "cannot specify a Ceph public network without Ceph storage disks (systems[].storage.ceph or storage.ceph)"),
		pr("ceph.public_network", `"10.2.124.0" is not a subnet in CIDR form (like 10.2.123.0/24)`),
	},
}, {
	name: "Ceph network given by a host address",
	yaml: head + "systems:\n- name: micro01\n  storage:\n    ceph:\n    - path: /dev/sdb\nceph:\n  public_network: 10.2.123.7/24\n",
	want: []plan.Problem{pr("ceph.public_network", "10.2.123.7/24 is not a network address: did you mean 10.2.123.0/24?")},
}, {
	name: "empty filters",
	yaml: head + "systems:\n- name: micro01\nstorage:\n  local:\n  - find: \"\"\n  ceph:\n  - find_min: 1\n",
	want: []plan.Problem{
		pr("storage.ceph[0].find", "missing: the filter is empty"),
		pr("storage.local[0].find", "missing: the filter is empty"),
	},
}, {
	name: "find_max below find_min, and a Ceph filter that asks for no disk",
	yaml: head + "systems:\n- name: micro01\nstorage:\n  local:\n  - find: type == nvme\n    find_min: 2\n    find_max: 1\n  ceph:\n  - find: type == scsi\n    find_min: 0\n",
	want: []plan.Problem{
		pr("storage.ceph[0].find_min", "0 is less than 1: a Ceph filter must ask for at least one disk"),
		pr("storage.local[0].find_max", "find_max (1) is less than find_min (2)"),
	},
}, {
	name: "negative bounds",
	yaml: head + "systems:\n- name: micro01\nstorage:\n  local:\n  - find: type == nvme\n    find_min: -1\n    find_max: -2\n",
	want: []plan.Problem{
		pr("storage.local[0].find_min", "-1 is negative"),
		pr("storage.local[0].find_max", "-2 is negative (leave it out for no maximum)"),
	},
}, {
	name: "invalid filter expressions",
	yaml: head + "systems:\n- name: micro01\nstorage:\n  local:\n  - find: colour == blue\n  - find: size > 10G\n  - find: size>10GiB\n  - find: model > QEMU\n  - find: type == nvme &&\n  - find: type = nvme\n",
	want: []plan.Problem{
		pr("storage.local[0].find", `invalid filter "colour == blue": unknown disk field "colour" (fields: `+strings.Join(DiskFields, ", ")+`)`),
		pr("storage.local[1].find", `invalid filter "size > 10G": size "10G" is not a size (bytes, or with a unit: B kB MB GB TB PB EB KiB MiB GiB TiB PiB EiB, like 10GiB)`),
		pr("storage.local[2].find", `invalid filter "size>10GiB": clause has no operator (put spaces around operators, like "size > 10GiB && type == nvme")`),
		pr("storage.local[3].find", `invalid filter "model > QEMU": model is text: only == and != apply`),
		pr("storage.local[4].find", `invalid filter "type == nvme &&": unterminated compound clause (put spaces around operators, like "size > 10GiB && type == nvme")`),
		pr("storage.local[5].find", `invalid filter "type = nvme": unknown operator "=" after type (operators: == != < > <= >=)`),
	},
}, {
	name: "filters with every system naming its disks",
	yaml: head + "systems:\n- name: micro01\n  storage:\n    local:\n      path: /dev/sdb\n    ceph:\n    - path: /dev/sdc\nstorage:\n  local:\n  - find: type == scsi\n  ceph:\n  - find: type == scsi\n    find_min: 1\n",
	want: []plan.Problem{
		pr("storage.ceph", "Ceph disk filter cannot be used: all systems have explicitly specified disks"),
		pr("storage.local", "local disk filter cannot be used: all systems have explicitly specified a disk"),
	},
}, {
	name: "local disk on some systems and no filter for the others",
	yaml: head + "systems:\n- name: micro01\n  storage:\n    local:\n      path: /dev/sdb\n- name: micro02\n",
	want: []plan.Problem{pr("systems[1].storage.local", `missing: other systems have a local disk and no storage.local filter can find one for "micro02"`)},
}, {
	name: "bad disk paths",
	yaml: head + "systems:\n- name: micro01\n  storage:\n    local:\n      wipe: true\n    ceph:\n    - path: sdc\n    - path: loop,lots,1\n- name: micro02\n  storage:\n    local:\n      path: loop,4GiB,1\n",
	want: []plan.Problem{
		pr("systems[0].storage.local.path", "missing: a disk needs a path (like /dev/disk/by-id/...)"),
		pr("systems[0].storage.ceph[0].path", `"sdc" is not a device path (like /dev/disk/by-id/...)`),
		pr("systems[0].storage.ceph[1].path", `"loop,lots,1" is not a file-backed disk (loop,<size>,<count>, like loop,8GiB,1)`),
		pr("systems[1].storage.local.path", `"loop,4GiB,1": file-backed disks are only for Ceph; leave the local disk out for a dir pool`),
	},
}, {
	name: "merge keys that expand too much",
	yaml: "m0: &m0 {name: micro01}\n" +
		"m1: &m1 {<<: [*m0, *m0, *m0, *m0, *m0, *m0, *m0, *m0, *m0, *m0]}\n" +
		"m2: &m2 {<<: [*m1, *m1, *m1, *m1, *m1, *m1, *m1, *m1, *m1, *m1]}\n" +
		"m3: &m3 {<<: [*m2, *m2, *m2, *m2, *m2, *m2, *m2, *m2, *m2, *m2]}\n" +
		"m4: &m4 {<<: [*m3, *m3, *m3, *m3, *m3, *m3, *m3, *m3, *m3, *m3]}\n" +
		"m5: &m5 {<<: [*m4, *m4, *m4, *m4, *m4, *m4, *m4, *m4, *m4, *m4]}\n" +
		"systems: [{<<: *m5}]\n",
	want: []plan.Problem{
		pr("m0", `unknown key "m0" (line 1)`),
		pr("m1", `unknown key "m1" (line 2)`),
		pr("m2", `unknown key "m2" (line 3)`),
		pr("m3", `unknown key "m3" (line 4)`),
		pr("m4", `unknown key "m4" (line 5)`),
		pr("m5", `unknown key "m5" (line 6)`),
		pr("", "the file is too large or its aliases expand too much (over 100000 YAML nodes)"),
	},
}}

func TestBadPreseeds(t *testing.T) {
	if len(badPreseeds) < 25 {
		t.Fatalf("the catalogue must hold at least 25 bad files, not %d", len(badPreseeds))
	}

	for _, tc := range badPreseeds {
		t.Run(tc.name, func(t *testing.T) {
			_, got := Load([]byte(tc.yaml), "")
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", listProblems(got), listProblems(tc.want))
			}
		})
	}
}

// pr is a problem, briefly.
func pr(path string, message string) plan.Problem {
	return plan.NewProblem(path, message)
}

func listProblems(ps []plan.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("  pr(" + backquote(p.Path) + ", " + backquote(p.Message) + "),\n")
	}

	return b.String()
}

func backquote(s string) string {
	return "`" + s + "`"
}

// TestBadPreseedsAgainstFacts covers what only the systems' facts reveal,
// with micro01..micro03 in the session (three free disks each).
func TestBadPreseedsAgainstFacts(t *testing.T) {
	three := head + "systems:\n- name: micro01\n- name: micro02\n- name: micro03\n"
	cases := []struct {
		name      string
		yaml      string
		initiator string
		want      []plan.Problem
	}{{
		name: "Ceph filter that finds too few disks",
		yaml: three + "storage:\n  ceph:\n  - find: device_id == *lxd_disk9\n    find_min: 3\n",
		want: []plan.Problem{pr("storage.ceph[0]", `failed to find at least 3 disks for filter "device_id == *lxd_disk9" (found 0)`)},
	}, {
		name: "Ceph filter that finds too many disks",
		yaml: three + "storage:\n  ceph:\n  - find: type == scsi\n    find_min: 1\n    find_max: 3\n",
		want: []plan.Problem{pr("storage.ceph[0]", `found more than 3 disks for filter "type == scsi" (found 9)`)},
	}, {
		name: "local filter that finds nothing",
		yaml: three + "storage:\n  local:\n  - find: type == nvme\n",
		want: []plan.Problem{pr("storage.local[0]", `failed to find at least 1 disk for filter "type == nvme" (found 0)`)},
	}, {
		name: "local filter that finds more systems than allowed",
		yaml: three + "storage:\n  local:\n  - find: type == scsi\n    find_max: 2\n",
		want: []plan.Problem{pr("storage.local[0]", `found more than 2 disks for filter "type == scsi" (found 3)`)},
	}, {
		name: "local filter that leaves a machine without a disk",
		yaml: head + "systems:\n- name: micro01\n- name: micro02\n  storage:\n    ceph:\n    - path: " + diskPath(1) + "\n    - path: " + diskPath(2) + "\n    - path: " + diskPath(3) + "\nstorage:\n  local:\n  - find: device_id == *lxd_disk1\n",
		want: []plan.Problem{pr("storage.local", "failed to find at least 1 disk on each machine for local storage pool configuration (none for micro02)")},
	}, {
		name: "a listed system that never joined",
		yaml: three + "- name: micro07\n",
		want: []plan.Problem{pr("systems[3]", `system "micro07" hasn't reached out: it did not join the session`)},
	}, {
		name:      "another initiator than the file names",
		yaml:      three,
		initiator: "micro02",
		want:      []plan.Problem{pr("initiator", `the file names "micro01" as the initiator, not "micro02"`)},
	}, {
		name: "a system without an address in the lookup subnet",
		yaml: "initiator: micro01\nlookup_subnet: 10.94.0.0/24\nsession_passphrase: foo\nsystems:\n- name: micro01\n- name: micro02\n",
		want: []plan.Problem{
			pr("systems[0].address", `system "micro01" has no address in the lookup subnet 10.94.0.0/24`),
			pr("systems[1].address", `system "micro02" has no address in the lookup subnet 10.94.0.0/24`),
		},
	}}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := mustLoad(t, tc.yaml)
			_, got := ToPlan(f, testFacts(3), tc.initiator)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", listProblems(got), listProblems(tc.want))
			}
		})
	}
}
