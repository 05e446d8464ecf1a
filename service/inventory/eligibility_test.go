package inventory

import (
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
)

func TestUplinkEligibility(t *testing.T) {
	up := types.Interface{Name: "eth1", Type: "physical", State: "up", Addresses: []string{}}
	cases := []struct {
		name   string
		mutate func(*types.Interface)
		want   string // "" = eligible
	}{
		{"unaddressed physical, up", func(i *types.Interface) {}, ""},
		{"veth, up", func(i *types.Interface) { i.Type = "veth" }, ""},
		{"down", func(i *types.Interface) { i.State = "down" }, "DOWN"},
		{"has an IP", func(i *types.Interface) { i.Addresses = []string{"10.0.0.5/24"} }, "has IP 10.0.0.5/24"},
		{"has two IPs", func(i *types.Interface) { i.Addresses = []string{"10.0.0.5/24", "fd00::5/64"} }, "has IP 10.0.0.5/24, fd00::5/64"},
		{"bridge with an IP", func(i *types.Interface) { i.Type = "bridge"; i.Addresses = []string{"10.0.0.5/24"} }, ""},
		{"managed by LXD", func(i *types.Interface) { i.Managed = true }, "managed by LXD"},
		{"bridge port", func(i *types.Interface) { i.Master = "br0" }, "port of br0"},
		{"loopback", func(i *types.Interface) { i.Type = "loopback" }, "loopback"},
		{"managed and down: managed wins", func(i *types.Interface) { i.Managed = true; i.State = "down" }, "managed by LXD"},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			iface := up
			tc.mutate(&iface)
			assertEligibility(t, UplinkEligibility(iface), tc.want)
		})
	}
}

func TestAddressedEligibility(t *testing.T) {
	base := types.Interface{Name: "ul0", Type: "veth", State: "up", Addresses: []string{"10.98.0.11/24"}}
	cases := []struct {
		name   string
		mutate func(*types.Interface)
		want   string
	}{
		{"addressed and up", func(i *types.Interface) {}, ""},
		{"IPv6 only", func(i *types.Interface) { i.Addresses = []string{"fd99::11/64"} }, ""},
		{"no address", func(i *types.Interface) { i.Addresses = nil }, "no IP address"},
		{"down", func(i *types.Interface) { i.State = "down" }, "DOWN"},
		{"managed by LXD", func(i *types.Interface) { i.Managed = true }, "managed by LXD"},
		{"loopback", func(i *types.Interface) { i.Type = "loopback" }, "loopback"},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			iface := base
			tc.mutate(&iface)
			assertEligibility(t, AddressedEligibility(iface), tc.want)
		})
	}
}

func TestDiskEligibility(t *testing.T) {
	base := types.Disk{ID: "sdb", Type: "scsi", Size: 10 << 30}
	cases := []struct {
		name   string
		mutate func(*types.Disk)
		want   string
	}{
		{"free disk", func(d *types.Disk) {}, ""},
		{"CD-ROM", func(d *types.Disk) { d.Type = "cdrom" }, "CD-ROM"},
		{"read-only", func(d *types.Disk) { d.ReadOnly = true }, "read-only"},
		{"no media", func(d *types.Disk) { d.Size = 0 }, "no media"},
		{"partitioned", func(d *types.Disk) { d.Partitions = []types.Partition{{ID: "sdb1"}, {ID: "sdb2"}} }, "partitioned (2 partitions)"},
		{"mounted", func(d *types.Disk) { d.Mounted = true }, "mounted"},
		{"LVM signature", func(d *types.Disk) { d.UsedBy = []string{"LVM physical volume"} }, "in use: LVM physical volume"},
		{"held and Ceph", func(d *types.Disk) { d.UsedBy = []string{"Ceph OSD (bluestore)", "held by dm-0"} }, "in use: Ceph OSD (bluestore), held by dm-0"},
		{"partitioned and mounted: partitions first", func(d *types.Disk) { d.Partitions = []types.Partition{{ID: "sdb1", Mounted: true}}; d.Mounted = true }, "partitioned (1 partitions)"},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			disk := base
			tc.mutate(&disk)
			assertEligibility(t, DiskEligibility(disk), tc.want)
		})
	}
}

func TestClassifyFillsEveryPurpose(t *testing.T) {
	sys := &types.System{
		Interfaces: []types.Interface{
			{Name: "uplink0", Type: "veth", State: "up"},
			{Name: "mgmt0", Type: "veth", State: "up", Addresses: []string{"10.99.0.11/24"}},
		},
		Disks: []types.Disk{{ID: "vda", Size: 1, Mounted: true}},
	}

	Classify(sys)
	up, mgmt := sys.Interfaces[0], sys.Interfaces[1]
	if !up.Uplink.Eligible || up.Underlay.Eligible || up.CephNetwork.Eligible {
		t.Fatalf("uplink0: %+v", up)
	}

	if mgmt.Uplink.Eligible || !mgmt.Underlay.Eligible || !mgmt.CephNetwork.Eligible {
		t.Fatalf("mgmt0: %+v", mgmt)
	}

	d := sys.Disks[0]
	if d.Local.Eligible || d.Ceph.Reason != "mounted" {
		t.Fatalf("vda: %+v", d)
	}
}

func assertEligibility(t *testing.T, got types.Eligibility, wantReason string) {
	t.Helper()
	if wantReason == "" {
		if !got.Eligible || got.Reason != "" {
			t.Fatalf("want eligible, got %+v", got)
		}

		return
	}

	if got.Eligible || got.Reason != wantReason {
		t.Fatalf("want ineligible with %q, got %+v", wantReason, got)
	}
}
