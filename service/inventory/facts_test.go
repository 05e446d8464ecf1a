package inventory

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/canonical/lxd/shared/api"
)

func TestDescribeSignature(t *testing.T) {
	cases := map[string]string{
		"DEVNAME=/dev/sdb\nTYPE=ext4\nUUID=x\n": "filesystem ext4",
		"TYPE=ceph_bluestore\n":                 "Ceph OSD (bluestore)",
		"TYPE=LVM2_member\n":                    "LVM physical volume",
		"TYPE=zfs_member\n":                     "ZFS pool member",
		"TYPE=linux_raid_member\n":              "RAID member",
		"TYPE=crypto_LUKS\n":                    "LUKS volume",
		"TYPE=swap\n":                           "swap space",
		"PTUUID=abc\nPTTYPE=gpt\n":              "partition table (gpt)",
		"":                                      "",
		"garbage without equals\n":              "",
		"  TYPE=xfs  \n":                        "filesystem xfs",
		"PTTYPE=dos\nTYPE=iso9660\nLABEL=installer\n": "filesystem iso9660",
	}

	for in, want := range cases {
		got := DescribeSignature(in)
		if got != want {
			t.Errorf("DescribeSignature(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDiskPath(t *testing.T) {
	cases := []struct{ id, byID, byPath, want string }{
		{"sdb", "scsi-0QEMU_disk1", "pci-0000:00:05.0-scsi-0:0:0:1", "/dev/disk/by-id/scsi-0QEMU_disk1"},
		{"sdb", "", "pci-0000:00:05.0-scsi-0:0:0:1", "/dev/disk/by-path/pci-0000:00:05.0-scsi-0:0:0:1"},
		{"nvme0n1", "", "", "/dev/nvme0n1"},
	}

	for _, tc := range cases {
		got := DiskPath(tc.id, tc.byID, tc.byPath)
		if got != tc.want {
			t.Errorf("DiskPath(%q,%q,%q) = %q, want %q", tc.id, tc.byID, tc.byPath, got, tc.want)
		}
	}
}

func TestDiskFromLXD(t *testing.T) {
	d := DiskFromLXD(api.ResourcesStorageDisk{
		ID: "sdc", Device: "8:32", Model: "QEMU HARDDISK", Type: "scsi", Size: 5 << 30, DeviceID: "scsi-disk3",
		Partitions: []api.ResourcesStorageDiskPartition{{ID: "sdc1", Size: 1 << 30, Mounted: true}},
	})

	if d.Path != "/dev/disk/by-id/scsi-disk3" || len(d.Partitions) != 1 || !d.Partitions[0].Mounted || d.UsedBy == nil {
		t.Fatalf("unexpected conversion: %+v", d)
	}
}

func TestGlobalAddresses(t *testing.T) {
	mk := func(cidr string) net.Addr {
		ip, n, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}

		n.IP = ip
		return n
	}

	got := GlobalAddresses([]net.Addr{mk("127.0.0.1/8"), mk("10.99.0.11/24"), mk("fe80::1/64"), mk("fd99::11/64"), mk("::1/128"), mk("169.254.3.4/16")})
	want := []string{"10.99.0.11/24", "fd99::11/64"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("GlobalAddresses = %v, want %v", got, want)
	}
}

func TestInterfaceType(t *testing.T) {
	sysfs := t.TempDir()
	mkdir := func(path ...string) {
		err := os.MkdirAll(filepath.Join(append([]string{sysfs}, path...)...), 0o755)
		if err != nil {
			t.Fatal(err)
		}
	}

	write := func(content string, path ...string) {
		mkdir(path[:len(path)-1]...)
		err := os.WriteFile(filepath.Join(append([]string{sysfs}, path...)...), []byte(content), 0o644)
		if err != nil {
			t.Fatal(err)
		}
	}

	mkdir("br0", "bridge")
	mkdir("bond0", "bonding")
	write("1", "tap0", "tun_flags")
	write("DEVTYPE=vlan\nINTERFACE=eth0.10\n", "eth0.10", "uevent")
	mkdir("eth0", "device")
	write("INTERFACE=eth0\n", "eth0", "uevent")
	write("7", "veth1", "iflink")
	write("8", "veth1", "ifindex")
	write("9", "odd", "iflink")
	write("9", "odd", "ifindex")

	cases := map[string]string{"br0": "bridge", "bond0": "bond", "tap0": "tun", "eth0.10": "vlan", "eth0": "physical", "veth1": "veth", "odd": "unknown"}
	for name, want := range cases {
		got := interfaceType(net.Interface{Name: name}, filepath.Join(sysfs, name))
		if got != want {
			t.Errorf("%s: type %q, want %q", name, got, want)
		}
	}

	if got := interfaceType(net.Interface{Name: "lo", Flags: net.FlagLoopback}, filepath.Join(sysfs, "lo")); got != "loopback" {
		t.Errorf("lo: type %q", got)
	}

	write("", "eth1", "uevent")
	err := os.Symlink("../br0", filepath.Join(sysfs, "eth1", "master"))
	if err != nil {
		t.Fatal(err)
	}

	iface := describeInterface(net.Interface{Name: "eth1", MTU: 1500, Flags: net.FlagUp | net.FlagRunning}, nil, sysfs)
	if iface.Master != "br0" || iface.State != "up" || iface.MTU != 1500 {
		t.Fatalf("eth1: %+v", iface)
	}

	down := describeInterface(net.Interface{Name: "eth2", Flags: net.FlagUp}, nil, sysfs)
	if down.State != "down" {
		t.Fatalf("up without carrier must be down: %+v", down)
	}
}

func TestMountPoints(t *testing.T) {
	info := `27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
43 27 254:0 /run/netns /run/netns rw,relatime shared:1 - ext4 /dev/vda rw
50 27 8:17 / /srv rw - xfs /dev/sdb1 rw
51 27 0:25 / /tmp rw - tmpfs tmpfs rw
`
	if got := MountPoints(info, "254:0"); !reflect.DeepEqual(got, []string{"/", "/run/netns"}) {
		t.Fatalf("254:0 -> %v", got)
	}

	if got := MountPoints(info, "8:16"); got != nil {
		t.Fatalf("8:16 -> %v (partition 8:17 is not the disk)", got)
	}

	many := ""
	for _, m := range []string{"/a", "/b", "/c", "/d", "/e"} {
		many += "1 1 8:0 / " + m + " rw - ext4 /dev/sda rw\n"
	}

	if got := describeMounts(MountPoints(many, "8:0")); got != "mounted on /a, /b, /c and 2 more" {
		t.Fatalf("many -> %q", got)
	}
}

func TestSwapUses(t *testing.T) {
	swaps := "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/sdc                                partition\t1048572\t\t0\t\t-2\n"
	if !SwapUses(swaps, "sdc") || SwapUses(swaps, "sdb") {
		t.Fatal("swap detection")
	}
}

func TestKernelProber(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, content string) string {
		path := filepath.Join(dir, name)
		err := os.MkdirAll(filepath.Dir(path), 0o755)
		if err != nil {
			t.Fatal(err)
		}

		err = os.WriteFile(path, []byte(content), 0o644)
		if err != nil {
			t.Fatal(err)
		}

		return path
	}

	p := KernelProber{
		SysClassBlock: filepath.Join(dir, "sys"),
		Dev:           filepath.Join(dir, "dev"),
		MountInfo:     write("mountinfo", "27 1 8:0 / / rw - ext4 /dev/sda rw\n"),
		Swaps:         write("swaps", "Filename Type\n/dev/sdb partition 1 0 -2\n"),
	}

	write("sys/sdc/holders/dm-0", "")
	used := p.UsedBy(context.Background(), "sda", "8:0")
	if len(used) == 0 || used[0] != "mounted on /" {
		t.Fatalf("sda: %v", used)
	}

	used = p.UsedBy(context.Background(), "sdb", "8:16")
	if len(used) == 0 || used[0] != "swap space" {
		t.Fatalf("sdb: %v", used)
	}

	used = p.UsedBy(context.Background(), "sdc", "8:32")
	if len(used) == 0 || used[0] != "held by dm-0" {
		t.Fatalf("sdc: %v", used)
	}
}
