package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/inventory"
)

// labFacts are three lab-like systems: uplink0 free, ul0/mgmt0/ceph0
// addressed, a mounted root disk and a free disk sdb.
func labFacts(names ...string) Facts {
	f := Facts{Systems: map[string]SystemFacts{}}
	for i, name := range names {
		n := 11 + i
		sys := types.System{Name: name, StorageDrivers: []string{"dir"}, Interfaces: []types.Interface{
			{Name: "mgmt0", Type: "veth", State: "up", Addresses: []string{fmt.Sprintf("10.99.0.%d/24", n), fmt.Sprintf("fd99::%d/64", n)}},
			{Name: "uplink0", Type: "veth", State: "up"},
			{Name: "ul0", Type: "veth", State: "up", Addresses: []string{fmt.Sprintf("10.98.0.%d/24", n)}},
			{Name: "ceph0", Type: "veth", State: "up", Addresses: []string{fmt.Sprintf("10.97.0.%d/24", n)}},
			{Name: "down0", Type: "veth", State: "down"},
		}, Disks: []types.Disk{
			{ID: "vda", Path: "/dev/vda", Size: 100, Mounted: true, UsedBy: []string{"mounted on /"}},
			{ID: "sdb", Path: "/dev/disk/by-id/disk-b", Size: 100},
			{ID: "sdc", Path: "/dev/disk/by-id/disk-c", Size: 100, Partitions: []types.Partition{{ID: "sdc1"}}},
		}}
		inventory.Classify(&sys)
		services := []types.ServiceState{
			{Type: types.MicroCloud, Present: true, Version: "0.1.0"},
			{Type: types.MicroOVN, Present: true, Version: "23.03.1", Extensions: []string{"custom_encapsulation_ip"}},
			{Type: types.MicroCeph, Present: true, Version: "16.2.15"},
			{Type: types.LXD, Present: true, Version: "5.0.2", Extensions: []string{"clustering_join_token", "network_type_ovn", "network_type_physical", "storage_pool_source_wipe"}},
		}

		f.Systems[name] = SystemFacts{Services: services, Inventory: sys}
	}

	return f
}

func goodPlan() Plan {
	p := Plan{Mode: ModeInit, Initiator: "micro01", LocalPool: &LocalPool{Driver: DriverDir}, Ceph: &Ceph{PublicNetwork: "10.97.0.0/24"},
		OVN: &OVN{IPv4Gateway: "10.96.0.1/24", IPv4Range: "10.96.0.100-10.96.0.150", IPv6Gateway: "fd96::1/64", DNSServers: []string{"10.96.0.1"}}}
	for i, name := range []string{"micro01", "micro02", "micro03"} {
		p.Systems = append(p.Systems, System{Name: name, Address: fmt.Sprintf("10.99.0.%d", 11+i), UplinkInterface: "uplink0",
			UnderlayIP: fmt.Sprintf("10.98.0.%d", 11+i), CephDisks: []Disk{{Path: "loop,2G,1"}}})
	}

	return p
}

func TestValidateGoodPlan(t *testing.T) {
	errs, warnings := Validate(goodPlan(), labFacts("micro01", "micro02", "micro03"))
	if len(errs) != 0 || len(warnings) != 0 {
		t.Fatalf("errors %v, warnings %v", errs, warnings)
	}
}

