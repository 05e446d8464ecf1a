package labceph

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/canonical/lxd/shared/logger"
	"github.com/canonical/microcluster/v2/state"
)

// prepareBlock puts the OSD's data device in place as <dir>/block and
// returns the path to record for the disk.
type prepareBlock func(id int64, dir string) (string, error)

// createOSD makes one bluestore OSD on this member the way ceph-volume
// does by hand: register it (osd new, with its own cephx key), lay out its
// directory, ceph-osd --mkfs, record it, start it. A failure undoes the
// registration and the directory.
func (c *Ceph) createOSD(ctx context.Context, s state.State, prepare prepareBlock) (int64, error) {
	uuid, err := NewUUID()
	if err != nil {
		return 0, err
	}

	key, err := NewKey()
	if err != nil {
		return 0, err
	}

	tmp, err := os.MkdirTemp(mkdirAll(c.layout.Tmp()), "osd-")
	if err != nil {
		return 0, err
	}

	defer func() { _ = os.RemoveAll(tmp) }()
	secret := filepath.Join(tmp, "secret.json")
	err = os.WriteFile(secret, []byte(`{"cephx_secret": "`+key+`"}`), 0o600)
	if err != nil {
		return 0, err
	}

	out, err := c.ceph(ctx, "osd", "new", uuid, "-i", secret)
	if err != nil {
		return 0, fmt.Errorf("Failed to register a new OSD: %w", err)
	}

	id, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("ceph osd new returned %q, not an OSD number", out)
	}

	dir := c.layout.OSDDir(id)
	ok := false
	defer func() {
		if ok {
			return
		}

		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = c.osdProc(id).Stop(10 * time.Second)
		_, err := c.ceph(ctx, "osd", "purge", strconv.FormatInt(id, 10), "--yes-i-really-mean-it")
		if err != nil {
			logger.Warn("Failed to unregister a half-made OSD", logger.Ctx{"osd": id, "err": err})
		}

		_ = os.RemoveAll(dir)
	}()

	err = os.RemoveAll(dir)
	if err == nil {
		err = os.MkdirAll(dir, 0o750)
	}

	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "keyring"), []byte(Keyring(fmt.Sprintf("osd.%d", id), key, nil)), 0o600)
	}

	if err != nil {
		return 0, err
	}

	recordPath, err := prepare(id, dir)
	if err != nil {
		return 0, err
	}

	_, err = c.run(ctx, "ceph-osd", "--mkfs", "--cluster", "ceph", "--id", strconv.FormatInt(id, 10), "--osd-uuid", uuid)
	if err != nil {
		return 0, fmt.Errorf("Failed to create osd.%d: %w", id, err)
	}

	err = markDone(dir)
	if err != nil {
		return 0, err
	}

	err = s.Database().Transaction(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return addDisk(ctx, tx, s.Name(), id, recordPath)
	})
	if err != nil {
		return 0, fmt.Errorf("Failed to record osd.%d: %w", id, err)
	}

	err = c.osdProc(id).Start()
	if err != nil {
		_ = s.Database().Transaction(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
			return removeDisk(ctx, tx, s.Name(), id)
		})

		return 0, err
	}

	ok = true
	return id, nil
}

// loopBacking prepares a sparse file of the given size as the OSD's block
// device: the lab's nodes have no block devices of their own.
func (c *Ceph) loopBacking(size int64) prepareBlock {
	return func(id int64, dir string) (string, error) {
		file := c.layout.OSDBackingFile(id)
		f, err := os.OpenFile(file, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return "", err
		}

		err = f.Truncate(size)
		if closeErr := f.Close(); err == nil {
			err = closeErr
		}

		if err != nil {
			return "", fmt.Errorf("Failed to create the backing file of osd.%d: %w", id, err)
		}

		return file, os.Symlink(file, filepath.Join(dir, "block"))
	}
}

// deviceBacking links a validated block device as the OSD's block device,
// wiping its first and last megabytes first when asked to.
func deviceBacking(path string, wipe bool) prepareBlock {
	return func(_ int64, dir string) (string, error) {
		dev, err := filepath.EvalSymlinks(path)
		if err != nil {
			return "", err
		}

		if wipe {
			err = wipeDevice(dev)
			if err != nil {
				return "", err
			}
		}

		return path, os.Symlink(dev, filepath.Join(dir, "block"))
	}
}

// wipeDevice zeroes the start (partition table, file system and BlueStore
// labels) and the end (backup GPT) of a device. The exclusive open makes
// the kernel refuse a device that is mounted or claimed, whatever the
// checks before said.
func wipeDevice(dev string) error {
	fd, err := syscall.Open(dev, syscall.O_WRONLY|syscall.O_EXCL|syscall.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("Failed to open disk %q for wiping: %w", dev, err)
	}

	f := os.NewFile(uintptr(fd), dev)
	defer f.Close()
	size, err := f.Seek(0, 2)
	if err != nil {
		return err
	}

	zero := make([]byte, 1<<20)
	write := func(off int64, n int) error {
		for i := 0; i < n && off+int64(i+1)*int64(len(zero)) <= size; i++ {
			_, err := f.WriteAt(zero, off+int64(i)*int64(len(zero)))
			if err != nil {
				return fmt.Errorf("Failed to wipe disk %q: %w", dev, err)
			}
		}

		return nil
	}

	err = write(0, 10)
	if err == nil && size > 11<<20 {
		err = write(size-(1<<20), 1)
	}

	if err == nil {
		err = f.Sync()
	}

	return err
}

// spaceFor checks that the node's file system could hold files of total
// bytes if they filled up: sparse files cost nothing at first, but an OSD
// that fills its file must not fill the host.
func spaceFor(dir string, total int64) error {
	var st syscall.Statfs_t
	err := syscall.Statfs(dir, &st)
	if err != nil {
		return err
	}

	avail := int64(st.Bavail) * st.Bsize
	if total > avail {
		return fmt.Errorf("%s of OSD files do not fit in the %s free on this node", humanBytes(total), humanBytes(avail))
	}

	return nil
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%dB", n)
	}

	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}

	return fmt.Sprintf("%.1f%ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
