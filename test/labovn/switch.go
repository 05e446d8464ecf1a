package labovn

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

// phyBridge holds the encapsulation IP. With the userspace datapath, Geneve
// packets only leave through an OVS bridge whose port is the underlay
// interface; the IP must sit on that bridge or tunnels silently drop.
const phyBridge = "br-phy"

func ovsEnv(l Layout) []string {
	return []string{"OVS_RUNDIR=" + l.SwitchRun, "OVS_DBDIR=" + l.SwitchDB, "OVS_LOGDIR=" + l.Logs}
}

func (n *Node) switchDBProc() labsvc.Proc {
	return labsvc.Proc{
		Name:    "ovsdb-server (Open_vSwitch)",
		PidFile: filepath.Join(n.layout.SwitchRun, "ovsdb-server-supervise.pid"),
		LogFile: filepath.Join(n.layout.Logs, "ovsdb-server-switch.out"),
		Command: []string{"ovsdb-server", filepath.Join(n.layout.SwitchDB, "conf.db"),
			"--remote=punix:" + n.layout.SwitchSocket(),
			"--pidfile=" + filepath.Join(n.layout.SwitchRun, "ovsdb-server.pid"),
			"--log-file=" + filepath.Join(n.layout.Logs, "ovsdb-server-switch.log"), "-vconsole:off"},
		Env: ovsEnv(n.layout),
	}
}

func (n *Node) vswitchdProc() labsvc.Proc {
	return labsvc.Proc{
		Name:    "ovs-vswitchd",
		PidFile: filepath.Join(n.layout.SwitchRun, "ovs-vswitchd-supervise.pid"),
		LogFile: filepath.Join(n.layout.Logs, "ovs-vswitchd.out"),
		Command: []string{"ovs-vswitchd", "unix:" + n.layout.SwitchSocket(),
			"--pidfile=" + filepath.Join(n.layout.SwitchRun, "ovs-vswitchd.pid"),
			"--log-file=" + filepath.Join(n.layout.Logs, "ovs-vswitchd.log"), "-vconsole:off"},
		Env: ovsEnv(n.layout),
	}
}

// vsctl runs ovs-vsctl against this member's switch.
func (n *Node) vsctl(ctx context.Context, args ...string) (string, error) {
	return labsvc.RunEnv(ctx, ovsEnv(n.layout), "ovs-vsctl", append([]string{"--db=unix:" + n.layout.SwitchSocket(), "--timeout=30"}, args...)...)
}

// startSwitch runs the local Open vSwitch (database and switch daemon).
func (n *Node) startSwitch(ctx context.Context) error {
	for _, dir := range []string{n.layout.SwitchRun, n.layout.SwitchDB} {
		err := os.MkdirAll(dir, 0o755)
		if err != nil {
			return err
		}
	}

	err := linkSwitch(n.layout.SwitchSocket())
	if err != nil {
		return err
	}

	db := filepath.Join(n.layout.SwitchDB, "conf.db")
	if _, err := os.Stat(db); err != nil {
		_, err := labsvc.Run(ctx, "ovsdb-tool", "create", db, switchSchema)
		if err != nil {
			return err
		}
	}

	err = n.switchDBProc().Start()
	if err != nil {
		return err
	}

	err = labsvc.WaitFor(ctx, 20*time.Second, "the switch database", func() error {
		_, err := n.vsctl(ctx, "--no-wait", "init")
		return err
	})
	if err != nil {
		return err
	}

	return n.vswitchdProc().Start()
}

// linkSwitch points the node's default switch socket at MicroOVN's.
func linkSwitch(socket string) error {
	link := filepath.Join(OVSRunDir, "db.sock")
	if target, err := os.Readlink(link); err == nil && target == socket {
		return nil
	}

	err := os.MkdirAll(OVSRunDir, 0o755)
	if err != nil {
		return err
	}

	err = os.Remove(link)
	if err != nil && !os.IsNotExist(err) {
		return err
	}

	return os.Symlink(socket, link)
}

// attachUnderlay moves the encapsulation IP's interface into the netdev
// bridge br-phy, with every address it has. It is skipped when the IP is the
// member's own cluster address: moving the management interface under a
// restarting userspace switch would cut the member off, so in the lab a
// dedicated underlay is needed for a working Geneve dataplane.
func (n *Node) attachUnderlay(ctx context.Context, encapIP string, underlayFile string) error {
	if encapIP == n.ip {
		n.warn("Encapsulation IP is the member's cluster address; Geneve traffic needs a dedicated underlay in the lab")
		return nil
	}

	iface, err := InterfaceOf(encapIP)
	if err != nil {
		// After a switch restart the bridge's tap device is new and bare:
		// put the recorded addresses back on it. An address that is on no
		// interface and was never recorded is taken as given, as MicroOVN
		// does: Geneve to it simply will not work.
		if _, statErr := os.Stat(underlayFile); statErr != nil {
			n.warn("Encapsulation IP " + encapIP + " is not an address of this machine: tunnels to it will not work")
			return nil
		}

		return n.restoreUnderlay(ctx, underlayFile)
	}

	if iface.Name == phyBridge {
		return nil
	}

	addrs, err := iface.Addrs()
	if err != nil {
		return err
	}

	var cidrs []string
	for _, a := range addrs {
		if ipnet, ok := a.(*net.IPNet); ok && ipnet.IP.IsGlobalUnicast() {
			cidrs = append(cidrs, ipnet.String())
		}
	}

	_, err = n.vsctl(ctx, "--may-exist", "add-br", phyBridge, "--", "set", "bridge", phyBridge, "datapath_type=netdev",
		"--", "--may-exist", "add-port", phyBridge, iface.Name)
	if err != nil {
		return err
	}

	err = os.WriteFile(underlayFile, []byte(iface.Name+" "+strings.Join(cidrs, " ")+"\n"), 0o600)
	if err != nil {
		return err
	}

	return n.moveAddresses(ctx, iface.Name, cidrs)
}

func (n *Node) moveAddresses(ctx context.Context, from string, cidrs []string) error {
	err := labsvc.WaitFor(ctx, 20*time.Second, phyBridge+" to appear", func() error {
		_, err := net.InterfaceByName(phyBridge)
		return err
	})
	if err != nil {
		return err
	}

	for _, cidr := range cidrs {
		if from != "" {
			_, _ = labsvc.Run(ctx, "ip", "addr", "del", cidr, "dev", from)
		}

		_, err := labsvc.Run(ctx, "ip", "addr", "replace", cidr, "dev", phyBridge)
		if err != nil {
			return err
		}
	}

	_, err = labsvc.Run(ctx, "ip", "link", "set", phyBridge, "up")
	return err
}

func (n *Node) restoreUnderlay(ctx context.Context, underlayFile string) error {
	data, err := os.ReadFile(underlayFile)
	if err != nil {
		return fmt.Errorf("Encapsulation IP is on no interface and no underlay was recorded: %w", err)
	}

	fields := strings.Fields(string(data))
	if len(fields) < 2 {
		return fmt.Errorf("Recorded underlay %q is incomplete", underlayFile)
	}

	return n.moveAddresses(ctx, "", fields[1:])
}

func (n *Node) stopSwitch() {
	_ = n.vswitchdProc().Stop(10 * time.Second)
	_ = n.switchDBProc().Stop(10 * time.Second)
}
