package service

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
)

func TestDetectTellsNotInstalledFromNotRunning(t *testing.T) {
	base := t.TempDir()
	paths := Paths{MicroOVNStateDir: filepath.Join(base, "microovn"), MicroCephStateDir: filepath.Join(base, "microceph"), LXDSocket: filepath.Join(base, "lxd", "unix.socket")}
	err := os.Mkdir(paths.MicroCephStateDir, 0o700)
	if err != nil {
		t.Fatal(err)
	}

	got := map[types.ServiceType]types.ServiceState{}
	for _, s := range Detect(context.Background(), paths) {
		got[s.Type] = s
	}

	if s := got[types.MicroOVN]; s.Present || s.Error != "" {
		t.Fatalf("no state directory: %+v, want not installed", s)
	}

	if s := got[types.MicroCeph]; !s.Present || s.Error != NotRunning || s.Usable() {
		t.Fatalf("state directory without socket: %+v, want installed but not running", s)
	}

	if s := got[types.LXD]; s.Present {
		t.Fatalf("no LXD directory: %+v", s)
	}
}

func TestLXDMemberConfig(t *testing.T) {
	got := lxdMemberConfig(map[string]string{
		LXDMemberConfigKey("storage-pool", "local", "source"): "/dev/sdb",
		LXDMemberConfigKey("network", "UPLINK", "parent"):     "eth1",
		"not-a-key": "x",
	})

	if len(got) != 2 || got[0].Entity != "network" || got[0].Key != "parent" || got[0].Value != "eth1" ||
		got[1].Entity != "storage-pool" || got[1].Name != "local" || got[1].Value != "/dev/sdb" {
		t.Fatalf("%+v", got)
	}
}

// TestDetectSeesARestartingService: microcluster removes the state directory
// of a daemon whose bootstrap or join was undone and restarts it; while the
// service's own directory is there, it is installed, only not running.
func TestDetectSeesARestartingService(t *testing.T) {
	base := t.TempDir()
	for _, tc := range []struct {
		name     string
		stateDir string
		holder   string
		present  bool
	}{
		{"the lab's layout", filepath.Join(base, "lab", "microceph", "state"), filepath.Join(base, "lab", "microceph"), true},
		{"the snap's layout", filepath.Join(base, "snap", "microceph", "common", "state"), filepath.Join(base, "snap", "microceph", "common"), true},
		{"a shared holder", filepath.Join(base, "shared", "microceph"), filepath.Join(base, "shared"), false},
		{"not installed", filepath.Join(base, "none", "microceph", "state"), "", false},
	} {
		if tc.holder != "" {
			if err := os.MkdirAll(tc.holder, 0o700); err != nil {
				t.Fatal(err)
			}
		}

		s := DetectOne(context.Background(), Paths{MicroCephStateDir: tc.stateDir}, types.MicroCeph)
		if s.Present != tc.present || (tc.present && s.Error != NotRunning) {
			t.Errorf("%s: %+v", tc.name, s)
		}
	}
}
