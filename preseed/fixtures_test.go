package preseed

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/inventory"
	"github.com/microcloud-project/microcloud/service/plan"
)

// The fixtures model the reference's test machines: micro0N has its
// MicroCloud address 10.93.0.(11+N)/24 on enp5s0 (so micro01 owns
// 10.93.0.12, the 1.x example's lookup IP), a free uplink enp6s0, a Ceph
// network address 10.2.123.(1+N)/24 on enp7s0, an underlay address
// 10.3.123.(1+N)/24 on enp8s0, a root disk sda and three free 10 GiB disks
// lxd_disk1..3 (sdb..sdd).

const gib = 1 << 30

func diskPath(n int) string {
	return fmt.Sprintf("/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_lxd_disk%d", n)
}

func freeDisk(n int) types.Disk {
	return types.Disk{
		ID:       fmt.Sprintf("sd%c", 'a'+n),
		Device:   fmt.Sprintf("8:%d", 16*n),
		Model:    "QEMU HARDDISK",
		Type:     "scsi",
		Size:     10 * gib,
		DeviceID: fmt.Sprintf("scsi-0QEMU_QEMU_HARDDISK_lxd_disk%d", n),
		UsedBy:   []string{},
		Path:     diskPath(n),
	}
}

func rootDisk() types.Disk {
	return types.Disk{
		ID: "sda", Device: "8:0", Model: "QEMU HARDDISK", Type: "scsi", Size: 40 * gib,
		DeviceID:   "scsi-0QEMU_QEMU_HARDDISK_root",
		Partitions: []types.Partition{{ID: "sda1", Size: 40 * gib, Mounted: true}},
		UsedBy:     []string{"mounted on /"},
		Path:       "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_root",
	}
}

func systemFacts(n int) plan.SystemFacts {
	sys := types.System{
		Name: fmt.Sprintf("micro%02d", n),
		Interfaces: []types.Interface{
			{Name: "enp5s0", Type: "physical", State: "up", MTU: 1500, Addresses: []string{fmt.Sprintf("10.93.0.%d/24", 11+n)}},
			{Name: "enp6s0", Type: "physical", State: "up", MTU: 1500, Addresses: []string{}},
			{Name: "enp7s0", Type: "physical", State: "up", MTU: 1500, Addresses: []string{fmt.Sprintf("10.2.123.%d/24", 1+n)}},
			{Name: "enp8s0", Type: "physical", State: "up", MTU: 1500, Addresses: []string{fmt.Sprintf("10.3.123.%d/24", 1+n)}},
		},
		Disks: []types.Disk{rootDisk(), freeDisk(1), freeDisk(2), freeDisk(3)},
	}

	inventory.Classify(&sys)
	return plan.SystemFacts{Services: services(), Inventory: sys}
}

func services() []types.ServiceState {
	return []types.ServiceState{
		{Type: types.MicroCloud, Present: true, Version: "0.1.0"},
		{Type: types.LXD, Present: true, Version: "5.21.3", Extensions: []string{
			"clustering_join_token", "network_type_ovn", "network_type_physical", "storage_pool_source_wipe", "storage_cephfs_create_missing",
		}},
		{Type: types.MicroOVN, Present: true, Version: "24.03", Extensions: []string{"custom_encapsulation_ip"}},
		{Type: types.MicroCeph, Present: true, Version: "19.2.0"},
	}
}

// testFacts are the facts of micro01..micro0N.
func testFacts(n int) plan.Facts {
	facts := plan.Facts{Systems: map[string]plan.SystemFacts{}}
	for i := 1; i <= n; i++ {
		facts.Systems[fmt.Sprintf("micro%02d", i)] = systemFacts(i)
	}

	return facts
}

// withClustered marks services as clustered on a system (a member of an
// existing cloud).
func withClustered(facts plan.Facts, name string, kinds ...types.ServiceType) plan.Facts {
	sf := facts.Systems[name]
	var out []types.ServiceState
	for _, s := range sf.Services {
		for _, k := range kinds {
			if s.Type == k {
				s.Clustered = true
			}
		}

		out = append(out, s)
	}

	sf.Services = out
	facts.Systems[name] = sf
	return facts
}

func readExample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}

	return data
}

// mustLoad loads a file that must have no problem, with --passphrase
// given (1.x files have no passphrase of their own).
func mustLoad(t testing.TB, text string) *File {
	t.Helper()
	f, ps := Load([]byte(text), "passphrase from the flag")
	if len(ps) > 0 {
		t.Fatalf("unexpected problems: %v", ps)
	}

	return f
}
