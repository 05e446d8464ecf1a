package inventory

import (
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
