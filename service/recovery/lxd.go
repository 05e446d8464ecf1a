package recovery

import (
	"context"
	"os"
	"path/filepath"
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
