package labceph

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/canonical/lxd/shared/logger"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

// doneMarker is written into a daemon's data directory once the directory
// is complete (after mkfs); only then is the daemon started.
const doneMarker = "done"

// proc is a supervised Ceph daemon, in the foreground (-f) so that its PID
// is the one recorded, logging to its file under the node.
func (c *Ceph) proc(kind string, id string, extra ...string) labsvc.Proc {
	name := kind + "." + id
	return labsvc.Proc{
		Name:    "ceph-" + name,
		PidFile: c.layout.PidFile("ceph-" + name),
		LogFile: c.layout.ConsoleLog("ceph-" + name),
		Command: append([]string{"ceph-" + kind, "-f", "--cluster", "ceph", "--id", id}, extra...),
		Env:     c.confEnv(),
	}
}

// monProc binds the monitor to its recorded address vector: a joining
// monitor is not in the monmap yet and announces itself from this.
func (c *Ceph) monProc(name string, addrVec string) labsvc.Proc {
	return c.proc("mon", name, "--public-addrv", addrVec)
}

func (c *Ceph) mgrProc(name string) labsvc.Proc { return c.proc("mgr", name) }

func (c *Ceph) mdsProc(name string) labsvc.Proc { return c.proc("mds", name) }

func (c *Ceph) osdProc(id int64) labsvc.Proc { return c.proc("osd", strconv.FormatInt(id, 10)) }

func markDone(dir string) error {
	return os.WriteFile(filepath.Join(dir, doneMarker), []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
}

func isDone(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, doneMarker))
	return err == nil
}

// ensureDaemons starts whatever this member should run according to the
// cluster database and is not running: its monitor, manager and OSDs. It
// is idempotent, and it is how daemons come back after a crash.
func (c *Ceph) ensureDaemons(st ClusterState, member string) error {
	var procs []labsvc.Proc
	if st.Runs(member, svcMon) && isDone(c.layout.MonDir(member)) {
		procs = append(procs, c.monProc(member, st.Config[cfgMonHostPref+member]))
	}

	if st.Runs(member, svcMgr) && isDone(c.layout.MgrDir(member)) {
		procs = append(procs, c.mgrProc(member))
	}

	if st.Runs(member, svcMDS) && isDone(c.layout.MDSDir(member)) {
		procs = append(procs, c.mdsProc(member))
	}

	for _, d := range st.DisksOf(member) {
		if isDone(c.layout.OSDDir(d.OSD)) {
			procs = append(procs, c.osdProc(d.OSD))
		}
	}

	var errs []error
	for _, p := range procs {
		if p.Alive() {
			continue
		}

		logger.Info("Starting Ceph daemon", logger.Ctx{"daemon": p.Name})
		err := p.Start()
		if err != nil {
			errs = append(errs, err)
		}
	}

	return errors.Join(errs...)
}

// stopDaemons stops every Ceph daemon of this member that has a PID file.
func (c *Ceph) stopDaemons() {
	pids, _ := filepath.Glob(filepath.Join(c.layout.Run, "ceph-*.pid"))
	for _, pidFile := range pids {
		base := filepath.Base(pidFile)
		name := base[len("ceph-") : len(base)-len(".pid")]
		kind, id, ok := strings.Cut(name, ".")
		if !ok {
			continue
		}

		err := c.stopDaemon(c.proc(kind, id))
		if err != nil {
			logger.Warn("Failed to stop Ceph daemon", logger.Ctx{"daemon": "ceph-" + name, "err": err})
		}
	}
}

// stopDaemon stops one daemon and removes its admin socket, which a
// daemon stopped by a signal leaves behind (Ceph names it like the PID
// file: $run_dir/ceph-<type>.<id>.asok).
func (c *Ceph) stopDaemon(p labsvc.Proc) error {
	err := p.Stop(30 * time.Second)
	_ = os.Remove(strings.TrimSuffix(p.PidFile, ".pid") + ".asok")
	return err
}

// restartDaemons restarts this member's daemons of the given kinds (after
// a configuration change that they only read at start).
func (c *Ceph) restartDaemons(st ClusterState, member string, kinds []string) error {
	var errs []error
	for _, kind := range kinds {
		var procs []labsvc.Proc
		switch kind {
		case svcMon:
			if st.Runs(member, svcMon) {
				procs = append(procs, c.monProc(member, st.Config[cfgMonHostPref+member]))
			}

		case svcMgr:
			if st.Runs(member, svcMgr) {
				procs = append(procs, c.mgrProc(member))
			}

		case svcOSD:
			for _, d := range st.DisksOf(member) {
				procs = append(procs, c.osdProc(d.OSD))
			}
		}

		for _, p := range procs {
			err := c.stopDaemon(p)
			if err != nil {
				errs = append(errs, err)
			}

			err = p.Start()
			if err != nil {
				errs = append(errs, fmt.Errorf("Failed to restart %s: %w", p.Name, err))
			}
		}
	}

	return errors.Join(errs...)
}
