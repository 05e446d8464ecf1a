package labceph

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

// writeClientFiles writes ceph.conf and the admin keyring, from the cluster
// database, to the member's conf/ directory and to /etc/ceph, where LXD
// and the ceph command line read them. Files are only rewritten when their
// content changes.
func (c *Ceph) writeClientFiles(st ClusterState) error {
	conf := RenderConf(st.ConfParams(), c.layout)
	keyring := Keyring("client.admin", st.Config[cfgAdminKey], adminCaps)
	dirs := []string{c.layout.Conf}
	if c.layout.EtcCeph != "" {
		dirs = append(dirs, c.layout.EtcCeph)
	}

	for _, dir := range dirs {
		err := writeFileIfChanged(filepath.Join(dir, "ceph.conf"), []byte(conf), 0o644)
		if err != nil {
			return err
		}

		err = writeFileIfChanged(filepath.Join(dir, "ceph.client.admin.keyring"), []byte(keyring), 0o600)
		if err != nil {
			return err
		}
	}

	return nil
}

// removeClientFiles is the reverse, for a member that leaves.
func (c *Ceph) removeClientFiles() {
	dirs := []string{c.layout.Conf}
	if c.layout.EtcCeph != "" {
		dirs = append(dirs, c.layout.EtcCeph)
	}

	for _, dir := range dirs {
		_ = os.Remove(filepath.Join(dir, "ceph.conf"))
		_ = os.Remove(filepath.Join(dir, "ceph.client.admin.keyring"))
	}
}

// privateEtcCeph reports whether /etc/ceph is a mount of its own, as in a
// lab node, where it is the node's private directory bound over the
// system's. Anywhere else /etc/ceph is left alone, so that running the
// daemon by hand can never clobber a real Ceph client setup.
func privateEtcCeph(dir string) bool {
	mountInfo, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return false
	}

	return IsMountPoint(string(mountInfo), dir)
}

// IsMountPoint reports whether /proc/self/mountinfo text lists dir as a
// mount point.
func IsMountPoint(mountInfo string, dir string) bool {
	for _, line := range strings.Split(mountInfo, "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 5 && fields[4] == dir {
			return true
		}
	}

	return false
}

// writeFileIfChanged replaces a file atomically when its content differs.
func writeFileIfChanged(path string, data []byte, mode os.FileMode) error {
	old, err := os.ReadFile(path)
	if err == nil && bytes.Equal(old, data) {
		return nil
	}

	return labsvc.WriteFileAtomic(path, data, mode)
}
