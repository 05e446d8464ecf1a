package recovery

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// OVN's northbound and southbound databases are raft clusters of their own,
// beside MicroOVN's microcluster database. After MicroOVN's quorum-loss
// recovery they still count the lost centrals, so they have no quorum
// either, and MicroOVN has no step of its own for them. The kept central
// turns each into a new cluster of one that keeps its contents, with
// ovsdb-tool's own procedure: cluster-to-standalone, then create-cluster.

// CentralDB is one of OVN's clustered databases on this machine.
type CentralDB struct {
	// Name names it in messages.
	Name string
	// File is the database file.
	File string
	// RaftPort is the port of its raft server.
	RaftPort int
	// Schema is the name of its schema.
	Schema string
}

// beforeRecovery is the suffix of the database as it was before
// RestartRaft, kept beside it.
const beforeRecovery = ".before-recovery"

// CentralDBsOf finds this machine's central databases beside MicroOVN's
// state directory (MicroOVN keeps them in $SNAP_COMMON/data/central/db, the
// lab the same way): none when it runs no central. A database that
// RestartRaft left between its steps counts too.
func CentralDBsOf(ovnStateDir string) []CentralDB {
	dir := filepath.Join(filepath.Dir(ovnStateDir), "data", "central", "db")
	var out []CentralDB
	for _, db := range []CentralDB{
		{Name: "northbound", File: filepath.Join(dir, "ovnnb_db.db"), RaftPort: 6643, Schema: "OVN_Northbound"},
		{Name: "southbound", File: filepath.Join(dir, "ovnsb_db.db"), RaftPort: 6644, Schema: "OVN_Southbound"},
	} {
		if exists(db.File) || exists(db.File+beforeRecovery) {
			out = append(out, db)
		}
	}

	return out
}

// RaftAddress is the address of a raft server of OVN's databases.
func RaftAddress(ip string, port int) string {
	return "ssl:" + net.JoinHostPort(ip, strconv.Itoa(port))
}

// RestartRaft turns a central database, whose server is stopped, into a
// raft cluster whose only server is at address, keeping its contents; the
// database as it was stays beside it. Run again after an interruption it
// finishes from that copy; run again after it finished, it makes the
// cluster of one anew, which loses nothing.
func RestartRaft(ctx context.Context, db CentralDB, address string) error {
	tool, err := ovnTool("ovsdb-tool")
	if err != nil {
		return err
	}

	before := db.File + beforeRecovery
	source := db.File
	if !exists(db.File) {
		source = before
	}

	standalone := db.File + ".standalone"
	_ = os.Remove(standalone)
	_, err = command(ctx, tool, "cluster-to-standalone", standalone, source)
	if err != nil {
		return err
	}

	if source == db.File {
		err := setAside(db)
		if err != nil {
			return err
		}
	}

	_, err = command(ctx, tool, "create-cluster", db.File, standalone, address)
	if err != nil {
		return err
	}

	return os.Remove(standalone)
}

// JoinRaft gives another kept central, whose server is stopped, a fresh
// database that joins the cluster of one that RestartRaft made at remote
// (ovsdb-tool's join-cluster): the server fetches the contents from it when
// it starts. The database as it was stays beside it, as RestartRaft's does.
func JoinRaft(ctx context.Context, db CentralDB, local string, remote string) error {
	tool, err := ovnTool("ovsdb-tool")
	if err != nil {
		return err
	}

	if exists(db.File) {
		err := setAside(db)
		if err != nil {
			return err
		}
	}

	_, err = command(ctx, tool, "join-cluster", db.File, db.Schema, local, remote)
	return err
}

// setAside moves a central database out of the way: the first copy set
// aside is the one from before the recovery, and stays.
func setAside(db CentralDB) error {
	before := db.File + beforeRecovery
	if exists(before) {
		return os.Remove(db.File)
	}

	return os.Rename(db.File, before)
}

// ForgetRaftIndex makes this machine's ovn-controller forget the
// southbound raft index it last saw: the new cluster starts from a lower
// one, which it would otherwise take for stale data and never use
// ("clustered database server has stale data"). ovnRunDir is MicroOVN's
// runtime directory; its ovn/ holds ovn-controller's PID file and control
// socket. Nothing to do when no ovn-controller runs.
func ForgetRaftIndex(ctx context.Context, ovnRunDir string) error {
	dir := filepath.Join(ovnRunDir, "ovn")
	data, err := os.ReadFile(filepath.Join(dir, "ovn-controller.pid"))
	if err != nil {
		return nil
	}

	// The socket of the running one: a killed one leaves its own behind.
	socket := filepath.Join(dir, "ovn-controller."+strings.TrimSpace(string(data))+".ctl")
	if !exists(socket) {
		return nil
	}

	tool, err := ovnTool("ovn-appctl")
	if err != nil {
		return err
	}

	_, err = command(ctx, tool, "-t", socket, "sb-cluster-state-reset")
	return err
}

// ovnTool finds an OVN or Open vSwitch program: the host's, else the one
// the MicroOVN snap exposes (microovn.NAME).
func ovnTool(name string) (string, error) {
	for _, candidate := range []string{name, "microovn." + name} {
		if path, err := exec.LookPath(candidate); err == nil {
			return path, nil
		}
	}

	return "", errors.New(name + " is not installed (nor MicroOVN's microovn." + name + "): OVN's databases cannot be recovered")
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
