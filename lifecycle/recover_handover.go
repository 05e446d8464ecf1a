package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service/recovery"
)

// handoverWait bounds the wait for a member to restart as a member that
// waits for its database.
const handoverWait = time.Minute

// handOver asks a kept member to stop its MicroCloud database and wait for
// the recovered one, and waits until it does.
func handOver(ctx context.Context, env Env, local *client.Client, self string, peer string, address string) error {
	if address == "" {
		return fmt.Errorf("%s has no address in MicroCloud's files", peer)
	}

	if local.HandoverWaiting(ctx, address) {
		return nil
	}

	err := local.RequestHandover(ctx, address, self)
	if err != nil {
		return fmt.Errorf("%s did not stop its MicroCloud database: %w", peer, err)
	}

	deadline := time.Now().Add(handoverWait)
	for !local.HandoverWaiting(ctx, address) {
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not come back waiting for MicroCloud's database within %s", peer, handoverWait)
		}

		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}

	env.say("  %s: its MicroCloud database is stopped until the recovered one arrives", peer)
	return nil
}

// deliverHandover gives every other kept member the tarball that the
// recovery left (a no-op without one), then drops it. microcloudd is
// stopped or serves the recovered database already.
func deliverHandover(ctx context.Context, env Env, local *client.Client, keep []string) error {
	dir := local.StateDir()
	copyPath := filepath.Join(dir, recovery.HandoverCopy)
	if len(keep) > 1 && !exists(copyPath) && exists(filepath.Join(dir, recovery.Tarball)) {
		// Interrupted between the recovery and its copy: microcloudd has
		// not loaded the tarball yet.
		err := copyFile(filepath.Join(dir, recovery.Tarball), copyPath)
		if err != nil {
			return err
		}
	}

	data, err := os.ReadFile(copyPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}

	if err != nil {
		return err
	}

	self, _, err := recovery.Self(dir)
	if err != nil {
		return err
	}

	addresses, err := clusterAddresses(dir)
	if err != nil {
		return err
	}

	for _, peer := range others(keep, self) {
		if !local.HandoverWaiting(ctx, addresses[peer]) {
			// Delivered before an interruption: it runs with it.
			continue
		}

		err := local.SendHandover(ctx, addresses[peer], data)
		if err != nil {
			return fmt.Errorf("%s did not take MicroCloud's recovered database: %w", peer, err)
		}

		env.say("  %s: starts with MicroCloud's recovered database", peer)
	}

	return os.Remove(copyPath)
}

// clusterAddresses are the members' cluster addresses (host:port) in a
// microcluster daemon's files.
func clusterAddresses(stateDir string) (map[string]string, error) {
	members, err := recovery.Members(stateDir)
	if err != nil {
		return nil, err
	}

	out := map[string]string{}
	for _, m := range members {
		out[m.Name] = m.Address
	}

	return out, nil
}

// others are the kept members other than this machine.
func others(keep []string, self string) []string {
	var out []string
	for _, name := range keep {
		if name != self {
			out = append(out, name)
		}
	}

	return out
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// copyFile copies src to dst, whole or not at all.
func copyFile(src string, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}

	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}

	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}

	if closeErr := out.Close(); err == nil {
		err = closeErr
	}

	if err != nil {
		_ = os.Remove(tmp)
		return err
	}

	return os.Rename(tmp, dst)
}
