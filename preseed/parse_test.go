package preseed

import (
	"reflect"
	"testing"
)

func TestParseEveryField(t *testing.T) {
	text := `initiator: micro01
lookup_subnet: 10.93.0.0/24
lookup_interface: enp5s0
lookup_timeout: 30
session_passphrase: four words go here
session_timeout: 900
systems:
- name: micro01
  ovn_uplink_interface: enp6s0
  ovn_underlay_ip: 10.3.123.2
  storage:
    local:
      path: /dev/sdb
      wipe: true
    ceph:
    - path: /dev/sdc
      wipe: true
      encrypt: true
    - path: loop,8GiB,2
- name: micro02
  ovn_uplink_interface: enp6s0
  ovn_underlay_ip: 10.3.123.3
ovn:
  ipv4_gateway: 10.1.123.1/24
  ipv4_range: 10.1.123.100-10.1.123.254
  ipv6_gateway: fd42::1/64
  dns_servers: 10.1.123.1, 8.8.8.8
ceph:
  cephfs: true
  internal_network: 10.2.123.0/24
  public_network: 10.2.124.0/24
storage:
  local:
  - find: type == nvme
    find_min: 1
    find_max: 1
    wipe: true
  ceph:
  - find: size > 100GiB
    find_min: 3
    find_max: 6
    wipe: true
    encrypt: true
`
	f, ps := Load([]byte(text), "")
	if len(ps) > 0 {
		t.Fatal(ps)
	}

	want := &File{
		Initiator: "micro01", LookupSubnet: "10.93.0.0/24", LookupInterface: "enp5s0", LookupTimeout: 30,
		SessionPassphrase: "four words go here", SessionTimeout: 900,
		Systems: []System{
			{Name: "micro01", UplinkInterface: "enp6s0", UnderlayIP: "10.3.123.2", Storage: SystemStorage{
				Local: DirectDisk{Path: "/dev/sdb", Wipe: true},
				Ceph:  []DirectDisk{{Path: "/dev/sdc", Wipe: true, Encrypt: true}, {Path: "loop,8GiB,2"}},
			}},
			{Name: "micro02", UplinkInterface: "enp6s0", UnderlayIP: "10.3.123.3"},
		},
		OVN:  OVN{IPv4Gateway: "10.1.123.1/24", IPv4Range: "10.1.123.100-10.1.123.254", IPv6Gateway: "fd42::1/64", DNSServers: "10.1.123.1, 8.8.8.8"},
		Ceph: Ceph{CephFS: true, InternalNetwork: "10.2.123.0/24", PublicNetwork: "10.2.124.0/24"},
		Storage: Storage{
			Local: []DiskFilter{{Find: "type == nvme", FindMin: 1, FindMax: 1, Wipe: true}},
			Ceph:  []DiskFilter{{Find: "size > 100GiB", FindMin: 3, FindMax: 6, Wipe: true, Encrypt: true}},
		},
	}

	// Each filter was compiled once, by validation; the matchers are not
	// part of the file's content.
	for _, list := range [][]DiskFilter{f.Storage.Local, f.Storage.Ceph} {
		for i := range list {
			if list[i].matcher == nil {
				t.Fatalf("filter %q was not compiled", list[i].Find)
			}

			list[i].matcher = nil
		}
	}

	if !reflect.DeepEqual(f, want) {
		t.Fatalf("got %+v\nwant %+v", f, want)
	}
}

// YAML features a hand-written file may use are accepted as yaml.v3 (and so
// the reference) accepts them.
func TestParseYAMLFeatures(t *testing.T) {
	text := `initiator: micro01
lookup_subnet: 10.93.0.0/24
session_passphrase: 1234
systems:
- &base
  name: micro01
  ovn_uplink_interface: enp6s0
  storage:
    ceph:
    - path: /dev/sdc
      wipe: yes
- <<: *base
  name: micro02
- name: 03
  ovn_uplink_interface: enp6s0
  storage: {ceph: [{path: /dev/sdc, wipe: on}]}
ovn:
ceph: ~
`
	f, ps := Load([]byte(text), "")
	if len(ps) > 0 {
		t.Fatal(ps)
	}

	if f.SessionPassphrase != "1234" || len(f.Systems) != 3 || f.Systems[2].Name != "03" {
		t.Fatalf("scalars: %+v", f)
	}

	for _, s := range f.Systems {
		if s.UplinkInterface != "enp6s0" || len(s.Storage.Ceph) != 1 || !s.Storage.Ceph[0].Wipe {
			t.Fatalf("merged or flow system: %+v", s)
		}
	}

	if f.Systems[1].Name != "micro02" {
		t.Fatalf("a merge must not override an explicit key: %+v", f.Systems[1])
	}
}

// A file with problems still yields what could be decoded, so that Load
// reports the other problems in the same run.
func TestLoadReportsParseAndValidationProblemsTogether(t *testing.T) {
	text := head + "systems:\n- name: micro01\n  ovn_underlay_ip: nowhere\n  colour: red\n- name: micro01\n"
	_, ps := Load([]byte(text), "")
	want := []string{
		`systems[0].colour: unknown key "colour" (line 7)`,
		`systems[1].name: duplicate system name "micro01" (also systems[0])`,
		`systems[0].ovn_underlay_ip: "nowhere" is not an IP address`,
		`systems[1].ovn_underlay_ip: missing: other systems have an underlay IP, so every system needs one`,
	}

	var got []string
	for _, p := range ps {
		got = append(got, p.String())
	}

	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestParseSkipsFileOnlyOnSyntax(t *testing.T) {
	f, ps := Parse([]byte("systems: [\n"))
	if f != nil || len(ps) != 1 {
		t.Fatalf("a syntax error gives no file: %v %v", f, ps)
	}

	f, ps = Parse([]byte("systems: 5\n"))
	if f == nil || len(ps) != 1 {
		t.Fatalf("a type error still gives the rest: %v %v", f, ps)
	}
}
