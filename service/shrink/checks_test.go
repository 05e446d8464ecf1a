package shrink

import (
	"reflect"
	"strings"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/microceph"
)

func inventory() Inventory {
	all := map[string]string{"micro01": "10.0.0.1", "micro02": "10.0.0.2", "micro03": "10.0.0.3"}
	return Inventory{
		Members: map[types.ServiceType]map[string]string{
			types.MicroCloud: all, types.LXD: all, types.MicroCeph: all,
			types.MicroOVN: {"micro01": "10.0.0.1", "micro02": "10.0.0.2"},
		},
		Running:   map[string][]string{"micro02": {"c1", "c2"}},
		Reachable: map[string]bool{"micro01": true, "micro02": true},
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		force bool
		want  string
	}{
		{"unknown name", []string{"micro03x"}, false, "not a member of any service"},
		{"nothing", nil, false, "No member"},
		{"twice", []string{"micro02", "micro02"}, true, "given twice"},
		{"itself", []string{"micro01"}, true, "cannot remove itself"},
		{"every other OVN member", []string{"micro02", "micro03"}, true, ""},
		{"dead without force", []string{"micro03"}, false, "micro03 is not reachable"},
		{"dead with force", []string{"micro03"}, true, ""},
		{"running instances", []string{"micro02"}, false, "micro02 runs 2 instance(s) (c1, c2)"},
		{"running instances, forced", []string{"micro02"}, true, ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(inventory(), tt.names, "micro01", tt.force)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}

				return
			}

			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestCheckLastMachine(t *testing.T) {
	one := map[string]string{"micro01": "10.0.0.1"}
	inv := Inventory{Members: map[types.ServiceType]map[string]string{types.MicroCloud: one, types.LXD: one}, Reachable: map[string]bool{"micro01": true}}
	err := Check(inv, []string{"micro01"}, "micro01", false)
	if err == nil || err.Error() != "micro01 is the last member of this MicroCloud: a MicroCloud keeps at least one member" {
		t.Fatalf("error %v", err)
	}

	err = Check(inventory(), []string{"micro02", "micro03", "micro01"}, "micro01", true)
	if err == nil || !strings.Contains(err.Error(), "would leave no member") {
		t.Fatalf("error %v", err)
	}
}

func TestCheckLastOSDs(t *testing.T) {
	inv := inventory()
	inv.OSDs = []microceph.Disk{{OSD: 4, Location: "micro02"}, {OSD: 2, Location: "micro03"}}
	err := Check(inv, []string{"micro02", "micro03"}, "micro01", false)
	if err == nil || err.Error() != "Removing micro02, micro03 takes the last OSDs of Ceph (osd.2, osd.4): their data would go with them; use --force to remove anyway" {
		t.Fatalf("error %v", err)
	}

	inv.Reachable["micro03"] = true
	if err := Check(inv, []string{"micro03"}, "micro01", false); err != nil {
		t.Fatalf("one of two OSD hosts: %v", err)
	}
}

func TestCheckLastMember(t *testing.T) {
	inv := inventory()
	inv.Members[types.MicroOVN] = map[string]string{"micro02": "10.0.0.2"}
	err := Check(inv, []string{"micro02"}, "micro01", true)
	if err == nil || !strings.Contains(err.Error(), "would leave MicroOVN without members") {
		t.Fatalf("error %v", err)
	}
}

func TestPoolSizes(t *testing.T) {
	osds := func(hosts ...string) []microceph.Disk {
		var out []microceph.Disk
		for i, h := range hosts {
			out = append(out, microceph.Disk{OSD: int64(i), Location: h})
		}

		return out
	}

	pools := []microceph.Pool{{Pool: "lxd_remote", Size: 3}, {Pool: ".mgr", Size: 3}, {Pool: "small", Size: 1}}
	tests := []struct {
		name    string
		osds    []microceph.Disk
		leaving string
		size    int64
		lower   []string
		lost    bool
	}{
		{"four hosts to three", osds("a", "b", "c", "d"), "d", 3, nil, false},
		{"three to two", osds("a", "b", "c"), "c", 2, []string{".mgr", "lxd_remote"}, false},
		{"two OSDs on one host stay", osds("a", "a", "b"), "b", 1, []string{".mgr", "lxd_remote"}, false},
		{"host without OSDs", osds("a", "b", "c"), "d", 3, nil, false},
		{"last OSD host", osds("a"), "a", 1, []string{".mgr", "lxd_remote"}, true},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			size, lower, lost := PoolSizes(tt.osds, pools, tt.leaving)
			if size != tt.size || !reflect.DeepEqual(lower, tt.lower) || lost != tt.lost {
				t.Fatalf("got %d %v %v, want %d %v %v", size, lower, lost, tt.size, tt.lower, tt.lost)
			}
		})
	}
}
