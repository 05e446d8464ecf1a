package recovery

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	mctypes "github.com/canonical/microcluster/v2/rest/types"
	"gopkg.in/yaml.v3"
)

// A member that a recovery keeps, other than the one it runs on, gets the
// recovered database from that one: microcluster loads a recovery tarball
// named Tarball from a daemon's state directory when the daemon starts.
// Until then the member's own database must not run: with its old
// configuration it could elect a leader among the old voters.
const (
	// Tarball is the name microcluster gives its recovery tarball.
	Tarball = "recovery_db.tar.gz"

	// HandoverMarker, in MicroCloud's state directory of a kept member,
	// says that microcloudd waits for MicroCloud's recovered database
	// (and holds the name of the member it comes from): microcloudd then
	// starts without its database until the tarball arrives, however
	// often it is restarted.
	HandoverMarker = "recovery-handover"

	// HandoverCopy, in the state directory of the member running the
	// recovery, keeps the tarball until every kept member has it:
	// microcluster deletes its own when it loads it.
	HandoverCopy = "recovery-handover.tar.gz"
)

// Self is a microcluster daemon's own name and address, from its
// daemon.yaml (no daemon needed).
func Self(stateDir string) (name string, address string, err error) {
	data, err := os.ReadFile(filepath.Join(stateDir, "daemon.yaml"))
	if err != nil {
		return "", "", err
	}

	var cfg mctypes.DaemonConfig
	err = yaml.Unmarshal(data, &cfg)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", filepath.Join(stateDir, "daemon.yaml"), err)
	}

	if cfg.Name == "" || !cfg.Address.IsValid() {
		return "", "", fmt.Errorf("%s names no member and address: this machine is not part of a cluster", filepath.Join(stateDir, "daemon.yaml"))
	}

	return cfg.Name, cfg.Address.String(), nil
}

// Trusted reports whether a certificate (DER) is one of the members'
// certificates in a microcluster daemon's trust store.
func Trusted(stateDir string, der []byte) (bool, error) {
	files, err := filepath.Glob(filepath.Join(stateDir, "truststore", "*.yaml"))
	if err != nil {
		return false, err
	}

	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return false, err
		}

		var m mctypes.ClusterMemberLocal
		err = yaml.Unmarshal(data, &m)
		if err != nil {
			return false, fmt.Errorf("%s: %w", f, err)
		}

		if m.Certificate.Certificate != nil && bytes.Equal(m.Certificate.Raw, der) {
			return true, nil
		}
	}

	return false, nil
}