func TestValidateProblems(t *testing.T) {
	facts := labFacts("micro01", "micro02", "micro03")
	cases := []struct {
		name   string
		mutate func(*Plan, *Facts)
		want   string
	}{
		{"duplicate name", func(p *Plan, f *Facts) { p.Systems[2].Name = "micro02" }, `systems[micro02].name: duplicate system name "micro02"`},
		{"bad host name", func(p *Plan, f *Facts) { p.Systems[1].Name = "micro_02" }, `systems[micro_02].name: "micro_02" is not a valid host name`},
		{"address not an IP", func(p *Plan, f *Facts) { p.Systems[1].Address = "micro02" }, `systems[micro02].address: "micro02" is not an IP address`},
		{"address twice", func(p *Plan, f *Facts) { p.Systems[1].Address = "10.99.0.11" }, "systems[micro02].address: 10.99.0.11 is also the address of micro01"},
		{"mixed families", func(p *Plan, f *Facts) { p.Systems[1].Address = "fd99::12" }, "systems[micro02].address: fd99::12 is IPv6 while other systems use IPv4"},
		{"initiator missing", func(p *Plan, f *Facts) { p.Initiator = "micro09" }, `systems: the initiator "micro09" must be one of the systems`},
		{"unknown system", func(p *Plan, f *Facts) { delete(f.Systems, "micro03") }, "systems[micro03]: no information about this system (it did not join the session)"},
		{"uplink with an IP", func(p *Plan, f *Facts) { p.Systems[1].UplinkInterface = "ul0" }, "systems[micro02].ovn_uplink_interface: ul0 cannot be the uplink: has IP 10.98.0.12/24"},
		{"uplink down", func(p *Plan, f *Facts) { p.Systems[1].UplinkInterface = "down0" }, "systems[micro02].ovn_uplink_interface: down0 cannot be the uplink: DOWN"},
		{"uplink missing on a system", func(p *Plan, f *Facts) { p.Systems[2].UplinkInterface = "" }, "systems[micro03].ovn_uplink_interface: missing: every system needs an uplink interface for OVN"},
		{"uplink does not exist", func(p *Plan, f *Facts) { p.Systems[0].UplinkInterface = "eth9" }, `systems[micro01].ovn_uplink_interface: micro01 has no interface "eth9"`},
		{"underlay not on the system", func(p *Plan, f *Facts) { p.Systems[1].UnderlayIP = "10.98.0.99" }, "systems[micro02].ovn_underlay_ip: 10.98.0.99 is not an address of micro02"},
		{"underlay not an IP", func(p *Plan, f *Facts) { p.Systems[1].UnderlayIP = "ul0" }, `systems[micro02].ovn_underlay_ip: "ul0" is not an IP address`},
		{"underlay on some systems only", func(p *Plan, f *Facts) { p.Systems[0].UnderlayIP = "" }, "systems[micro01].ovn_underlay_ip: " + MissingUnderlay},
		{"no gateway", func(p *Plan, f *Facts) { p.OVN.IPv4Gateway, p.OVN.IPv4Range, p.OVN.IPv6Gateway = "", "", "" }, "ovn: either the IPv4 or the IPv6 gateway of the uplink network is required"},
		{"gateway is a network address", func(p *Plan, f *Facts) { p.OVN.IPv4Gateway = "10.96.0.0/24" }, "ovn.ipv4_gateway: 10.96.0.0 is the network address of 10.96.0.0/24, not a gateway"},
		{"gateway not CIDR", func(p *Plan, f *Facts) { p.OVN.IPv4Gateway = "10.96.0.1" }, `ovn.ipv4_gateway: "10.96.0.1" is not an address with a prefix (like 10.0.0.1/24)`},
		{"range outside the subnet", func(p *Plan, f *Facts) { p.OVN.IPv4Range = "10.95.0.100-10.95.0.150" }, "ovn.ipv4_range: range 10.95.0.100-10.95.0.150 is not inside the gateway's subnet 10.96.0.0/24"},
		{"range contains the gateway", func(p *Plan, f *Facts) { p.OVN.IPv4Range = "10.96.0.1-10.96.0.50" }, "ovn.ipv4_range: range 10.96.0.1-10.96.0.50 contains the gateway 10.96.0.1"},
		{"range backwards", func(p *Plan, f *Facts) { p.OVN.IPv4Range = "10.96.0.150-10.96.0.100" }, "ovn.ipv4_range: range 10.96.0.150-10.96.0.100 starts after it ends"},
		{"range syntax", func(p *Plan, f *Facts) { p.OVN.IPv4Range = "10.96.0.100" }, `ovn.ipv4_range: "10.96.0.100" is not an IPv4 range (first-last, like 10.0.0.100-10.0.0.150)`},
		{"gateway without range", func(p *Plan, f *Facts) { p.OVN.IPv4Range = "" }, "ovn.ipv4_range: the IPv4 gateway needs a range of addresses for OVN routers"},
		{"IPv6 gateway is IPv4", func(p *Plan, f *Facts) { p.OVN.IPv6Gateway = "10.96.0.1/24" }, "ovn.ipv6_gateway: 10.96.0.1/24 is not an IPv6 address"},
		{"bad DNS", func(p *Plan, f *Facts) { p.OVN.DNSServers = []string{"dns.example"} }, `ovn.dns_servers: "dns.example" is not an IP address`},
		{"mounted disk", func(p *Plan, f *Facts) { p.Systems[1].CephDisks = []Disk{{Path: "/dev/vda", Wipe: true}} }, "systems[micro02].storage.ceph[0]: /dev/vda cannot be used: mounted"},
		{"partitioned disk without wipe", func(p *Plan, f *Facts) { p.Systems[1].CephDisks = []Disk{{Path: "/dev/disk/by-id/disk-c"}} }, "systems[micro02].storage.ceph[0]: /dev/disk/by-id/disk-c cannot be used: partitioned (1 partitions)"},
		{"missing disk", func(p *Plan, f *Facts) { p.Systems[1].CephDisks = []Disk{{Path: "/dev/nope"}} }, "systems[micro02].storage.ceph[0]: micro02 has no disk /dev/nope"},
		{"disk used twice", func(p *Plan, f *Facts) {
			p.LocalPool = &LocalPool{Driver: DriverZFS}
			for i := range p.Systems {
				p.Systems[i].LocalDisk = &Disk{Path: "/dev/disk/by-id/disk-b"}
			}
			p.Systems[1].CephDisks = []Disk{{Path: "/dev/disk/by-id/disk-b"}}
		}, "systems[micro02].storage.ceph[0]: /dev/disk/by-id/disk-b is already used for storage.local"},
		{"zfs without disk", func(p *Plan, f *Facts) { p.LocalPool = &LocalPool{Driver: DriverZFS} }, "systems[micro01].storage.local: missing: a zfs local pool needs a disk on every system"},
		{"ceph network without addresses", func(p *Plan, f *Facts) { p.Ceph.PublicNetwork = "10.50.0.0/24" }, "ceph.public_network: micro01 has no address in 10.50.0.0/24"},
		{"ceph network syntax", func(p *Plan, f *Facts) { p.Ceph.InternalNetwork = "10.97.0.0" }, `ceph.internal_network: "10.97.0.0" is not a subnet in CIDR form`},
		{"ceph without disks", func(p *Plan, f *Facts) {
			for i := range p.Systems {
				p.Systems[i].CephDisks = nil
			}
		}, "storage.ceph: Ceph is configured but no system gives it a disk"},
		{"MicroOVN missing", func(p *Plan, f *Facts) {
			sf := f.Systems["micro02"]
			sf.Services = []types.ServiceState{sf.Services[0], {Type: types.MicroOVN}, sf.Services[2], sf.Services[3]}
			f.Systems["micro02"] = sf
		}, "systems[micro02]: MicroOVN is not available on micro02 (not installed)"},
		{"underlay without the extension", func(p *Plan, f *Facts) {
			sf := f.Systems["micro03"]
			sf.Services = []types.ServiceState{sf.Services[0], {Type: types.MicroOVN, Present: true, Version: "23.03.1"}, sf.Services[2], sf.Services[3]}
			f.Systems["micro03"] = sf
		}, `systems[micro03]: MicroOVN 23.03.1 on micro03 lacks the API extension "custom_encapsulation_ip"`},
		{"LXD versions differ", func(p *Plan, f *Facts) {
			sf := f.Systems["micro03"]
			lxd := sf.Services[3]
			lxd.Version = "5.21.3"
			sf.Services = []types.ServiceState{sf.Services[0], sf.Services[1], sf.Services[2], lxd}
			f.Systems["micro03"] = sf
		}, "systems: LXD versions differ between systems (5.0 on micro01, micro02; 5.21 on micro03); all members must run the same release"},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := goodPlan()
			f := Facts{Systems: map[string]SystemFacts{}}
			for k, v := range facts.Systems {
				f.Systems[k] = v
			}

			tc.mutate(&p, &f)
			errs, _ := Validate(p, f)
			var got []string
			for _, e := range errs {
				got = append(got, e.String())
				if e.String() == tc.want {
					return
				}
			}

			t.Fatalf("want %q among:\n%s", tc.want, strings.Join(got, "\n"))
		})
	}
}

