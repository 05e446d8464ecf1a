package labovn

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

func (n *Node) controllerProc() labsvc.Proc {
	cert, key := n.layout.Cert("ovn-controller")
	run := n.layout.OVNRun
	return labsvc.Proc{
		Name:    "ovn-controller",
		PidFile: filepath.Join(n.layout.OVNRun, "ovn-controller-supervise.pid"),
		LogFile: filepath.Join(n.layout.Logs, "ovn-controller.out"),
		// Debian's ovn-controller 23.03 refuses --unixctl: its control
		// socket goes to $OVN_RUNDIR/ovn-controller.<pid>.ctl.
		Command: []string{"ovn-controller", "unix:" + n.layout.SwitchSocket(),
			"--private-key=" + key, "--certificate=" + cert, "--ca-cert=" + n.layout.CACert(),
			"--pidfile=" + filepath.Join(run, "ovn-controller.pid"),
			"--log-file=" + filepath.Join(n.layout.Logs, "ovn-controller.log"), "-vconsole:off"},
		Env: append(ovsEnv(n.layout), "OVN_RUNDIR="+run),
	}
}

// configureChassis tells ovn-controller who this chassis is and where the
// southbound database and the tunnel endpoint are.
func (n *Node) configureChassis(ctx context.Context, encapIP string, centralIPs []string) error {
	_, err := n.vsctl(ctx, "set", "open_vswitch", ".",
		"external_ids:system-id="+n.name,
		"external_ids:hostname="+n.name,
		"external_ids:ovn-remote="+Connect("ssl", centralIPs, SBPort),
		"external_ids:ovn-encap-type=geneve",
		"external_ids:ovn-encap-ip="+encapIP,
		"external_ids:ovn-bridge-datapath-type=netdev")
	return err
}

// setRemote points ovn-controller (and LXD) at the current centrals.
func (n *Node) setRemote(ctx context.Context, centralIPs []string) error {
	_, err := n.vsctl(ctx, "set", "open_vswitch", ".", "external_ids:ovn-remote="+Connect("ssl", centralIPs, SBPort))
	return err
}

func (n *Node) startChassis() error {
	err := os.MkdirAll(n.layout.OVNRun, 0o755)
	if err != nil {
		return err
	}

	return n.controllerProc().Start()
}

// stopChassis stops ovn-controller. A chassis that leaves for good asks it
// to exit first, as MicroOVN does: ovn-controller then deletes its own
// Chassis and Encap records from the southbound database.
func (n *Node) stopChassis(ctx context.Context, leave bool) {
	p := n.controllerProc()
	pid, alive := p.Pid()
	if leave && alive {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		ctl := filepath.Join(n.layout.OVNRun, fmt.Sprintf("ovn-controller.%d.ctl", pid))
		_, err := labsvc.Run(ctx, "ovn-appctl", "-t", ctl, "exit")
		cancel()

		// It answers at once, then deletes its records and exits: a
		// SIGTERM before then would leave them behind.
		for deadline := time.Now().Add(10 * time.Second); err == nil && p.Alive() && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
	}

	_ = p.Stop(10 * time.Second)
}
