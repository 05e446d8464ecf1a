package labovn

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

// centralDB describes one of the two clustered OVN databases.
type centralDB struct {
	short    string // "nb" or "sb"
	name     string // OVSDB database name
	schema   string
	port     int // client (TLS) port
	raftPort int
	global   string // the table whose connections column lists listeners
	cert     string // PKI service name
	ctl      string // ovn-nbctl or ovn-sbctl
}

var centralDBs = []centralDB{
	{"nb", "OVN_Northbound", nbSchema, NBPort, NBRaftPort, "NB_Global", "ovnnb", "ovn-nbctl"},
	{"sb", "OVN_Southbound", sbSchema, SBPort, SBRaftPort, "SB_Global", "ovnsb", "ovn-sbctl"},
}

func (n *Node) dbFile(db centralDB) string {
	return filepath.Join(n.layout.CentralDB, "ovn"+db.short+"_db.db")
}

func (n *Node) dbSocket(db centralDB) string {
	return filepath.Join(n.layout.OVNRun, "ovn"+db.short+"_db.sock")
}

func (n *Node) dbCtl(db centralDB) string {
	return filepath.Join(n.layout.OVNRun, "ovn"+db.short+"_db.ctl")
}

func raftAddress(ip string, port int) string {
	return "ssl:" + net.JoinHostPort(ip, strconv.Itoa(port))
}

// dbProc is the ovsdb-server of one clustered database: a unix socket for
// local tools, client listeners from the database's connection table (set
// once at bootstrap, replicated to every central), raft and clients over TLS.
func (n *Node) dbProc(db centralDB) labsvc.Proc {
	cert, key := n.layout.Cert(db.cert)
	return labsvc.Proc{
		Name:    "ovsdb-server (" + db.name + ")",
		PidFile: filepath.Join(n.layout.OVNRun, "ovsdb-server-"+db.short+".pid"),
		LogFile: filepath.Join(n.layout.Logs, "ovsdb-server-"+db.short+".out"),
		Command: []string{"ovsdb-server", n.dbFile(db),
			"--remote=punix:" + n.dbSocket(db),
			"--remote=db:" + db.name + "," + db.global + ",connections",
			"--private-key=" + key, "--certificate=" + cert, "--ca-cert=" + n.layout.CACert(),
			"--unixctl=" + n.dbCtl(db),
			"--log-file=" + filepath.Join(n.layout.Logs, "ovsdb-server-"+db.short+".log"), "-vconsole:off"},
		Env: []string{"OVS_RUNDIR=" + n.layout.OVNRun},
	}
}

func (n *Node) northdProc(centralIPs []string) labsvc.Proc {
	cert, key := n.layout.Cert("ovn-northd")
	return labsvc.Proc{
		Name:    "ovn-northd",
		PidFile: filepath.Join(n.layout.OVNRun, "ovn-northd.pid"),
		LogFile: filepath.Join(n.layout.Logs, "ovn-northd.out"),
		Command: []string{"ovn-northd",
			"--ovnnb-db=" + Connect("ssl", centralIPs, NBPort), "--ovnsb-db=" + Connect("ssl", centralIPs, SBPort),
			"--private-key=" + key, "--certificate=" + cert, "--ca-cert=" + n.layout.CACert(),
			"--unixctl=" + filepath.Join(n.layout.OVNRun, "ovn-northd.ctl"),
			"--log-file=" + filepath.Join(n.layout.Logs, "ovn-northd.log"), "-vconsole:off"},
		Env: []string{"OVN_RUNDIR=" + n.layout.OVNRun},
	}
}

// ensureCentralDBs creates the raft clusters (first central) or joins the
// existing ones, once: an existing database file means this member already
// belongs to the cluster and ovsdb-server reconnects by itself.
func (n *Node) ensureCentralDBs(ctx context.Context, peers []string) error {
	err := os.MkdirAll(n.layout.CentralDB, 0o700)
	if err != nil {
		return err
	}

	for _, db := range centralDBs {
		if _, err := os.Stat(n.dbFile(db)); err == nil {
			continue
		}

		local := raftAddress(n.ip, db.raftPort)
		if len(peers) == 0 {
			_, err = labsvc.Run(ctx, "ovsdb-tool", "create-cluster", n.dbFile(db), db.schema, local)
		} else {
			args := []string{"join-cluster", n.dbFile(db), db.name, local}
			for _, p := range peers {
				args = append(args, raftAddress(p, db.raftPort))
			}

			_, err = labsvc.Run(ctx, "ovsdb-tool", args...)
		}

		if err != nil {
			_ = os.Remove(n.dbFile(db))
			return err
		}
	}

	return nil
}

// startCentral runs both databases and waits until this member is part of
// both raft clusters, then runs ovn-northd.
func (n *Node) startCentral(ctx context.Context, centralIPs []string) error {
	err := os.MkdirAll(n.layout.OVNRun, 0o755)
	if err != nil {
		return err
	}

	for _, db := range centralDBs {
		err := n.dbProc(db).Start()
		if err != nil {
			return err
		}
	}

	for _, db := range centralDBs {
		err := labsvc.WaitFor(ctx, 60*time.Second, db.name+" raft membership", func() error {
			out, err := labsvc.Run(ctx, "ovs-appctl", "-t", n.dbCtl(db), "cluster/status", db.name)
			if err != nil {
				return err
			}

			if !strings.Contains(out, "Status: cluster member") || strings.Contains(out, "Leader: unknown") {
				return errors.New(firstLines(out, 6))
			}

			return nil
		})
		if err != nil {
			return err
		}
	}

	return n.northdProc(centralIPs).Start()
}

// listenCentral sets the databases' client listeners, once, from the
// bootstrap member: the connection table is replicated to every central.
func (n *Node) listenCentral(ctx context.Context) error {
	for _, db := range centralDBs {
		_, err := labsvc.Run(ctx, db.ctl, "--db=unix:"+n.dbSocket(db), "--timeout=30", "set-connection",
			fmt.Sprintf("pssl:%d:[::]", db.port))
		if err != nil {
			return err
		}
	}

	return nil
}

// restartNorthd points ovn-northd at the current set of centrals.
func (n *Node) restartNorthd(centralIPs []string) error {
	p := n.northdProc(centralIPs)
	_ = p.Stop(10 * time.Second)
	return p.Start()
}

// stopCentral leaves both raft clusters (when others remain) and stops the
// central programs.
func (n *Node) stopCentral(ctx context.Context, leave bool) {
	_ = n.northdProc(nil).Stop(10 * time.Second)
	for _, db := range centralDBs {
		if leave {
			_, _ = labsvc.Run(ctx, "ovs-appctl", "-t", n.dbCtl(db), "cluster/leave", db.name)
		}

		_ = n.dbProc(db).Stop(10 * time.Second)
		if leave {
			_ = os.Remove(n.dbFile(db))
		}
	}
}

func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}

	return strings.Join(lines, "; ")
}
