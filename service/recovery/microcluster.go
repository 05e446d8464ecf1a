package recovery

import (
	"github.com/canonical/microcluster/v2/cluster"
	"github.com/canonical/microcluster/v2/microcluster"
)

// Members reads a microcluster daemon's members from its state directory
// (its trust store and dqlite's files): it works while the database has no
// quorum, and while the daemon is stopped.
func Members(stateDir string) ([]cluster.DqliteMember, error) {
	app, err := microcluster.App(microcluster.Args{StateDir: stateDir})
	if err != nil {
		return nil, err
	}

	return app.GetDqliteClusterMembers()
}

// NeedsMicrocluster reports whether a microcluster database still has
// other voters than the kept members.
func NeedsMicrocluster(stateDir string, keep []string) (bool, error) {
	members, err := Members(stateDir)
	if err != nil {
		return false, err
	}

	_, changed, err := Reconfigured(members, keep)
	return changed, err
}

// RecoverMicrocluster runs microcluster's quorum-loss recovery on a stopped
// daemon's state directory: the kept members become the voters. The daemon
// loads the result when it starts. It does nothing when that was done
// already.
func RecoverMicrocluster(stateDir string, keep []string) (bool, error) {
	members, err := Members(stateDir)
	if err != nil {
		return false, err
	}

	reconfigured, changed, err := Reconfigured(members, keep)
	if err != nil || !changed {
		return false, err
	}

	app, err := microcluster.App(microcluster.Args{StateDir: stateDir})
	if err != nil {
		return false, err
	}

	_, err = app.RecoverFromQuorumLoss(reconfigured)
	if err != nil {
		return false, err
	}

	return true, nil
}
