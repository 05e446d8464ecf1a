package recovery

import (
	"context"
	"os"
	"path/filepath"
	"slices"
)

// RecoverLXD runs LXD's own recovery from quorum loss on a stopped LXD
// (its directory is the one holding its unix socket): the local member
// becomes the database's only voter. The members it lost stay listed until
// they are removed (forced).
func RecoverLXD(ctx context.Context, socket string) error {
	cmd := "lxd"
	env := append(os.Environ(), "LXD_DIR="+filepath.Dir(socket))
	_, err := commandEnv(ctx, env, cmd, "cluster", "recover-from-quorum-loss", "--quiet")
	return err
}

// LXDMember is an LXD cluster member's name and database roles.
type LXDMember struct {
	Name  string
	Roles []string
}

// LXDQuorumLost reports whether the kept members are no majority of LXD's
// voters (its members with the database or database-leader role).
func LXDQuorumLost(members []LXDMember, keep []string) bool {
	voters, kept := 0, 0
	for _, m := range members {
		if !slices.Contains(m.Roles, "database") && !slices.Contains(m.Roles, "database-leader") {
			continue
		}

		voters++
		if slices.Contains(keep, m.Name) {
			kept++
		}
	}

	return voters > 0 && kept*2 <= voters
}
