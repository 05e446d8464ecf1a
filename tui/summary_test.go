package tui

import (
	"strings"
	"testing"

	"github.com/microcloud-project/microcloud/service/plan"
)

func fullPlan() plan.Plan {
	return plan.Plan{
		Mode:      plan.ModeInit,
		Initiator: "micro01",
		Systems: []plan.System{
			{
				Name: "micro01", Address: "10.0.0.1", UplinkInterface: "eth1", UnderlayIP: "10.1.0.1",
				LocalDisk: &plan.Disk{Path: "/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456X", Wipe: true},
				CephDisks: []plan.Disk{{Path: "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4", Wipe: true, Encrypt: true}, {Path: "/dev/sdc"}},
			},
			{Name: "micro02", Address: "10.0.0.2", UplinkInterface: "enp5s0", LocalDisk: &plan.Disk{Path: "/dev/sdb"}, CephDisks: []plan.Disk{{Path: "loop,4GiB,1"}}},
			{Name: "micro03", Address: "10.0.0.3", UplinkInterface: "br-uplink", LocalDisk: &plan.Disk{Path: "/dev/sdb"}},
		},
		LocalPool: &plan.LocalPool{Driver: plan.DriverZFS},
		Ceph:      &plan.Ceph{PublicNetwork: "10.0.0.0/24", InternalNetwork: "10.2.0.0/24", CephFS: true},
		OVN:       &plan.OVN{IPv4Gateway: "10.0.0.1/24", IPv4Range: "10.0.0.100-10.0.0.200", IPv6Gateway: "fd42::1/64", DNSServers: []string{"1.1.1.1", "9.9.9.9"}},
	}
}

func TestSummaryShowsEverySystemAndService(t *testing.T) {
	s := Summary(fullPlan(), 80)
	assertFits(t, s, 80)
	assertContains(t, s,
		"MicroCloud will be formed of 3 systems (initiator: micro01):",
		"micro01 (initiator)", "micro02\n", "micro03\n",
		"address           10.0.0.1",
		"uplink            eth1", "uplink            enp5s0", "uplink            br-uplink",
		"underlay          10.1.0.1", "underlay          none (uses the address)",
		// A path too long for the room beside its label goes whole under it.
		"    /dev/disk/by-id/nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456X",
		"/dev/sdc",
		"loop,4GiB,1 (file-backed)",
		"Distributed networking (MicroOVN)",
		"IPv4 gateway      10.0.0.1/24", "IPv4 range        10.0.0.100-10.0.0.200", "IPv6 gateway      fd42::1/64",
		"DNS servers       1.1.1.1, 9.9.9.9",
		"Distributed storage (MicroCeph)",
		"public network    10.0.0.0/24", "internal network  10.2.0.0/24", "CephFS            yes",
		`Local storage: pool "local", one disk on each system (zfs)`,
	)

	// Notes wrap under the value; read as one text they are whole.
	assertContains(t, strings.Join(strings.Fields(s), " "), "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4 (WILL BE WIPED, encrypted) /dev/sdc")

	// micro03 gives Ceph nothing, and says so.
	micro03 := s[strings.Index(s, "micro03\n"):]
	assertContains(t, micro03[:strings.Index(micro03, "\n\n")], "Ceph disks        none")
}

func TestSummaryWithoutOptionalParts(t *testing.T) {
	p := plan.Plan{
		Mode:      plan.ModeInit,
		Initiator: "solo",
		Systems:   []plan.System{{Name: "solo", Address: "192.168.1.10"}},
		LocalPool: &plan.LocalPool{Driver: plan.DriverDir},
	}

	s := Summary(p, 80)
	assertContains(t, s,
		"MicroCloud will be formed of 1 system (initiator: solo):",
		"Networking: a bridge on each system (no distributed networking)",
		"Distributed storage: none",
		`Local storage: pool "local", a directory on each system (dir)`,
	)

	assertNotContains(t, s, "uplink", "underlay", "Ceph disks", "local disk")

	p.LocalPool = nil
	assertContains(t, Summary(p, 80), "Local storage: none")
}

func TestSummaryDefaults(t *testing.T) {
	p := fullPlan()
	p.OVN = &plan.OVN{IPv6Gateway: "fd42::1/64"}
	p.Ceph = &plan.Ceph{}
	s := Summary(p, 80)
	assertContains(t, s, "DNS servers       default (the gateways)", "public network    default (the MicroCloud network)", "CephFS            no")
	assertNotContains(t, s, "IPv4")
}

func TestSummaryOfAnAddition(t *testing.T) {
	p := fullPlan()
	p.Mode, p.Initiator, p.Systems = plan.ModeAdd, "micro01", p.Systems[1:2]
	assertContains(t, Summary(p, 80), "1 system will be added to the MicroCloud (through micro01):")
}

func TestSummaryFitsNarrowWidths(t *testing.T) {
	for _, width := range []int{30, 50, 80, 120} {
		s := Summary(fullPlan(), width)
		assertFits(t, s, width)
		// Nothing is cut: every disk path is there, maybe in pieces.
		joined := strings.ReplaceAll(strings.ReplaceAll(s, "\n", ""), " ", "")
		assertContains(t, joined, "S4EWNX0R123456X", "wwn-0x5000c500a1b2c3d4")
	}

	if Summary(fullPlan(), 0) != Summary(fullPlan(), 80) {
		t.Error("width 0 is not the default width")
	}
}

func TestWarnings(t *testing.T) {
	if Warnings(nil, 80) != "" {
		t.Fatal("warnings for no problems")
	}

	w := Warnings([]plan.Problem{
		{Path: "storage.ceph", Message: "only 2 system(s) supply disks to Ceph: 3 are needed to keep data when one fails"},
		{Message: "2 member(s): 3 are needed to survive the loss of one"},
	}, 60)
	assertFits(t, w, 60)
	assertContains(t, w, "Warnings:\n", "  - storage.ceph: only 2 system(s)", "\n    ", "  - 2 member(s): 3 are needed")

	e := Problems("The plan cannot be carried out", []plan.Problem{{Path: "systems[micro02].ovn_uplink_interface", Message: "eth0 has IP 10.0.0.5/24"}}, 80)
	assertContains(t, e, "The plan cannot be carried out:", "- systems[micro02].ovn_uplink_interface: eth0 has IP 10.0.0.5/24")
}
