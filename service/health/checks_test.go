package health

import (
	"strings"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
)

func healthy() Snapshot {
	online := func(names ...string) map[string]string {
		out := map[string]string{}
		for _, n := range names {
			out[n] = "ONLINE"
		}

		return out
	}

	all := []string{"micro01", "micro02", "micro03"}
	host := func(name string, id int64) types.CephHost {
		return types.CephHost{Name: name, OSDs: []types.CephOSD{{ID: id, Up: true}}}
	}

	return Snapshot{
		Members: map[types.ServiceType]map[string]string{
			types.MicroCloud: online(all...), types.LXD: online(all...), types.MicroOVN: online(all...), types.MicroCeph: online(all...),
		},
		Addresses:   map[string]string{"micro01": "10.0.0.1", "micro02": "10.0.0.2", "micro03": "10.0.0.3"},
		OVNServices: map[string][]string{"micro01": {"central", "chassis"}, "micro02": {"chassis"}, "micro03": {"chassis"}},
		Ceph:        &types.CephReport{Health: "HEALTH_OK", Mons: all, Hosts: []types.CephHost{host("micro01", 0), host("micro02", 1), host("micro03", 2)}},
		OVN: &types.OVNReport{Chassis: []types.OVNChassis{
			{Name: "a", Hostname: "micro01", EncapIPs: []string{"10.1.0.1"}},
			{Name: "b", Hostname: "micro02", EncapIPs: []string{"10.1.0.2"}},
			{Name: "c", Hostname: "micro03", EncapIPs: []string{"10.1.0.3"}},
		}},
		PlannedEncapIPs: map[string]string{"micro01": "10.1.0.1", "micro02": "10.1.0.2"},
		Pools:           map[string]string{"local": "Created", "remote": "Created"},
		Networks:        map[string]string{"UPLINK": "Created", "default": "Created"},
	}
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *Snapshot)
		status string
		want   string
	}{
		{"healthy", func(s *Snapshot) {}, Healthy, ""},
		{"two members", func(s *Snapshot) {
			for _, m := range s.Members {
				delete(m, "micro03")
			}

			s.Ceph.Hosts = s.Ceph.Hosts[:2]
			s.Ceph.Mons = s.Ceph.Mons[:2]
			s.OVN.Chassis = s.OVN.Chassis[:2]
		}, Warning, "Reliability risk: 2 member(s)"},
		{"member offline", func(s *Snapshot) { s.Members[types.MicroCeph]["micro02"] = "OFFLINE" }, Error, "MicroCeph on micro02 is OFFLINE"},
		{"missing from a service", func(s *Snapshot) { delete(s.Members[types.LXD], "micro03") }, Error, "LXD is not on micro03"},
		{"unmanaged member", func(s *Snapshot) { s.Members[types.MicroOVN]["micro09"] = "ONLINE" }, Error, "MicroOVN has members that MicroCloud does not: micro09"},
		{"ceph warns", func(s *Snapshot) { s.Ceph.Health, s.Ceph.Checks = "HEALTH_WARN", []string{"1 osds down"} }, Warning, "Ceph is HEALTH_WARN: 1 osds down"},
		{"osd down", func(s *Snapshot) { s.Ceph.Hosts[1].OSDs[0].Up = false }, Error, "osd.1 on micro02 is down"},
		{"stale monitor", func(s *Snapshot) { s.Ceph.Mons = append(s.Ceph.Mons, "micro09") }, Error, "monmap has micro09"},
		{"two OSD hosts", func(s *Snapshot) { s.Ceph.Hosts[2].OSDs = nil }, Warning, "Data loss risk: 2 machine(s) hold OSDs"},
		{"no chassis", func(s *Snapshot) { s.OVN.Chassis = s.OVN.Chassis[:2] }, Error, "OVN has no chassis for micro03"},
		{"encap IP changed", func(s *Snapshot) { s.OVN.Chassis[1].EncapIPs = []string{"10.9.9.9"} }, Error,
			"OVN's chassis micro02 uses encapsulation IP 10.9.9.9, not the planned 10.1.0.2"},
		{"foreign chassis", func(s *Snapshot) {
			s.OVN.Chassis = append(s.OVN.Chassis, types.OVNChassis{Name: "z", Hostname: "micro09", EncapIPs: []string{"10.1.0.9"}})
		}, Warning, "OVN has a chassis micro09"},
		{"pool pending", func(s *Snapshot) { s.Pools["remote"] = "Pending" }, Error, "LXD storage pool remote is Pending"},
		{"member down", func(s *Snapshot) { s.Unreachable = []string{"micro03"} }, Error, "micro03 does not answer"},
		{"version skew", func(s *Snapshot) {
			s.Versions = map[types.ServiceType]map[string]string{types.LXD: {"micro01": "5.0.2", "micro02": "5.0.2", "micro03": "5.21.0"}}
		}, Warning, "LXD runs different versions: 5.0.2 on micro01, micro02; 5.21.0 on micro03"},
		{"recovery under way", func(s *Snapshot) {
			s.Recovery = &Recovery{Keep: []string{"micro01"}, Lost: []string{"micro02", "micro03"}}
		}, Error,
			"A quorum recovery started on this machine has not finished (keeping micro01, dropping micro02, micro03): run 'microcloud cluster recover' again here"},
		{"source failed", func(s *Snapshot) { s.Errors = []string{"Ceph could not be read on micro01: timeout"} }, Error, "Ceph could not be read"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := healthy()
			tt.change(&s)
			r := Evaluate(s)
			if r.Status != tt.status {
				t.Fatalf("status %s, want %s: %v", r.Status, tt.status, r.Messages)
			}

			var texts []string
			for _, m := range r.Messages {
				texts = append(texts, m.Text)
			}

			if tt.want == "" && len(texts) > 0 || !strings.Contains(strings.Join(texts, "\n"), tt.want) {
				t.Fatalf("messages %q, want %q", texts, tt.want)
			}
		})
	}
}

func TestRows(t *testing.T) {
	r := Evaluate(healthy())
	if len(r.Members) != 3 || r.Members[0].OSDs != "1/1 up" || r.Members[0].Services["MicroCeph"] != "ONLINE" || r.Members[0].EncapIPs[0] != "10.1.0.1" {
		t.Fatalf("rows %+v", r.Members)
	}
}
