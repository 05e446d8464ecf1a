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
