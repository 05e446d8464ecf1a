package labceph

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/microcloud-project/microcloud/service/inventory"
)

// DeviceFacts is what the kernel says about a disk path, for CheckDevice.
type DeviceFacts struct {
	Path       string
	Exists     bool
	Block      bool
	Name       string   // kernel name ("vdb")
	Size       int64    // bytes
	ReadOnly   bool     //
	Mounts     []string // mount points of the device or of its partitions
	Swap       bool     // the device or a partition is swap space
	Holders    []string // device-mapper, LVM or RAID devices on top of it
	Busy       bool     // an exclusive open failed: the kernel has claimed it
	Partitions []string // partition names
	Signature  string   // inventory.DescribeSignature of what blkid found
}

// CheckDevice decides whether a block device may become an OSD. A device
// the system uses (mounted, swap, held, claimed) is refused even with wipe:
// wiping it would destroy live data. One that only holds old data
// (partitions, a file system or other signature) needs wipe.
func CheckDevice(f DeviceFacts, wipe bool) error {
	p := f.Path
	switch {
	case !f.Exists:
		return fmt.Errorf("Disk %q does not exist", p)
	case !f.Block:
		return fmt.Errorf("Disk %q is not a block device", p)
	case len(f.Mounts) > 0:
		return fmt.Errorf("Disk %q is in use: mounted on %s", p, listSome(f.Mounts, 3))
	case f.Swap:
		return fmt.Errorf("Disk %q is in use as swap space", p)
	case len(f.Holders) > 0:
		return fmt.Errorf("Disk %q is in use: held by %s", p, strings.Join(f.Holders, ", "))
	case f.Busy:
		return fmt.Errorf("Disk %q is in use: the kernel refuses exclusive access", p)
	case f.ReadOnly:
		return fmt.Errorf("Disk %q is read-only", p)
	case f.Size == 0:
		return fmt.Errorf("Disk %q has no media (size 0)", p)
	case len(f.Partitions) > 0 && !wipe:
		return fmt.Errorf("Disk %q has partitions (%s); set wipe to use it anyway", p, strings.Join(f.Partitions, ", "))
	case f.Signature != "" && !wipe:
		return fmt.Errorf("Disk %q holds data (%s); set wipe to use it anyway", p, f.Signature)
	}

	return nil
}

// listSome lists up to n items and counts the rest.
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}

	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// ProbeDevice gathers DeviceFacts from the kernel (read only).
func ProbeDevice(ctx context.Context, path string) DeviceFacts {
	f := DeviceFacts{Path: path}
	var st syscall.Stat_t
	err := syscall.Stat(path, &st)
	if err != nil {
		return f
	}

	f.Exists = true
	if st.Mode&syscall.S_IFMT != syscall.S_IFBLK {
		return f
	}

	f.Block = true
	dev := devNumber(st.Rdev)
	sysDir, err := filepath.EvalSymlinks("/sys/dev/block/" + dev)
	if err != nil {
		return f
	}

	f.Name = filepath.Base(sysDir)
	f.Size = readInt(filepath.Join(sysDir, "size")) * 512
	f.ReadOnly = readInt(filepath.Join(sysDir, "ro")) == 1

	// The device and each of its partitions: mounts, swap, holders.
	members := map[string]string{f.Name: dev}
	entries, _ := os.ReadDir(sysDir)
	for _, e := range entries {
		_, err := os.Stat(filepath.Join(sysDir, e.Name(), "partition"))
		if err == nil {
			f.Partitions = append(f.Partitions, e.Name())
			members[e.Name()] = strings.TrimSpace(readString(filepath.Join(sysDir, e.Name(), "dev")))
		}
	}

	mountInfo, _ := os.ReadFile("/proc/self/mountinfo")
	swaps, _ := os.ReadFile("/proc/swaps")
	for name, majMin := range members {
		f.Mounts = append(f.Mounts, inventory.MountPoints(string(mountInfo), majMin)...)
		f.Swap = f.Swap || inventory.SwapUses(string(swaps), name)
		holders, _ := os.ReadDir("/sys/class/block/" + name + "/holders")
		for _, h := range holders {
			f.Holders = append(f.Holders, h.Name())
		}
	}

	sort.Strings(f.Mounts)
	sort.Strings(f.Partitions)
	sort.Strings(f.Holders)
	f.Busy = !exclusiveOpenable(path)
	if len(f.Mounts) == 0 && !f.Busy {
		f.Signature = inventory.Signature(ctx, path)
	}

	return f
}

// exclusiveOpenable tries O_EXCL on the block device: Linux refuses it
// while the device is mounted or claimed (device mapper, md, swap), in
// any mount namespace.
func exclusiveOpenable(path string) bool {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_EXCL|syscall.O_CLOEXEC, 0)
	if err != nil {
		return !errors.Is(err, syscall.EBUSY)
	}

	_ = syscall.Close(fd)
	return true
}

// devNumber formats a device number as "major:minor" (glibc's encoding).
func devNumber(rdev uint64) string {
	major := (rdev>>8)&0xfff | (rdev>>32)&0xfffff000
	minor := rdev&0xff | (rdev>>12)&0xffffff00
	return fmt.Sprintf("%d:%d", major, minor)
}

func readString(path string) string {
	data, _ := os.ReadFile(path)
	return string(data)
}

func readInt(path string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(readString(path)), 10, 64)
	return n
}
