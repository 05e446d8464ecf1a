// Package service talks to the services MicroCloud orchestrates (MicroCloud
// itself, MicroOVN, MicroCeph and LXD): where they live on a machine, what
// they report, and, through one interface per service, how they are
// bootstrapped, joined and inspected.
package service

import (
	"os"
	"path/filepath"

	"github.com/microcloud-project/microcloud/api/types"
)

// Paths says where a machine's services are found. Snap installs and Debian
// packages put them in different places; every path can be overridden.
type Paths struct {
	// MicroCloudStateDir holds microcloudd's own microcluster state.
	MicroCloudStateDir string

	// LXDSocket is LXD's unix socket.
	LXDSocket string

	// MicroOVNStateDir and MicroCephStateDir hold those daemons' microcluster
	// state, with control.socket inside.
	MicroOVNStateDir  string
	MicroCephStateDir string
}

// Default paths (README.md, "Usage").
const (
	SnapMicroCloudStateDir = "/var/snap/microcloud/common/state"
	HostMicroCloudStateDir = "/var/lib/microcloud"
	SnapLXDSocket          = "/var/snap/lxd/common/lxd/unix.socket"
	HostLXDSocket          = "/var/lib/lxd/unix.socket"
	SnapMicroOVNStateDir   = "/var/snap/microovn/common/state"
	SnapMicroCephStateDir  = "/var/snap/microceph/common/state"
)

// What MicroOVN and MicroCeph share with MicroCloud's snap through content
// interfaces is mounted in MicroCloud's own $SNAP_DATA, at the targets of
// the plugs of snap/snapcraft.yaml; each shared directory appears there
// under its own name (data/pki as pki/, conf as conf/).
const (
	SnapOVNCertificatesTarget = "microovn-certificates"
	SnapOVNChassisTarget      = "microovn-chassis"
	SnapCephConfTarget        = "microceph-conf"
)

// SnapPlugTargets are the plug targets (relative to $SNAP_DATA) the daemon
// reads: snap/snapcraft.yaml must mount exactly these.
func SnapPlugTargets() []string {
	return []string{SnapOVNCertificatesTarget, SnapOVNChassisTarget, SnapCephConfTarget}
}

// OVNPKIDirs are where MicroOVN's client certificates are looked for, in
// order: the snap's plug, then beside MicroOVN's state directory (its
// $SNAP_COMMON/data/pki, or the lab's).
func (p Paths) OVNPKIDirs() []string {
	var out []string
	if data := os.Getenv("SNAP_DATA"); data != "" {
		out = append(out, filepath.Join(data, SnapOVNCertificatesTarget, "pki"))
	}

	return append(out, filepath.Join(filepath.Dir(p.MicroOVNStateDir), "data", "pki"))
}

// OVNPKIDir is the first of OVNPKIDirs that holds MicroOVN's CA, else the
// last (so that errors name where MicroOVN itself keeps it).
func (p Paths) OVNPKIDir() string {
	dirs := p.OVNPKIDirs()
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "cacert.pem")); err == nil {
			return dir
		}
	}

	return dirs[len(dirs)-1]
}

// OVNRunDir is MicroOVN's runtime directory, with its central databases'
// sockets in ovn/ and the Open vSwitch database's in switch/: the snap's
// plug when it is mounted, else beside MicroOVN's state directory (its
// $SNAP_COMMON/run, or the lab's).
func (p Paths) OVNRunDir() string {
	if data := os.Getenv("SNAP_DATA"); data != "" {
		plug := filepath.Join(data, SnapOVNChassisTarget)
		if _, err := os.Stat(filepath.Join(plug, "switch")); err == nil {
			return plug
		}
	}

	return filepath.Join(filepath.Dir(p.MicroOVNStateDir), "run")
}

// CephConfDirs are where MicroCeph's ceph.conf and admin keyring are
// looked for, in order: the snap's plug, beside MicroCeph's state directory
// (the lab), MicroCeph's own $SNAP_DATA/conf, then /etc/ceph.
func (p Paths) CephConfDirs() []string {
	var out []string
	if data := os.Getenv("SNAP_DATA"); data != "" {
		out = append(out, filepath.Join(data, SnapCephConfTarget, "conf"))
	}

	return append(out, filepath.Join(filepath.Dir(p.MicroCephStateDir), "conf"), "/var/snap/microceph/current/conf", "/etc/ceph")
}

// DefaultMicroCloudStateDir is the snap's state dir when running as a snap,
// /var/lib/microcloud otherwise. MICROCLOUD_STATE_DIR overrides both.
func DefaultMicroCloudStateDir() string {
	if dir := os.Getenv("MICROCLOUD_STATE_DIR"); dir != "" {
		return dir
	}

	if os.Getenv("SNAP_COMMON") != "" {
		return SnapMicroCloudStateDir
	}

	return HostMicroCloudStateDir
}

// DefaultLXDSocket prefers $LXD_DIR, then the snap's socket when it exists,
// then the Debian package's.
func DefaultLXDSocket() string {
	if dir := os.Getenv("LXD_DIR"); dir != "" {
		return filepath.Join(dir, "unix.socket")
	}

	if _, err := os.Stat(SnapLXDSocket); err == nil {
		return SnapLXDSocket
	}

	return HostLXDSocket
}

// DefaultPaths fills in every default.
func DefaultPaths() Paths {
	return Paths{
		MicroCloudStateDir: DefaultMicroCloudStateDir(),
		LXDSocket:          DefaultLXDSocket(),
		MicroOVNStateDir:   SnapMicroOVNStateDir,
		MicroCephStateDir:  SnapMicroCephStateDir,
	}
}

// Socket returns the socket through which a service is reached.
func (p Paths) Socket(s types.ServiceType) string {
	switch s {
	case types.MicroCloud:
		return filepath.Join(p.MicroCloudStateDir, "control.socket")
	case types.MicroOVN:
		return filepath.Join(p.MicroOVNStateDir, "control.socket")
	case types.MicroCeph:
		return filepath.Join(p.MicroCephStateDir, "control.socket")
	case types.LXD:
		return p.LXDSocket
	}

	return ""
}
