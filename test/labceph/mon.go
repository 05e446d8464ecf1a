package labceph

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// quorumTimeout bounds how long a new monitor may take to join the quorum.
const quorumTimeout = 90 * time.Second

// createMon makes a monitor's data directory (ceph-mon --mkfs). The first
// monitor gets a new monmap holding only itself; a later one starts from
// the cluster's current monmap and joins when it starts. A directory that
// is already complete is kept.
func (c *Ceph) createMon(ctx context.Context, st ClusterState, name string, addrVec string, first bool) error {
	dir := c.layout.MonDir(name)
	if isDone(dir) {
		return nil
	}

	// A half-made directory from an interrupted attempt is redone.
	err := os.RemoveAll(dir)
	if err != nil {
		return err
	}

	tmp, err := os.MkdirTemp(mkdirAll(c.layout.Tmp()), "mon-")
	if err != nil {
		return err
	}

	defer func() { _ = os.RemoveAll(tmp) }()
	monmap := filepath.Join(tmp, "monmap")
	if first {
		_, err = c.run(ctx, "monmaptool", "--create", "--fsid", st.Config[cfgFSID], "--addv", name, addrVec, monmap)
	} else {
		_, err = c.ceph(ctx, "mon", "getmap", "-o", monmap)
	}

	if err != nil {
		return fmt.Errorf("Failed to get a monmap for mon.%s: %w", name, err)
	}

	// The monitor's own keyring also carries client.admin, so that the
	// first monitor knows the administrator from the start.
	keyring := filepath.Join(tmp, "keyring")
	err = os.WriteFile(keyring, []byte(Keyring("mon.", st.Config[cfgMonKey], monCaps)+Keyring("client.admin", st.Config[cfgAdminKey], adminCaps)), 0o600)
	if err != nil {
		return err
	}

	err = os.MkdirAll(dir, 0o750)
	if err != nil {
		return err
	}

	_, err = c.run(ctx, "ceph-mon", "--mkfs", "--cluster", "ceph", "--id", name, "--monmap", monmap, "--keyring", keyring)
	if err != nil {
		return fmt.Errorf("Failed to create mon.%s: %w", name, err)
	}

	return markDone(dir)
}

// startMon starts the monitor and waits until it is in the quorum.
func (c *Ceph) startMon(ctx context.Context, name string, addrVec string) error {
	err := c.monProc(name, addrVec).Start()
	if err != nil {
		return err
	}

	return c.waitInQuorum(ctx, name, quorumTimeout)
}

// createMgr makes a manager's data directory with its own key.
func (c *Ceph) createMgr(ctx context.Context, name string) error {
	return c.createKeyed(ctx, c.layout.MgrDir(name), "mgr."+name, "mon", "allow profile mgr", "osd", "allow *", "mds", "allow *")
}

// createMDS makes a metadata server's data directory and key. MicroCeph
// runs an MDS on each of the first three hosts, standing by until a CephFS
// exists (LXD creates one for remote-fs).
func (c *Ceph) createMDS(ctx context.Context, name string) error {
	return c.createKeyed(ctx, c.layout.MDSDir(name), "mds."+name, "mon", "allow profile mds", "mgr", "allow profile mds", "mds", "allow *", "osd", "allow *")
}

// createKeyed makes a daemon's data directory holding its own key, with
// these capabilities; a directory that is already complete is kept.
func (c *Ceph) createKeyed(ctx context.Context, dir string, entity string, caps ...string) error {
	if isDone(dir) {
		return nil
	}

	keyring, err := c.ceph(ctx, append([]string{"auth", "get-or-create", entity}, caps...)...)
	if err != nil {
		return fmt.Errorf("Failed to create the key of %s: %w", entity, err)
	}

	err = os.MkdirAll(dir, 0o750)
	if err != nil {
		return err
	}

	err = os.WriteFile(filepath.Join(dir, "keyring"), []byte(keyring+"\n"), 0o600)
	if err != nil {
		return err
	}

	return markDone(dir)
}

// mkdirAll creates dir and returns it (for use in expressions); an error
// shows up at the next use of the directory.
func mkdirAll(dir string) string {
	_ = os.MkdirAll(dir, 0o700)
	return dir
}
