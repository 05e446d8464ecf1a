package preseed

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
)

func planOf(t *testing.T, text string, facts plan.Facts, initiator string) plan.Plan {
	t.Helper()
	p, ps := ToPlan(mustLoad(t, text), facts, initiator)
	if len(ps) > 0 {
		t.Fatalf("ToPlan: %v", ps)
	}

	return p
}

func disksOf(p plan.Plan) map[string][]string {
	out := map[string][]string{}
	for _, s := range p.Systems {
		if s.LocalDisk != nil {
			out[s.Name] = append(out[s.Name], "local:"+s.LocalDisk.Path)
		}

		for _, d := range s.CephDisks {
			out[s.Name] = append(out[s.Name], "ceph:"+d.Path)
		}
	}

	return out
}

func TestDiskSelection(t *testing.T) {
	three := head + "systems:\n- name: micro01\n- name: micro02\n- name: micro03\n"
	cases := []struct {
		name             string
		yaml             string
		noDisk3OnMicro02 bool
		want             map[string][]string
	}{{
		name: "Ceph filters first, across systems; local filters then take the first free disk",
		yaml: three + "storage:\n  local:\n  - find: type == scsi\n  ceph:\n  - find: device_id == *lxd_disk2 || device_id == *lxd_disk3\n    find_min: 6\n",
		want: map[string][]string{
			"micro01": {"local:" + diskPath(1), "ceph:" + diskPath(2), "ceph:" + diskPath(3)},
			"micro02": {"local:" + diskPath(1), "ceph:" + diskPath(2), "ceph:" + diskPath(3)},
			"micro03": {"local:" + diskPath(1), "ceph:" + diskPath(2), "ceph:" + diskPath(3)},
		},
	}, {
		name: "later Ceph filters see only what earlier ones left",
		yaml: three + "storage:\n  ceph:\n  - find: type == scsi\n    find_min: 9\n  - find: type == scsi\n    find_min: 1\n",
		want: nil, // reported below as a problem
	}, {
		name: "filters skip systems that name their disks, and never pick a named disk",
		yaml: head + "systems:\n- name: micro01\n- name: micro02\n  storage:\n    local:\n      path: " + diskPath(3) + "\n    ceph:\n    - path: " + diskPath(1) + "\n" +
			"storage:\n  local:\n  - find: type == scsi\n  ceph:\n  - find: device_id == *disk1\n    find_min: 1\n    find_max: 1\n",
		want: map[string][]string{
			"micro01": {"local:" + diskPath(2), "ceph:" + diskPath(1)},
			"micro02": {"local:" + diskPath(3), "ceph:" + diskPath(1)},
		},
	}, {
		name: "a system with a named local disk may still get Ceph disks by filter, never its local one",
		yaml: head + "systems:\n- name: micro01\n  storage:\n    local:\n      path: " + diskPath(1) + "\nstorage:\n  ceph:\n  - find: type == scsi\n    find_min: 2\n    find_max: 2\n",
		want: map[string][]string{
			"micro01": {"local:" + diskPath(1), "ceph:" + diskPath(2), "ceph:" + diskPath(3)},
		},
	}, {
		name: "a disk named by another of its names is not picked either",
		yaml: head + "systems:\n- name: micro01\n  storage:\n    local:\n      path: /dev/sdb\nstorage:\n  ceph:\n  - find: type == scsi\n    find_min: 2\n    find_max: 2\n",
		want: map[string][]string{"micro01": {"local:/dev/sdb", "ceph:" + diskPath(2), "ceph:" + diskPath(3)}},
	}, {
		name:             "the first local filter that matches on a system wins; others fall to the next filter",
		yaml:             head + "systems:\n- name: micro01\n- name: micro02\nstorage:\n  local:\n  - find: device_id == *disk3\n  - find: type == scsi\n",
		noDisk3OnMicro02: true,
		want:             map[string][]string{"micro01": {"local:" + diskPath(3)}, "micro02": {"local:" + diskPath(1)}},
	}, {
		name: "named disks pass through, file-backed Ceph disks included",
		yaml: head + "systems:\n- name: micro01\n  storage:\n    ceph:\n    - path: loop,8GiB,1\n      encrypt: true\n    - path: " + diskPath(2) + "\n      wipe: true\n",
		want: map[string][]string{"micro01": {"ceph:loop,8GiB,1", "ceph:" + diskPath(2)}},
	}}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			facts := testFacts(3)
			if tc.noDisk3OnMicro02 {
				micro02 := facts.Systems["micro02"]
				micro02.Inventory.Disks = micro02.Inventory.Disks[:3]
				facts.Systems["micro02"] = micro02
			}

			p, ps := ToPlan(mustLoad(t, tc.yaml), facts, "micro01")
			if tc.want == nil {
				want := []plan.Problem{plan.NewProblem("storage.ceph[1]", `failed to find at least 1 disk for filter "type == scsi" (found 0)`)}
				if !reflect.DeepEqual(ps, want) {
					t.Fatalf("problems %v, want %v", ps, want)
				}

				return
			}

			if len(ps) > 0 {
				t.Fatal(ps)
			}

			if got := disksOf(p); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("disks:\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

// Only free disks are candidates; with wipe also disks that merely hold old
// data, never mounted, held or unreadable ones.
func TestDiskSelectionCandidates(t *testing.T) {
	facts := testFacts(1)
	sf := facts.Systems["micro01"]
	oldData := freeDisk(1)
	oldData.UsedBy = []string{"filesystem ext4"}
	held := freeDisk(2)
	held.UsedBy = []string{"held by dm-0"}
	partitioned := freeDisk(3)
	partitioned.Partitions = []types.Partition{{ID: "sdd1", Size: gib}}
	unreadable := freeDisk(4)
	unreadable.UsedBy = []string{"unreadable (permission denied)"}
	sf.Inventory.Disks = []types.Disk{rootDisk(), oldData, held, partitioned, unreadable}
	sf.Inventory.Name = "micro01"
	for i := range sf.Inventory.Disks {
		d := &sf.Inventory.Disks[i]
		d.Local = types.Ineligible("in use")
		d.Ceph = d.Local
	}

	facts.Systems["micro01"] = sf

	base := head + "systems:\n- name: micro01\nstorage:\n  ceph:\n  - find: type == scsi\n    find_min: 1\n"
	_, ps := ToPlan(mustLoad(t, base), facts, "micro01")
	want := []plan.Problem{plan.NewProblem("storage.ceph[0]", `failed to find at least 1 disk for filter "type == scsi" (found 0)`)}
	if !reflect.DeepEqual(ps, want) {
		t.Fatalf("without wipe nothing is free: %v", ps)
	}

	p := planOf(t, base+"    wipe: true\n", facts, "micro01")
	got := disksOf(p)["micro01"]
	wantDisks := []string{"ceph:" + diskPath(1), "ceph:" + diskPath(3)}
	if !reflect.DeepEqual(got, wantDisks) {
		t.Fatalf("with wipe: got %v, want %v (never the root, held or unreadable disk)", got, wantDisks)
	}
}

func TestPlanPoolsAndNetworks(t *testing.T) {
	facts := testFacts(3)

	// Nothing asked for: a dir pool, no Ceph, no OVN.
	p := planOf(t, head+"systems:\n- name: micro01\n- name: micro02\n", facts, "")
	if p.LocalPool == nil || p.LocalPool.Driver != plan.DriverDir || p.Ceph != nil || p.OVN != nil || p.Mode != plan.ModeInit || p.Initiator != "micro01" {
		t.Fatalf("bare plan: %+v", p)
	}

	// A gateway alone: OVN with each system's alphabetically first uplink candidate.
	facts.Systems["micro02"].Inventory.Interfaces[0].Uplink = types.Eligible // enp5s0 sorts first
	p = planOf(t, head+"systems:\n- name: micro01\n- name: micro02\novn:\n  ipv6_gateway: fd42::1/64\n  dns_servers: fd42::1\n", facts, "micro01")
	if p.OVN == nil || p.OVN.IPv6Gateway != "fd42::1/64" || !reflect.DeepEqual(p.OVN.DNSServers, []string{"fd42::1"}) {
		t.Fatalf("OVN: %+v", p.OVN)
	}

	if p.Systems[0].UplinkInterface != "enp6s0" || p.Systems[1].UplinkInterface != "enp5s0" {
		t.Fatalf("uplinks: %+v", p.Systems)
	}

	// A system without any candidate keeps none, and plan.Validate says so.
	for i := range facts.Systems["micro03"].Inventory.Interfaces {
		facts.Systems["micro03"].Inventory.Interfaces[i].Uplink = types.Ineligible("has IP")
	}

	p = planOf(t, head+"systems:\n- name: micro01\n- name: micro03\novn:\n  ipv6_gateway: fd42::1/64\n", facts, "micro01")
	if p.Systems[1].UplinkInterface != "" {
		t.Fatalf("micro03 has no candidate: %+v", p.Systems[1])
	}

	errs, _ := plan.Validate(p, facts)
	want := plan.NewProblem("systems[micro03].ovn_uplink_interface", "missing: every system needs an uplink interface for OVN")
	if len(errs) != 1 || errs[0] != want {
		t.Fatalf("plan.Validate must report the missing uplink: %v", errs)
	}
}

func TestPlanAddExtendsTheCloudsServices(t *testing.T) {
	text := head + "systems:\n- name: micro04\n"
	p := planOf(t, text, testFacts(4), "micro01")
	if p.Mode != plan.ModeAdd || p.OVN != nil || p.Ceph != nil {
		t.Fatalf("a cloud without OVN or Ceph: %+v", p)
	}

	facts := withClustered(testFacts(4), "micro01", types.MicroOVN, types.MicroCeph)
	p = planOf(t, text, facts, "micro01")
	if p.OVN == nil || p.Ceph == nil || p.Systems[0].UplinkInterface != "enp6s0" {
		t.Fatalf("a cloud with OVN and Ceph extends them: %+v", p)
	}
}

func TestPlanUnicastKeepsAddresses(t *testing.T) {
	text := "initiator_address: 10.93.0.12\nsession_passphrase: foo\nsystems:\n- name: micro02\n  address: 10.93.0.13\n- name: micro01\n  address: 10.93.0.12\n"
	p := planOf(t, text, testFacts(2), "micro01")
	want := []plan.System{{Name: "micro01", Address: "10.93.0.12"}, {Name: "micro02", Address: "10.93.0.13"}}
	if p.Mode != plan.ModeInit || !reflect.DeepEqual(p.Systems, want) {
		t.Fatalf("got %+v", p)
	}
}

// TestPlanAddCreatesMissingServices: a file that gives the new machine an
// uplink, an underlay and a Ceph disk, on a cloud without MicroOVN and
// MicroCeph, brings both to every member, with the members' defaults.
func TestPlanAddCreatesMissingServices(t *testing.T) {
	text := head + "ovn:\n  ipv4_gateway: 10.3.123.1/24\n  ipv4_range: 10.3.123.100-10.3.123.150\nsystems:\n" +
		"- name: micro04\n  ovn_uplink_interface: enp6s0\n  ovn_underlay_ip: 10.2.123.5\n  storage:\n    ceph:\n    - path: " + diskPath(1) + "\n"
	facts := withClustered(testFacts(4), "micro01", types.MicroCloud, types.LXD)
	facts.Cloud = &plan.Cloud{LocalDriver: plan.DriverDir, Addresses: map[string]string{"micro01": "10.93.0.12", "micro02": "10.93.0.13", "micro03": "10.93.0.14"}}
	p := planOf(t, text, facts, "micro01")
	if !reflect.DeepEqual(p.Create, []types.ServiceType{types.MicroOVN, types.MicroCeph}) || len(p.Members) != 3 {
		t.Fatalf("create %v, members %+v", p.Create, p.Members)
	}

	for i, m := range p.Members {
		want := plan.System{Name: fmt.Sprintf("micro%02d", i+1), Address: fmt.Sprintf("10.93.0.%d", 12+i), UplinkInterface: "enp6s0", UnderlayIP: fmt.Sprintf("10.2.123.%d", 2+i)}
		if !reflect.DeepEqual(m, want) {
			t.Fatalf("member %+v, want %+v", m, want)
		}
	}

	// Init's rules hold for the new services: Ceph needs disks on enough
	// systems, which is a warning, not an error.
	errs, _ := plan.Validate(p, facts)
	if len(errs) > 0 {
		t.Fatalf("the plan does not validate: %v", errs)
	}
}
