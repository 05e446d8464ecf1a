package labceph

import (
	"strings"
	"testing"
)

func TestPlanPoolsOp(t *testing.T) {
	existing := []string{".mgr", "lxd_remote", "device_health_metrics"}
	tests := []struct {
		name string
		req  PoolPut
		want string
		err  string
	}{
		{"MicroCloud, nothing to resize", PoolPut{Pools: []string{""}, Size: 3}, "", ""},
		{"no pools at all", PoolPut{Size: 2}, "", ""},
		{"all pools", PoolPut{Pools: []string{"*"}, Size: 3}, ".mgr device_health_metrics lxd_remote", ""},
		{"named pools, repeated", PoolPut{Pools: []string{"lxd_remote", ".mgr", "lxd_remote", ""}, Size: 2}, ".mgr lxd_remote", ""},
		{"size one", PoolPut{Pools: []string{".mgr"}, Size: 1}, ".mgr", ""},
		{"size zero", PoolPut{Pools: []string{"*"}, Size: 0}, "", "Invalid replication size 0: it must be between 1 and 10"},
		{"negative size", PoolPut{Pools: []string{""}, Size: -1}, "", "Invalid replication size -1: it must be between 1 and 10"},
		{"size eleven", PoolPut{Pools: []string{""}, Size: 11}, "", "Invalid replication size 11: it must be between 1 and 10"},
		{"unknown pool", PoolPut{Pools: []string{".mgr", "nope"}, Size: 3}, "", `Pool "nope" does not exist`},
	}

	for _, tt := range tests {
		got, err := PlanPoolsOp(tt.req, existing)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
			}

			continue
		}

		if err != nil || strings.Join(got, " ") != tt.want {
			t.Errorf("%s: %v, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestCheckOSDRemoval(t *testing.T) {
	tests := []struct {
		total   int
		size    int64
		confirm bool
		err     string
	}{
		{4, 3, false, ""},
		{3, 3, false, "Removing osd.2 would leave 2 OSDs for pools that keep 3 copies; set confirm_downgrade to remove it anyway"},
		{3, 3, true, ""},
		{1, 1, false, "Removing osd.2 would leave 0 OSDs for pools that keep 1 copies; set confirm_downgrade to remove it anyway"},
		{2, 1, false, ""},
	}

	for _, tt := range tests {
		err := CheckOSDRemoval(2, tt.total, tt.size, tt.confirm)
		if (tt.err == "" && err != nil) || (tt.err != "" && (err == nil || err.Error() != tt.err)) {
			t.Errorf("%d OSDs, size %d, confirm %v: %v, want %q", tt.total, tt.size, tt.confirm, err, tt.err)
		}
	}
}

func TestValidateDisksPost(t *testing.T) {
	dev := "/dev/vdc"
	tests := []struct {
		req  DisksPost
		want string
	}{
		{DisksPost{Path: []string{"loop,2G,1"}}, ""},
		{DisksPost{Path: []string{"/dev/vdb"}, Wipe: true}, ""},
		{DisksPost{}, "No disk path given"},
		{DisksPost{Path: []string{"/dev/vdb"}, Encrypt: true}, "Encrypted OSDs are not supported by the lab MicroCeph"},
		{DisksPost{Path: []string{"/dev/vdb"}, WALDev: &dev}, "Separate WAL and DB devices are not supported by the lab MicroCeph"},
		{DisksPost{Path: []string{"/dev/vdb"}, DBDev: &dev}, "Separate WAL and DB devices are not supported by the lab MicroCeph"},
		{DisksPost{OSDMatch: "eq(@type,'nvme')"}, "Device matching (osd_match, wal_match, db_match, dry_run) is not supported by the lab MicroCeph; give disk paths"},
	}

	for _, tt := range tests {
		if got := ValidateDisksPost(tt.req); got != tt.want {
			t.Errorf("ValidateDisksPost(%+v) = %q, want %q", tt.req, got, tt.want)
		}
	}
}
