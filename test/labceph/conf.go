package labceph

import (
	"fmt"
	"path/filepath"
	"strings"
)

// ConfParams is what a member's ceph.conf is made of; all of it comes from
// the cluster database, so every member writes the same file.
type ConfParams struct {
	FSID       string
	MonHosts   []string // address vectors, "[v2:IP:3300,v1:IP:6789]", in member order
	PublicNet  string
	ClusterNet string
}

// Lab tuning. These keep a node's Ceph small (about 1 GiB for a 3-node lab
// with one OSD each) and its health free of warnings that only reflect the
// lab's host.
const (
	// osd_memory_target's minimum; with the cache autotuner off it is
	// only a ceiling for what the OSD aims at.
	osdMemoryTarget = 939524096
	// A fixed, small BlueStore cache instead of the autotuned one.
	bluestoreCacheSize = 64 << 20
	// The lab's host keeps a large reserve of root blocks, so Ceph sees
	// only ~31% of the file system as available and would warn
	// (MON_DISK_LOW) at its default of 30%.
	monDataAvailWarn = 10
)

// mgrNeverLoad are the manager modules the lab never loads. Ceph imports
// every installed module at start unless it is listed here; the "always on"
// ones (balancer, crash, devicehealth, orchestrator, pg_autoscaler,
// progress, rbd_support, status, telemetry, volumes) cannot be left out
// without a MGR_MODULE_ERROR, so they stay. This takes the active manager
// from ~300 MB to ~160 MB.
var mgrNeverLoad = []string{
	"alerts", "diskprediction_local", "influx", "insights", "iostat", "localpool", "mirroring", "nfs",
	"osd_perf_query", "osd_support", "prometheus", "restful", "selftest", "snap_schedule", "stats",
	"telegraf", "test_orchestrator", "zabbix",
}

// RenderConf writes ceph.conf. The daemons' paths point into the member's
// layout; the client part (fsid, mon host, networks) is all LXD and the
// ceph command line need, since they find the admin keyring at its default
// place next to the file.
func RenderConf(p ConfParams, l Layout) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	logFile := filepath.Join(l.Logs, "$cluster-$name.log")

	line("# Written by lab-microcephd from the cluster database; local changes are overwritten.")
	line("[global]")
	line("fsid = %s", p.FSID)
	line("mon host = %s", strings.Join(p.MonHosts, ","))
	if p.PublicNet != "" {
		line("public network = %s", p.PublicNet)
	}

	if p.ClusterNet != "" {
		line("cluster network = %s", p.ClusterNet)
	}

	line("auth cluster required = cephx")
	line("auth service required = cephx")
	line("auth client required = cephx")
	line("run dir = %s", l.Run)
	line("")

	// Daemons log to their files under the node, never to the console.
	daemon := func(section string, dataKey string, dataDir string) {
		line("[%s]", section)
		line("%s = %s", dataKey, dataDir)
		line("log file = %s", logFile)
		line("log to stderr = false")
		line("err to stderr = false")
		// RocksDB's periodic statistics would bury what matters.
		line("debug rocksdb = 1/5")
	}

	daemon("mon", "mon data", filepath.Join(l.Data, "mon", "$cluster-$id"))
	line("mon cluster log file = %s", filepath.Join(l.Logs, "$cluster.log"))
	line("mon cluster log to stderr = false")
	line("auth allow insecure global id reclaim = false")
	line("mon data avail warn = %d", monDataAvailWarn)
	// Read at the first monitor's mkfs: no optional module is switched on.
	line("mgr initial modules =")
	line("")

	daemon("mgr", "mgr data", filepath.Join(l.Data, "mgr", "$cluster-$id"))
	line("mgr disabled modules = %s", strings.Join(mgrNeverLoad, " "))
	// Standby managers load no modules until they take over.
	line("mgr standby modules = false")
	line("")

	daemon("mds", "mds data", filepath.Join(l.Data, "mds", "$cluster-$id"))
	line("")

	daemon("osd", "osd data", filepath.Join(l.Data, "osd", "$cluster-$id"))
	line("osd objectstore = bluestore")
	line("osd memory target = %d", osdMemoryTarget)
	line("bluestore cache autotune = false")
	line("bluestore cache size = %d", bluestoreCacheSize)
	return b.String()
}
