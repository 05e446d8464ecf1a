package labceph

import (
	"strings"
	"testing"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

func TestRenderConf(t *testing.T) {
	l := NewLayout(labsvc.Dirs{Common: "/lab/n1/microceph", State: "/lab/n1/microceph/state", Data: "/lab/n1/microceph/data", Logs: "/lab/n1/microceph/logs"})
	st := ClusterState{
		Config: map[string]string{
			cfgFSID: "f5c4", cfgPublicNet: "10.97.0.0/24", cfgClusterNet: "10.98.0.0/24",
			cfgMonHostPref + "micro02": "[v2:10.97.0.12:3300,v1:10.97.0.12:6789]",
			cfgMonHostPref + "micro01": "[v2:10.97.0.11:3300,v1:10.97.0.11:6789]",
			// A member that left: its address stays in config, its
			// service row went with it.
			cfgMonHostPref + "micro09": "[v2:10.97.0.19:3300,v1:10.97.0.19:6789]",
		},
		Services: []Service{{Service: svcMgr, Location: "micro01"}, {Service: svcMon, Location: "micro01"}, {Service: svcMon, Location: "micro02"}},
	}

	conf := RenderConf(st.ConfParams(), l)
	for _, want := range []string{
		"[global]\nfsid = f5c4\nmon host = [v2:10.97.0.11:3300,v1:10.97.0.11:6789],[v2:10.97.0.12:3300,v1:10.97.0.12:6789]\n",
		"public network = 10.97.0.0/24\ncluster network = 10.98.0.0/24\n",
		"auth client required = cephx\n",
		"run dir = /lab/n1/microceph/run\n",
		"[mon]\nmon data = /lab/n1/microceph/data/mon/$cluster-$id\nlog file = /lab/n1/microceph/logs/$cluster-$name.log\nlog to stderr = false\nerr to stderr = false\n",
		"auth allow insecure global id reclaim = false\n",
		"mgr initial modules =\n",
		"[mgr]\nmgr data = /lab/n1/microceph/data/mgr/$cluster-$id\n",
		"mgr disabled modules = alerts diskprediction_local ",
		"[osd]\nosd data = /lab/n1/microceph/data/osd/$cluster-$id\n",
		"osd memory target = 939524096\nbluestore cache autotune = false\nbluestore cache size = 67108864\n",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("ceph.conf lacks %q:\n%s", want, conf)
		}
	}

	// Clients must not inherit a daemon's keyring path or stop logging errors.
	global := conf[:strings.Index(conf, "[mon]")]
	for _, unwanted := range []string{"keyring", "to stderr", "10.97.0.19"} {
		if strings.Contains(global, unwanted) {
			t.Errorf("[global] has %q:\n%s", unwanted, global)
		}
	}
}

func TestMgrNeverLoad(t *testing.T) {
	// An "always on" module left out would raise MGR_MODULE_ERROR.
	for _, m := range []string{"balancer", "crash", "devicehealth", "orchestrator", "pg_autoscaler", "progress", "rbd_support", "status", "telemetry", "volumes"} {
		for _, n := range mgrNeverLoad {
			if m == n {
				t.Errorf("always-on module %s is never loaded", m)
			}
		}
	}
}
