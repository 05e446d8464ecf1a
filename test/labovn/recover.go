package labovn

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/canonical/lxd/shared/logger"
	"github.com/canonical/microcluster/v2/cluster"
	"github.com/canonical/microcluster/v2/state"
	"gopkg.in/yaml.v3"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

// After microcluster's quorum-loss recovery, the lab MicroOVN continues
// OVN's raft databases with the centrals of the members that recovery kept
// (its voters): the first of them turns its copy into a new cluster of one,
// and the others join it afresh, with ovsdb-tool. The real MicroOVN has no
// such step (doc/how-to/recover.md, its limits): this is where the lab does
// more than the service it stands in for, until microcloudd does it. The
// recovery tarball that microcluster loads at start says who was kept: it
// is read before the daemon starts (microcluster deletes it then) and what
// it says is kept until the databases follow.

// recoveryPending holds the kept members of a recovery not followed yet.
func (l Layout) recoveryPending() string { return filepath.Join(l.Data, "ovn-recovery-pending") }

// noteRecovery records the kept members of a recovery tarball about to be
// loaded, if there is one.
func noteRecovery(l Layout) error {
	kept, err := tarballVoters(filepath.Join(l.State, "recovery_db.tar.gz"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}

	if err != nil {
		return err
	}

	data, err := json.Marshal(kept)
	if err != nil {
		return err
	}

	err = os.MkdirAll(l.Data, 0o700)
	if err != nil {
		return err
	}

	return labsvc.WriteFileAtomic(l.recoveryPending(), data, 0o600)
}

// tarballVoters reads recovery.yaml from a microcluster recovery tarball:
// the members it keeps as voters, sorted.
func tarballVoters(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}

	defer func() { _ = f.Close() }()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}

	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s holds no recovery.yaml", path)
		}

		if err != nil {
			return nil, err
		}

		if filepath.Base(h.Name) != "recovery.yaml" {
			continue
		}

		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}

		var members []cluster.DqliteMember
		err = yaml.Unmarshal(data, &members)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}

		var kept []string
		for _, m := range members {
			if m.Role == "voter" {
				kept = append(kept, m.Name)
			}
		}

		sort.Strings(kept)
		return kept, nil
	}
}

// followRecovery converts this member's central databases after a
// recovery, once.
func (d *Daemon) followRecovery(ctx context.Context, s state.State) error {
	data, err := os.ReadFile(d.layout.recoveryPending())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}

	if err != nil {
		return err
	}

	var kept []string
	err = json.Unmarshal(data, &kept)
	if err != nil {
		return err
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	n := d.node(s)
	for _, db := range centralDBs {
		if _, err := os.Stat(n.dbFile(db)); err != nil {
			continue
		}

		_ = n.dbProc(db).Stop(10 * time.Second)
		if len(kept) > 0 && kept[0] == n.name {
			err = n.restartCluster(ctx, db)
		} else {
			// Joined afresh by the next reconcile.
			err = os.Remove(n.dbFile(db))
		}

		if err != nil {
			return err
		}
	}

	n.resetClusterState(ctx)
	logger.Warn("OVN databases follow the quorum-loss recovery", logger.Ctx{"kept": kept})
	return os.Remove(d.layout.recoveryPending())
}

// resetClusterState makes this member's OVN clients forget the raft index
// they last saw: the new clusters start from a lower one, which they would
// otherwise take for stale data and never use ("clustered database server
// has stale data").
func (n *Node) resetClusterState(ctx context.Context) {
	if pid, ok := n.controllerProc().Pid(); ok {
		ctl := filepath.Join(n.layout.OVNRun, fmt.Sprintf("ovn-controller.%d.ctl", pid))
		_, _ = labsvc.Run(ctx, "ovn-appctl", "-t", ctl, "sb-cluster-state-reset")
	}

	if n.northdProc(nil).Alive() {
		ctl := filepath.Join(n.layout.OVNRun, "ovn-northd.ctl")
		for _, cmd := range []string{"nb-cluster-state-reset", "sb-cluster-state-reset"} {
			_, _ = labsvc.Run(ctx, "ovn-appctl", "-t", ctl, cmd)
		}
	}
}

// restartCluster turns a clustered database into a new raft cluster whose
// only server is this member, keeping its contents.
func (n *Node) restartCluster(ctx context.Context, db centralDB) error {
	file := n.dbFile(db)
	standalone := file + ".standalone"
	_ = os.Remove(standalone)
	_, err := labsvc.Run(ctx, "ovsdb-tool", "cluster-to-standalone", standalone, file)
	if err != nil {
		return err
	}

	err = os.Rename(file, file+".before-recovery")
	if err != nil {
		return err
	}

	_, err = labsvc.Run(ctx, "ovsdb-tool", "create-cluster", file, standalone, raftAddress(n.ip, db.raftPort))
	if err != nil {
		return err
	}

	return os.Remove(standalone)
}
