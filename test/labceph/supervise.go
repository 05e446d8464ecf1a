package labceph

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/canonical/lxd/shared/logger"
	"github.com/canonical/microcluster/v2/state"
)

// superviseInterval is how often a member compares what runs with the
// cluster database.
const superviseInterval = 3 * time.Second

// onStart starts the supervisor. Ceph daemons outlive a restart of this
// service (as snap services do); the supervisor finds them through their
// PID files, starts what is missing and keeps ceph.conf in step with the
// cluster database (a joiner's monitor appears in every member's
// "mon host" this way). Like MicroCeph, it has no new-member hook: one
// that waited for this member's own join to finish would hold up every
// join running beside it.
func (c *Ceph) onStart(ctx context.Context, s state.State) error {
	go c.supervise(ctx, s)
	return nil
}

func (c *Ceph) supervise(ctx context.Context, s state.State) {
	var lastErr string
	for {
		err := c.reconcile(ctx, s)
		if err != nil && err.Error() != lastErr {
			logger.Warn("Failed to bring Ceph to its recorded state", logger.Ctx{"err": err})
		}

		lastErr = ""
		if err != nil {
			lastErr = err.Error()
		}

		select {
		case <-ctx.Done():
			return
		case <-time.After(superviseInterval):
		}
	}
}

// reconcile brings this member in line with the cluster database. Before
// the member is initialised, or before the cluster has Ceph, it does nothing.
func (c *Ceph) reconcile(ctx context.Context, s state.State) error {
	if s.Database() == nil || s.Database().IsOpen(ctx) != nil {
		return nil
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.leaving {
		return nil
	}

	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := loadState(ctx, s)
	if err != nil || !st.Bootstrapped() {
		return err
	}

	err = c.writeClientFiles(st)
	if err != nil {
		return err
	}

	return c.ensureDaemons(st, s.Name())
}

// postRemove refreshes the remaining members' files (the removed member's
// monitor leaves "mon host").
func (c *Ceph) postRemove(ctx context.Context, s state.State, _ bool) error {
	return c.reconcile(ctx, s)
}

// preRemove runs on a member that leaves the cluster, and on one whose
// bootstrap or join failed (force). Its monitor leaves the monmap while
// others remain, its daemons stop and its Ceph files go, so that a new
// attempt starts clean. A member that still holds OSDs is refused unless
// forced: their data would go with them.
func (c *Ceph) preRemove(ctx context.Context, s state.State, force bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()

	name := s.Name()
	st, err := loadState(ctx, s)
	if err == nil && !force && len(st.DisksOf(name)) > 0 {
		var osds []string
		for _, d := range st.DisksOf(name) {
			osds = append(osds, fmt.Sprintf("osd.%d", d.OSD))
		}

		return fmt.Errorf("Member %s still has OSDs (%s); remove its disks first", name, strings.Join(osds, ", "))
	}

	c.leaving = true

	if err == nil && st.Runs(name, svcMon) && countOf(st, svcMon) > 1 {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, err := c.ceph(ctx, "mon", "remove", name)
		cancel()
		if err != nil {
			logger.Warn("Failed to remove the monitor from the monmap", logger.Ctx{"mon": name, "err": err})
		}
	}

	c.stopDaemons()

	// Forced: the member's OSDs leave the cluster with it (an OSD must be
	// down to be purged).
	if err == nil && force {
		for _, d := range st.DisksOf(name) {
			id := strconv.FormatInt(d.OSD, 10)
			ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			_, _ = c.ceph(ctx, "osd", "down", id)
			_, err := c.ceph(ctx, "osd", "purge", id, "--yes-i-really-mean-it")
			cancel()
			if err != nil {
				logger.Warn("Failed to purge an OSD of a removed member", logger.Ctx{"osd": id, "err": err})
			}
		}
	}

	for _, dir := range []string{"mon", "mgr", "mds", "osd", "tmp"} {
		_ = os.RemoveAll(filepath.Join(c.layout.Data, dir))
	}

	c.removeClientFiles()
	return nil
}

func countOf(st ClusterState, service string) int {
	n := 0
	for _, s := range st.Services {
		if s.Service == service {
			n++
		}
	}

	return n
}
