package recovery

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Monitor is this machine's Ceph monitor, as its data lies on disk.
type Monitor struct {
	Name    string
	DataDir string
	Conf    string
}

// MonitorOf finds this machine's monitor beside MicroCeph's state directory
// (MicroCeph keeps monitors in $SNAP_COMMON/data/mon/ceph-<host>, the lab
// the same way); ok is false when this machine runs none.
func MonitorOf(cephStateDir string, host string, conf string) (Monitor, bool) {
	dir := filepath.Join(filepath.Dir(cephStateDir), "data", "mon", "ceph-"+host)
	if _, err := os.Stat(dir); err != nil {
		return Monitor{}, false
	}

	return Monitor{Name: host, DataDir: dir, Conf: conf}, true
}

var monmapEntry = regexp.MustCompile(`(?m)^\s*\d+: .* mon\.(\S+)\s*$`)

// MonmapNames are the monitors a "monmaptool --print" lists.
func MonmapNames(printed string) []string {
	var out []string
	for _, m := range monmapEntry.FindAllStringSubmatch(printed, -1) {
		out = append(out, m[1])
	}

	sort.Strings(out)
	return out
}

// ShrinkMonmap reduces a stopped monitor's monmap to the kept monitors and
// injects it: Ceph's own procedure for a cluster that lost a majority of
// its monitors. It returns the monitors it dropped (none when that was done
// before).
func ShrinkMonmap(ctx context.Context, mon Monitor, keep []string) ([]string, error) {
	tmp, err := os.MkdirTemp("", "monmap-")
	if err != nil {
		return nil, err
	}

	defer func() { _ = os.RemoveAll(tmp) }()
	path := filepath.Join(tmp, "monmap")
	base := []string{"-i", mon.Name, "--mon-data", mon.DataDir}
	if mon.Conf != "" {
		base = append(base, "-c", mon.Conf)
	}

	_, err = command(ctx, "ceph-mon", append(base, "--extract-monmap", path)...)
	if err != nil {
		return nil, err
	}

	printed, err := command(ctx, "monmaptool", "--print", path)
	if err != nil {
		return nil, err
	}

	drop := Lost(MonmapNames(printed), keep)
	if len(drop) == 0 {
		return nil, nil
	}

	args := []string{path}
	for _, name := range drop {
		args = append(args, "--rm", name)
	}

	_, err = command(ctx, "monmaptool", args...)
	if err != nil {
		return nil, err
	}

	_, err = command(ctx, "ceph-mon", append(base, "--inject-monmap", path)...)
	if err != nil {
		return nil, err
	}

	return drop, nil
}

func command(ctx context.Context, name string, args ...string) (string, error) {
	return commandEnv(ctx, nil, name, args...)
}

// commandEnv runs a program (with env, when not nil) and returns its output,
// or an error that quotes the command and what it said.
func commandEnv(ctx context.Context, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}

	return string(out), nil
}