func TestValidateWarnings(t *testing.T) {
	p := goodPlan()
	p.Systems = p.Systems[:2]
	_, warnings := Validate(p, labFacts("micro01", "micro02"))
	var got []string
	for _, w := range warnings {
		got = append(got, w.String())
	}

	want := []string{
		"storage.ceph: only 2 system(s) supply disks to Ceph: 3 are needed to keep data when one fails",
		"systems: 2 member(s): 3 are needed to survive the loss of one",
	}

	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("warnings:\n%s", strings.Join(got, "\n"))
	}
}

func TestAuto(t *testing.T) {
	addresses := map[string]string{"micro01": "10.99.0.11", "micro02": "10.99.0.12", "micro03": "10.99.0.13"}
	facts := labFacts("micro01", "micro02", "micro03")

	// Free disk sdb everywhere but no zfs: dir; three hosts with disks: Ceph;
	// one eligible uplink each and a gateway: OVN.
	p, notes := Auto("micro01", addresses, facts, AutoOptions{IPv4Gateway: "10.96.0.1/24", IPv4Range: "10.96.0.100-10.96.0.150"})
	if p.LocalPool.Driver != DriverDir || p.Ceph == nil || p.OVN == nil || len(p.Systems) != 3 {
		t.Fatalf("plan %+v, notes %v", p, notes)
	}

	for _, s := range p.Systems {
		if s.UplinkInterface != "uplink0" || len(s.CephDisks) != 1 || s.CephDisks[0].Path != "/dev/disk/by-id/disk-b" || s.UnderlayIP != "" {
			t.Fatalf("system %+v", s)
		}
	}

	errs, _ := Validate(p, facts)
	if len(errs) != 0 {
		t.Fatalf("the auto plan does not validate: %v", errs)
	}

	// No gateway: bridge fallback, said so.
	p, notes = Auto("micro01", addresses, facts, AutoOptions{})
	if p.OVN != nil || !strings.Contains(strings.Join(notes, "\n"), "no uplink gateway given") {
		t.Fatalf("without a gateway: %+v %v", p.OVN, notes)
	}

	// zfs where LXD supports it: the free disk goes to the local pool, and
	// Ceph gets nothing left.
	for name, sf := range facts.Systems {
		sf.Inventory.StorageDrivers = []string{"dir", "zfs"}
		facts.Systems[name] = sf
	}

	p, notes = Auto("micro01", addresses, facts, AutoOptions{})
	if p.LocalPool.Driver != DriverZFS || p.Systems[0].LocalDisk.Path != "/dev/disk/by-id/disk-b" || p.Ceph != nil {
		t.Fatalf("zfs: %+v %v", p, notes)
	}

	// A second eligible uplink on one system: no OVN, naming it.
	sf := facts.Systems["micro02"]
	sf.Inventory.Interfaces = append(sf.Inventory.Interfaces, types.Interface{Name: "uplink1", Uplink: types.Eligible})
	facts.Systems["micro02"] = sf
	p, notes = Auto("micro01", addresses, facts, AutoOptions{IPv4Gateway: "10.96.0.1/24", IPv4Range: "10.96.0.100-10.96.0.150"})
	if p.OVN != nil || !strings.Contains(strings.Join(notes, "\n"), "not exactly one eligible uplink interface on micro02") {
		t.Fatalf("two uplinks: %+v %v", p.OVN, notes)
	}
}
