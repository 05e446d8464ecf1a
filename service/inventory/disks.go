package inventory

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/canonical/lxd/shared/api"

	"github.com/microcloud-project/microcloud/api/types"
)

// DiskFromLXD converts LXD's description of a disk into ours. UsedBy is left
// for a Prober to fill in.
func DiskFromLXD(d api.ResourcesStorageDisk) types.Disk {
	disk := types.Disk{
		ID:              d.ID,
		Device:          d.Device,
		Model:           d.Model,
		Type:            d.Type,
		ReadOnly:        d.ReadOnly,
		Mounted:         d.Mounted,
		Size:            d.Size,
		Removable:       d.Removable,
		WWN:             d.WWN,
		NUMANode:        d.NUMANode,
		DevicePath:      d.DevicePath,
		BlockSize:       d.BlockSize,
		FirmwareVersion: d.FirmwareVersion,
		RPM:             d.RPM,
		Serial:          d.Serial,
		DeviceID:        d.DeviceID,
		PCIAddress:      d.PCIAddress,
		Partitions:      []types.Partition{},
		UsedBy:          []string{},
		Path:            DiskPath(d.ID, d.DeviceID, d.DevicePath),
	}

	for _, p := range d.Partitions {
		disk.Partitions = append(disk.Partitions, types.Partition{ID: p.ID, Size: p.Size, Mounted: p.Mounted})
	}

	return disk
}

// DiskPath is the path to hand to services: stable names first, so that a
// disk keeps its identity across reboots and device renumbering.
func DiskPath(id string, deviceID string, devicePath string) string {
	switch {
	case deviceID != "":
		return "/dev/disk/by-id/" + deviceID
	case devicePath != "":
		return "/dev/disk/by-path/" + devicePath
	default:
		return "/dev/" + id
	}
}

// Prober finds what holds a disk beyond what LXD reports.
type Prober interface {
	// UsedBy lists mounts, holders and on-disk signatures of a block
	// device, given its kernel name ("sdb") and device number ("8:16").
	UsedBy(ctx context.Context, id string, device string) []string
}

// KernelProber asks the kernel: mount table, swap, sysfs holders and blkid.
// It does not trust LXD's "mounted" flag alone: LXD 5.0 misses a whole-disk
// file system mounted as /.
type KernelProber struct {
	// Test hooks; empty means the real paths.
	SysClassBlock string
	Dev           string
	MountInfo     string
	Swaps         string
}

func (p KernelProber) path(value string, def string) string {
	if value != "" {
		return value
	}

	return def
}

// UsedBy implements Prober.
func (p KernelProber) UsedBy(ctx context.Context, id string, device string) []string {
	var used []string
	mountInfo, err := os.ReadFile(p.path(p.MountInfo, "/proc/self/mountinfo"))
	if err == nil {
		targets := MountPoints(string(mountInfo), device)
		if len(targets) > 0 {
			used = append(used, describeMounts(targets))
		}
	}

	swaps, err := os.ReadFile(p.path(p.Swaps, "/proc/swaps"))
	if err == nil && SwapUses(string(swaps), id) {
		used = append(used, "swap space")
	}

	holders, _ := os.ReadDir(filepath.Join(p.path(p.SysClassBlock, "/sys/class/block"), id, "holders"))
	for _, h := range holders {
		used = append(used, "held by "+h.Name())
	}

	sig := Signature(ctx, filepath.Join(p.path(p.Dev, "/dev"), id))
	if sig != "" {
		used = append(used, sig)
	}

	sort.Strings(used)
	return used
}

// MountPoints lists where a block device (major:minor) is mounted, from
// /proc/self/mountinfo text.
func MountPoints(mountInfo string, device string) []string {
	var out []string
	for _, line := range strings.Split(mountInfo, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 5 || fields[2] != device {
			continue
		}

		out = append(out, fields[4])
	}

	sort.Strings(out)
	return out
}

// describeMounts says where a device is mounted, briefly.
func describeMounts(targets []string) string {
	if len(targets) > 3 {
		return fmt.Sprintf("mounted on %s and %d more", strings.Join(targets[:3], ", "), len(targets)-3)
	}

	return "mounted on " + strings.Join(targets, ", ")
}

// SwapUses reports whether /proc/swaps lists the device.
func SwapUses(swaps string, id string) bool {
	for _, line := range strings.Split(swaps, "\n") {
		fields := strings.Fields(line)
		if len(fields) > 0 && fields[0] == "/dev/"+id {
			return true
		}
	}

	return false
}

// Signature describes a filesystem, RAID, LVM, Ceph or partition-table
// signature on the device (from blkid), or returns "" when there is none. A
// device that cannot be read is reported as such: a disk whose content is
// unknown must not be offered for wiping.
func Signature(ctx context.Context, path string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()

	var stderr strings.Builder
	cmd := exec.CommandContext(ctx, "blkid", "-p", "-o", "export", path)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && exitErr.ExitCode() == 2 && strings.TrimSpace(stderr.String()) == "" {
			// No signature found (errors also exit 2, but say why).
			return ""
		}

		if errors.Is(err, exec.ErrNotFound) {
			return ""
		}

		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}

		if msg == "" {
			msg = err.Error()
		}

		return "unreadable (" + msg + ")"
	}

	return DescribeSignature(string(out))
}

// DescribeSignature turns `blkid -p -o export` output into a short reason.
func DescribeSignature(export string) string {
	values := map[string]string{}
	for _, line := range strings.Split(export, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok {
			values[k] = v
		}
	}

	if t := values["TYPE"]; t != "" {
		switch t {
		case "ceph_bluestore":
			return "Ceph OSD (bluestore)"
		case "LVM2_member":
			return "LVM physical volume"
		case "zfs_member":
			return "ZFS pool member"
		case "linux_raid_member":
			return "RAID member"
		case "crypto_LUKS":
			return "LUKS volume"
		case "swap":
			return "swap space"
		default:
			return "filesystem " + t
		}
	}

	if pt := values["PTTYPE"]; pt != "" {
		return "partition table (" + pt + ")"
	}

	return ""
}
