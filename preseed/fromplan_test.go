package preseed

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
)

// roundTrip writes a plan as a preseed, reads it back and builds the plan
// again: it must be the same plan.
func roundTrip(t *testing.T, p plan.Plan, session SessionOptions, facts plan.Facts) []byte {
	t.Helper()
	data, err := FromPlan(p, session)
	if err != nil {
		t.Fatal(err)
	}

	f, ps := Load(data, "")
	if len(ps) > 0 {
		t.Fatalf("the written file has problems: %v\n%s", ps, data)
	}

	again, ps := ToPlan(f, facts, p.Initiator)
	if len(ps) > 0 {
		t.Fatalf("ToPlan of the written file: %v\n%s", ps, data)
	}

	if !reflect.DeepEqual(again, p) {
		t.Fatalf("round trip changed the plan:\n got %+v\nwant %+v\nfile:\n%s", again, p, data)
	}

	return data
}

func TestFromPlanRoundTripOfExamples(t *testing.T) {
	for _, tc := range []struct {
		example string
		facts   plan.Facts
		session SessionOptions
	}{
		{"example-a-1x-init.yaml", testFacts(3), SessionOptions{LookupSubnet: "10.93.0.0/24", Passphrase: "a b c d"}},
		{"example-b-init.yaml", testFacts(3), SessionOptions{LookupSubnet: "10.93.0.0/24", Passphrase: "foo", LookupTimeout: 2 * time.Minute, SessionTimeout: 30 * time.Minute}},
		{"example-b-init.yaml", testFacts(3), SessionOptions{Passphrase: "foo"}},
		{"example-c-add.yaml", withClustered(testFacts(4), "micro01", types.MicroOVN, types.MicroCeph), SessionOptions{InitiatorAddress: "10.93.0.12", Passphrase: "foo"}},
		{"example-c-add.yaml", withClustered(testFacts(4), "micro01", types.MicroOVN, types.MicroCeph), SessionOptions{LookupSubnet: "10.93.0.0/24", Passphrase: "foo"}},
	} {
		t.Run(tc.example, func(t *testing.T) {
			f, ps := Load(readExample(t, tc.example), "flag")
			if len(ps) > 0 {
				t.Fatal(ps)
			}

			p, ps := ToPlan(f, tc.facts, "micro01")
			if len(ps) > 0 {
				t.Fatal(ps)
			}

			roundTrip(t, p, tc.session, tc.facts)
		})
	}
}

func TestFromPlanRoundTripOfExtensions(t *testing.T) {
	// A dir pool and file-backed OSDs: machines without spare disks.
	p := plan.Plan{
		Mode:      plan.ModeInit,
		Initiator: "micro01",
		Systems: []plan.System{
			{Name: "micro01", Address: "10.93.0.12", CephDisks: []plan.Disk{{Path: "loop,8GiB,1"}}},
			{Name: "micro02", Address: "10.93.0.13", CephDisks: []plan.Disk{{Path: "loop,8GiB,1"}}},
			{Name: "micro03", Address: "10.93.0.14", CephDisks: []plan.Disk{{Path: "loop,8GiB,1", Encrypt: true}}},
		},
		LocalPool: &plan.LocalPool{Driver: plan.DriverDir},
		Ceph:      &plan.Ceph{PublicNetwork: "10.2.123.0/24"},
	}

	roundTrip(t, p, SessionOptions{Passphrase: "x"}, testFacts(3))
}

func TestFromPlanText(t *testing.T) {
	p := plan.Plan{
		Mode:      plan.ModeInit,
		Initiator: "micro01",
		Systems: []plan.System{
			{Name: "micro01", Address: "10.93.0.12", UplinkInterface: "enp6s0", LocalDisk: &plan.Disk{Path: diskPath(1), Wipe: true}, CephDisks: []plan.Disk{{Path: diskPath(2)}}},
			{Name: "micro02", Address: "10.93.0.13", UplinkInterface: "enp6s0", LocalDisk: &plan.Disk{Path: diskPath(1)}, CephDisks: []plan.Disk{{Path: diskPath(2), Encrypt: true}}},
		},
		LocalPool: &plan.LocalPool{Driver: plan.DriverZFS},
		Ceph:      &plan.Ceph{CephFS: true},
		OVN:       &plan.OVN{IPv4Gateway: "10.1.123.1/24", IPv4Range: "10.1.123.100-10.1.123.254", DNSServers: []string{"10.1.123.1", "8.8.8.8"}},
	}

	want := `initiator: micro01
lookup_subnet: 10.93.0.0/24
session_passphrase: cherry apple lemon pear
systems:
  - name: micro01
    ovn_uplink_interface: enp6s0
    storage:
      local:
        path: /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_lxd_disk1
        wipe: true
      ceph:
        - path: /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_lxd_disk2
  - name: micro02
    ovn_uplink_interface: enp6s0
    storage:
      local:
        path: /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_lxd_disk1
      ceph:
        - path: /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_lxd_disk2
          encrypt: true
ovn:
  ipv4_gateway: 10.1.123.1/24
  ipv4_range: 10.1.123.100-10.1.123.254
  dns_servers: 10.1.123.1,8.8.8.8
ceph:
  cephfs: true
`
	got := roundTrip(t, p, SessionOptions{LookupSubnet: "10.93.0.0/24", Passphrase: "cherry apple lemon pear"}, testFacts(2))
	if string(got) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}

	got = roundTrip(t, p, SessionOptions{Passphrase: "cherry apple lemon pear"}, testFacts(2))
	if !strings.HasPrefix(string(got), "initiator_address: 10.93.0.12\nsession_passphrase: cherry apple lemon pear\nsystems:\n  - name: micro01\n    address: 10.93.0.12\n") {
		t.Fatalf("unicast form:\n%s", got)
	}
}

func TestFromPlanErrors(t *testing.T) {
	p := plan.Plan{Mode: plan.ModeAdd, Initiator: "micro01", Systems: []plan.System{{Name: "micro04", Address: "10.93.0.15"}}}
	cases := []struct {
		session SessionOptions
		want    string
	}{
		{SessionOptions{}, `The initiator "micro01" is not one of the plan's systems: give its address or the lookup subnet`},
		{SessionOptions{LookupSubnet: "10.93.0.0/24", InitiatorAddress: "10.93.0.12"}, "Give either the lookup subnet or the initiator's address, not both"},
		{SessionOptions{LookupSubnet: "10.94.0.0/24"}, `The address of "micro04" (10.93.0.15) is outside the lookup subnet 10.94.0.0/24: write the file with the initiator's address instead`},
		{SessionOptions{LookupSubnet: "ten"}, `Lookup subnet "ten" is not a subnet in CIDR form`},
	}

	for _, tc := range cases {
		_, err := FromPlan(p, tc.session)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%+v: got %v, want %q", tc.session, err, tc.want)
		}
	}
}
