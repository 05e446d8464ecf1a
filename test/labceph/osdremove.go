package labceph

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/canonical/microcluster/v2/state"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

// defaultRemoveTimeout is how long a safe removal waits for the OSD's data
// to move elsewhere (MicroCeph's default).
const defaultRemoveTimeout = 300 * time.Second

// CheckOSDRemoval refuses to take the cluster below the replication size
// the pools need, unless the caller confirms the downgrade: with fewer
// OSDs (one per host here) than copies, placement groups stay degraded.
func CheckOSDRemoval(osd int64, total int, size int64, confirm bool) error {
	if int64(total-1) < size && !confirm {
		return fmt.Errorf("Removing osd.%d would leave %d OSDs for pools that keep %d copies; set confirm_downgrade to remove it anyway", osd, total-1, size)
	}

	return nil
}

// removeOSD takes an OSD of this member out of the cluster: out, wait
// until Ceph says it is safe to destroy (unless bypass_safety), stop,
// purge, forget, delete its files.
func (c *Ceph) removeOSD(ctx context.Context, s state.State, req DisksDelete, disk Disk) error {
	id := strconv.FormatInt(disk.OSD, 10)
	if !req.BypassSafety {
		_, err := c.ceph(ctx, "osd", "out", id)
		if err != nil {
			return err
		}

		timeout := defaultRemoveTimeout
		if req.Timeout > 0 {
			timeout = time.Duration(req.Timeout) * time.Second
		}

		err = labsvc.WaitFor(ctx, timeout, "osd."+id+" to be safe to destroy", func() error {
			_, err := c.ceph(ctx, "osd", "safe-to-destroy", id)
			return err
		})
		if err != nil {
			_, _ = c.ceph(ctx, "osd", "in", id)
			return err
		}
	}

	err := c.stopDaemon(c.osdProc(disk.OSD))
	if err != nil {
		return err
	}

	_, err = c.ceph(ctx, "osd", "purge", id, "--yes-i-really-mean-it")
	if err != nil {
		return err
	}

	err = s.Database().Transaction(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return removeDisk(ctx, tx, s.Name(), disk.OSD)
	})
	if err != nil {
		return fmt.Errorf("Failed to forget osd.%d: %w", disk.OSD, err)
	}

	return os.RemoveAll(c.layout.OSDDir(disk.OSD))
}

// maxReplication is the largest size among the pools, or the default size
// for new pools when there are none.
func (c *Ceph) maxReplication(ctx context.Context) (int64, error) {
	pools, err := c.listPools(ctx)
	if err != nil {
		return 0, err
	}

	var size int64
	for _, p := range pools {
		size = max(size, p.Size)
	}

	if len(pools) > 0 {
		return size, nil
	}

	out, err := c.ceph(ctx, "config", "get", "mon", "osd_pool_default_size")
	if err != nil {
		return 0, err
	}

	return strconv.ParseInt(out, 10, 64)
}
