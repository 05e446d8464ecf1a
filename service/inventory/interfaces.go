package inventory

import (
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/microcloud-project/microcloud/api/types"
)

// SysClassNet is where the kernel describes network interfaces.
const SysClassNet = "/sys/class/net"

// Interfaces lists the machine's network interfaces as the kernel of the
// current network namespace sees them, sorted by name. Eligibility is not
// filled in here (see Classify) and neither is Managed (LXD knows that).
func Interfaces() ([]types.Interface, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, err
	}

	out := make([]types.Interface, 0, len(ifaces))
	for _, ni := range ifaces {
		addrs, err := ni.Addrs()
		if err != nil {
			return nil, err
		}

		out = append(out, describeInterface(ni, addrs, SysClassNet))
	}

	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func describeInterface(ni net.Interface, addrs []net.Addr, sysfs string) types.Interface {
	iface := types.Interface{
		Name:      ni.Name,
		MTU:       ni.MTU,
		HWAddr:    ni.HardwareAddr.String(),
		Type:      interfaceType(ni, filepath.Join(sysfs, ni.Name)),
		State:     "down",
		Master:    linkBase(filepath.Join(sysfs, ni.Name, "master")),
		Addresses: GlobalAddresses(addrs),
	}

	// Operational state: administratively up and with carrier (RUNNING).
	// operstate alone says "unknown" for tun and loopback devices.
	if ni.Flags&net.FlagUp != 0 && ni.Flags&net.FlagRunning != 0 {
		iface.State = "up"
	}

	return iface
}

// GlobalAddresses keeps the addresses that can be reached from other
// machines (no loopback, no link-local) in CIDR form.
func GlobalAddresses(addrs []net.Addr) []string {
	out := []string{}
	for _, a := range addrs {
		ipnet, ok := a.(*net.IPNet)
		if !ok || !ipnet.IP.IsGlobalUnicast() {
			continue
		}

		out = append(out, ipnet.String())
	}

	return out
}

// interfaceType names the kind of link from sysfs: the kernel marks bridges,
// bonds and tun devices with directories or files, VLANs and others with
// DEVTYPE in uevent, physical NICs with a device link; a link whose iflink is
// another interface (veth, macvlan) without a DEVTYPE is reported as veth.
func interfaceType(ni net.Interface, dir string) string {
	if ni.Flags&net.FlagLoopback != 0 {
		return "loopback"
	}

	exists := func(name string) bool {
		_, err := os.Stat(filepath.Join(dir, name))
		return err == nil
	}

	switch {
	case exists("bridge"):
		return "bridge"
	case exists("bonding"):
		return "bond"
	case exists("tun_flags"):
		return "tun"
	}

	if devtype := ueventValue(filepath.Join(dir, "uevent"), "DEVTYPE"); devtype != "" {
		return devtype
	}

	if exists("device") {
		return "physical"
	}

	iflink, err1 := readInt(filepath.Join(dir, "iflink"))
	ifindex, err2 := readInt(filepath.Join(dir, "ifindex"))
	if err1 == nil && err2 == nil && iflink != ifindex {
		return "veth"
	}

	return "unknown"
}

func ueventValue(path string, key string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}

	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if ok && k == key {
			return v
		}
	}

	return ""
}

func readInt(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}

	return strconv.Atoi(strings.TrimSpace(string(data)))
}

// linkBase returns the base name a symlink points to, or "" if there is none.
func linkBase(path string) string {
	target, err := os.Readlink(path)
	if err != nil {
		return ""
	}

	return filepath.Base(target)
}
