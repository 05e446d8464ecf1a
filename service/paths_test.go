package service

import (
	"strings"
	"testing"
)

func TestPathsSocket(t *testing.T) {
	p := Paths{MicroCloudStateDir: "/s/mc", LXDSocket: "/s/lxd.sock", MicroOVNStateDir: "/s/ovn", MicroCephStateDir: "/s/ceph"}
	got := strings.Join([]string{p.Socket("MicroCloud"), p.Socket("MicroOVN"), p.Socket("MicroCeph"), p.Socket("LXD"), p.Socket("nope")}, " ")
	want := "/s/mc/control.socket /s/ovn/control.socket /s/ceph/control.socket /s/lxd.sock "
	if got != want {
		t.Fatalf("got %q want %q", got, want)
	}
}

func TestDefaultPathsFromEnvironment(t *testing.T) {
	t.Setenv("MICROCLOUD_STATE_DIR", "")
	t.Setenv("SNAP_COMMON", "")
	t.Setenv("LXD_DIR", "")
	if got := DefaultMicroCloudStateDir(); got != HostMicroCloudStateDir {
		t.Fatalf("plain host: %q", got)
	}

	t.Setenv("SNAP_COMMON", "/var/snap/microcloud/common")
	if got := DefaultMicroCloudStateDir(); got != SnapMicroCloudStateDir {
		t.Fatalf("snap: %q", got)
	}

	t.Setenv("MICROCLOUD_STATE_DIR", "/srv/mc")
	if got := DefaultMicroCloudStateDir(); got != "/srv/mc" {
		t.Fatalf("override: %q", got)
	}

	t.Setenv("LXD_DIR", "/srv/lxd")
	if got := DefaultLXDSocket(); got != "/srv/lxd/unix.socket" {
		t.Fatalf("LXD_DIR: %q", got)
	}
}
