package labceph

import (
	"fmt"
	"path/filepath"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

// Layout is where a member keeps its Ceph files. It follows the MicroCeph
// snap: daemon data in $SNAP_COMMON/data/{mon,mgr,osd}/ceph-<id>, logs in
// $SNAP_COMMON/logs, ceph.conf and the admin keyring in $SNAP_DATA/conf and
// runtime files in $SNAP_DATA/run; the lab has no $SNAP_DATA, so conf/ and
// run/ sit beside state/. Everything is under the node's own directory.
type Layout struct {
	labsvc.Dirs

	// Conf holds the canonical ceph.conf and admin keyring, which the
	// daemon itself uses.
	Conf string
	// Run holds admin sockets and PID files.
	Run string
	// EtcCeph is where LXD and the ceph command line look for the cluster
	// (/etc/ceph/<cluster>.conf and <cluster>.client.admin.keyring); in a
	// lab node it is the node's private directory. Empty when it is not
	// (the daemon then leaves /etc/ceph alone).
	EtcCeph string
}

// NewLayout derives the layout from the service's directories.
func NewLayout(d labsvc.Dirs) Layout {
	return Layout{
		Dirs:    d,
		Conf:    filepath.Join(d.Common, "conf"),
		Run:     filepath.Join(d.Common, "run"),
		EtcCeph: "/etc/ceph",
	}
}

// ConfFile is the canonical ceph.conf.
func (l Layout) ConfFile() string { return filepath.Join(l.Conf, "ceph.conf") }

// AdminKeyring is the canonical client.admin keyring.
func (l Layout) AdminKeyring() string { return filepath.Join(l.Conf, "ceph.client.admin.keyring") }

// MonDir is a monitor's data directory ("mon data" in ceph.conf).
func (l Layout) MonDir(name string) string { return filepath.Join(l.Data, "mon", "ceph-"+name) }

// MDSDir is a metadata server's data directory.
func (l Layout) MDSDir(name string) string { return filepath.Join(l.Data, "mds", "ceph-"+name) }

// MgrDir is a manager's data directory.
func (l Layout) MgrDir(name string) string { return filepath.Join(l.Data, "mgr", "ceph-"+name) }

// OSDDir is an OSD's data directory.
func (l Layout) OSDDir(id int64) string {
	return filepath.Join(l.Data, "osd", fmt.Sprintf("ceph-%d", id))
}

// OSDBackingFile is the sparse file of a file-backed ("loop") OSD.
func (l Layout) OSDBackingFile(id int64) string {
	return filepath.Join(l.OSDDir(id), "osd-backing.img")
}

// Tmp holds scratch files (monmaps, bootstrap keyrings) while they are used.
func (l Layout) Tmp() string { return filepath.Join(l.Data, "tmp") }

// PidFile is where a supervised daemon's PID is kept.
func (l Layout) PidFile(name string) string { return filepath.Join(l.Run, name+".pid") }

// ConsoleLog collects what a daemon prints before its own log is open.
func (l Layout) ConsoleLog(name string) string { return filepath.Join(l.Logs, name+".out") }
