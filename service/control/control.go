// Package control stops and starts the daemons of a machine: recovery from
// quorum loss rewrites a service's database, which its own daemon must not
// hold open meanwhile.
package control

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Daemon names what Stop and Start act on.
type Daemon string

// The daemons recovery stops and starts.
const (
	MicroCloud Daemon = "microcloud"
	MicroOVN   Daemon = "microovn"
	// MicroOVNCentral are this machine's OVN central programs (the
	// northbound and southbound database servers and ovn-northd), which
	// MicroOVN runs as services of their own: their raft databases are
	// rewritten while they are stopped.
	MicroOVNCentral Daemon = "microovn-central"
	MicroCeph       Daemon = "microceph"
	// CephMon is this machine's Ceph monitor, which MicroCeph runs as its
	// own service: its monmap is rewritten while it is stopped.
	CephMon Daemon = "microceph-mon"
	LXD     Daemon = "lxd"
)

// Control stops and starts a machine's daemons. Stop returns once the
// daemon is gone; Start once it has been started (not once it is ready:
// the caller waits for the daemon's own readiness).
type Control interface {
	Stop(ctx context.Context, d Daemon) error
	Start(ctx context.Context, d Daemon) error
}

// timeout bounds one stop or start: a clustered daemon without quorum may
// spend a while looking for a leader before it exits.
const timeout = 90 * time.Second

// Command runs an operator-given program as "PROGRAM stop|start DAEMON"
// (microcloudd --service-control): for service managers other than
// systemd, and for the lab.
type Command struct {
	Program string
}

// Stop implements Control.
func (c Command) Stop(ctx context.Context, d Daemon) error {
	return run(ctx, c.Program, "stop", string(d))
}

// Start implements Control.
func (c Command) Start(ctx context.Context, d Daemon) error {
	return run(ctx, c.Program, "start", string(d))
}

// Systemd drives the snaps' systemd units (and microcloudd's from the
// Debian package).
type Systemd struct{}

// SnapUnits are the systemd units of the snaps' daemons.
var SnapUnits = map[Daemon][]string{
	MicroCloud:      {"snap.microcloud.daemon.service"},
	MicroOVN:        {"snap.microovn.daemon.service"},
	MicroOVNCentral: {"snap.microovn.ovn-ovsdb-server-nb.service", "snap.microovn.ovn-ovsdb-server-sb.service", "snap.microovn.ovn-northd.service"},
	MicroCeph:       {"snap.microceph.daemon.service"},
	CephMon:         {"snap.microceph.mon.service"},
	LXD:             {"snap.lxd.daemon.service"},
}

// Stop implements Control.
func (Systemd) Stop(ctx context.Context, d Daemon) error {
	units, err := snapUnits(d)
	if err != nil {
		return err
	}

	return run(ctx, "systemctl", append([]string{"stop"}, units...)...)
}

// Start implements Control.
func (Systemd) Start(ctx context.Context, d Daemon) error {
	units, err := snapUnits(d)
	if err != nil {
		return err
	}

	return run(ctx, "systemctl", append([]string{"start"}, units...)...)
}

// debUnit is the systemd unit of microcloudd installed from the Debian
// package, which takes precedence over the snap's when it is there.
const debUnit = "/lib/systemd/system/microcloud.service"

func snapUnits(d Daemon) ([]string, error) {
	if _, err := os.Stat(debUnit); err == nil && d == MicroCloud {
		return []string{filepath.Base(debUnit)}, nil
	}

	units, ok := SnapUnits[d]
	if !ok {
		return nil, fmt.Errorf("Unknown daemon %q", d)
	}

	return units, nil
}

// New is the Control microcloudd uses: the given program, else systemd.
func New(program string) Control {
	if program != "" {
		return Command{Program: program}
	}

	return Systemd{}
}

func run(ctx context.Context, program string, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, program, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", program, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}

	return nil
}
