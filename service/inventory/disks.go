package inventory

import (
	"context"
	"errors"
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
	// UsedBy lists holders and on-disk signatures of the named block device ("sdb").
	UsedBy(ctx context.Context, id string) []string
}

// KernelProber looks at sysfs holders and asks blkid for signatures.
type KernelProber struct {
	// SysClassBlock defaults to /sys/class/block, Dev to /dev.
	SysClassBlock string
	Dev           string
}

// UsedBy implements Prober.
func (p KernelProber) UsedBy(ctx context.Context, id string) []string {
	sysBlock := p.SysClassBlock
	if sysBlock == "" {
		sysBlock = "/sys/class/block"
	}

	dev := p.Dev
	if dev == "" {
		dev = "/dev"
	}

	var used []string
	holders, _ := os.ReadDir(filepath.Join(sysBlock, id, "holders"))
	for _, h := range holders {
		used = append(used, "held by "+h.Name())
	}

	sig := blkidSignature(ctx, filepath.Join(dev, id))
	if sig != "" {
		used = append(used, sig)
	}

	sort.Strings(used)
	return used
}

// blkidSignature describes a filesystem, RAID, LVM, Ceph or partition-table
// signature on the device, or returns "" when there is none (or blkid is
// unavailable: LXD's partition and mount facts still apply then).
func blkidSignature(ctx context.Context, path string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()

	out, err := exec.CommandContext(ctx, "blkid", "-p", "-o", "export", path).Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			// Exit status 2: no signature found.
			return ""
		}

		return ""
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
