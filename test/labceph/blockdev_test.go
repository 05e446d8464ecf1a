package labceph

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckDevice(t *testing.T) {
	free := DeviceFacts{Path: "/dev/vdb", Exists: true, Block: true, Name: "vdb", Size: 10 << 30}
	with := func(change func(*DeviceFacts)) DeviceFacts {
		f := free
		change(&f)
		return f
	}

	tests := []struct {
		name  string
		facts DeviceFacts
		wipe  bool
		err   string
	}{
		{"free disk", free, false, ""},
		{"free disk, wipe", free, true, ""},
		{"missing", DeviceFacts{Path: "/dev/nope"}, false, `Disk "/dev/nope" does not exist`},
		{"missing, wipe", DeviceFacts{Path: "/dev/nope"}, true, `Disk "/dev/nope" does not exist`},
		{"regular file", DeviceFacts{Path: "/tmp/x", Exists: true}, true, `Disk "/tmp/x" is not a block device`},
		{"mounted", with(func(f *DeviceFacts) { f.Mounts = []string{"/"} }), false, `Disk "/dev/vdb" is in use: mounted on /`},
		{"mounted, wipe", with(func(f *DeviceFacts) { f.Mounts = []string{"/", "/etc/ceph", "/run/ceph", "/srv"} }), true, `Disk "/dev/vdb" is in use: mounted on /, /etc/ceph, /run/ceph and 1 more`},
		{"swap, wipe", with(func(f *DeviceFacts) { f.Swap = true }), true, `Disk "/dev/vdb" is in use as swap space`},
		{"held, wipe", with(func(f *DeviceFacts) { f.Holders = []string{"dm-0"} }), true, `Disk "/dev/vdb" is in use: held by dm-0`},
		{"claimed, wipe", with(func(f *DeviceFacts) { f.Busy = true }), true, `Disk "/dev/vdb" is in use: the kernel refuses exclusive access`},
		{"read-only", with(func(f *DeviceFacts) { f.ReadOnly = true }), true, `Disk "/dev/vdb" is read-only`},
		{"no media", with(func(f *DeviceFacts) { f.Size = 0 }), true, `Disk "/dev/vdb" has no media (size 0)`},
		{"partitioned", with(func(f *DeviceFacts) { f.Partitions = []string{"vdb1", "vdb2"} }), false, `Disk "/dev/vdb" has partitions (vdb1, vdb2); set wipe to use it anyway`},
		{"partitioned, wipe", with(func(f *DeviceFacts) { f.Partitions = []string{"vdb1"} }), true, ""},
		{"file system", with(func(f *DeviceFacts) { f.Signature = "filesystem ext4" }), false, `Disk "/dev/vdb" holds data (filesystem ext4); set wipe to use it anyway`},
		{"old OSD, wipe", with(func(f *DeviceFacts) { f.Signature = "Ceph OSD (bluestore)" }), true, ""},
	}

	for _, tt := range tests {
		err := CheckDevice(tt.facts, tt.wipe)
		if (tt.err == "" && err != nil) || (tt.err != "" && (err == nil || err.Error() != tt.err)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.err)
		}
	}
}

func TestDevNumber(t *testing.T) {
	// glibc's makedev: minor bits 0-7 and 20-43, major bits 8-19 and 44-63.
	makedev := func(major, minor uint64) uint64 {
		return (major&0xfff)<<8 | (major&^uint64(0xfff))<<32 | minor&0xff | (minor&^uint64(0xff))<<12
	}

	tests := []struct{ major, minor uint64 }{{254, 0}, {8, 1}, {259, 300}, {4096, 1 << 20}}
	for _, tt := range tests {
		want := fmt.Sprintf("%d:%d", tt.major, tt.minor)
		if got := devNumber(makedev(tt.major, tt.minor)); got != want {
			t.Errorf("devNumber(makedev(%d, %d)) = %s", tt.major, tt.minor, got)
		}
	}
}

func TestIsMountPoint(t *testing.T) {
	info := "27 1 254:0 / / rw - ext4 /dev/vda rw\n" +
		"300 27 254:0 /var/lib/lab/root/etc/ceph /etc/ceph rw - ext4 /dev/vda rw\n"
	for dir, want := range map[string]bool{"/etc/ceph": true, "/": true, "/etc": false, "/etc/ceph/x": false} {
		if IsMountPoint(info, dir) != want {
			t.Errorf("IsMountPoint(%s) != %v", dir, want)
		}
	}
}

func TestProbeDeviceNotBlock(t *testing.T) {
	f := ProbeDevice(context.Background(), "/nonexistent/disk")
	if f.Exists || CheckDevice(f, true).Error() != `Disk "/nonexistent/disk" does not exist` {
		t.Fatalf("missing path: %+v", f)
	}

	file := filepath.Join(t.TempDir(), "img")
	err := os.WriteFile(file, []byte("x"), 0o600)
	if err != nil {
		t.Fatal(err)
	}

	f = ProbeDevice(context.Background(), file)
	if !f.Exists || f.Block || CheckDevice(f, true) == nil {
		t.Fatalf("regular file: %+v", f)
	}
}
