package labovn

import (
	"fmt"
	"net"
	"strings"
)

// initConfig keys MicroOVN reads, plus the per-host form
// MicroCloud's underlay design passes for every system.
const (
	keyEncapIP = "ovn-encap-ip"
	keyCACert  = "ovn-ca-cert"
	keyCAKey   = "ovn-ca-key"
)

// EncapIP picks this member's Geneve encapsulation IP from initConfig:
// "<name>.ovn-encap-ip" first, then plain "ovn-encap-ip", then the member's
// own address. Keys of other hosts are ignored.
func EncapIP(initConfig map[string]string, name string, fallback string) (string, error) {
	value, key := initConfig[name+"."+keyEncapIP], name+"."+keyEncapIP
	if value == "" {
		value, key = initConfig[keyEncapIP], keyEncapIP
	}

	if value == "" {
		return fallback, nil
	}

	ip := net.ParseIP(strings.TrimSpace(value))
	if ip == nil {
		return "", fmt.Errorf("initConfig %q: %q is not an IP address", key, value)
	}

	return ip.String(), nil
}

// CheckLocalIP refuses an encapsulation IP that no interface of this machine
// holds: OVN would register a tunnel endpoint nobody answers on.
func CheckLocalIP(ip string, addrs []net.Addr) error {
	want := net.ParseIP(ip)
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.Equal(want) {
			return nil
		}
	}

	return fmt.Errorf("Encapsulation IP %s is not an address of this machine", ip)
}

// InterfaceOf finds the interface that holds ip.
func InterfaceOf(ip string) (*net.Interface, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, err
	}

	want := net.ParseIP(ip)
	for i := range ifaces {
		addrs, err := ifaces[i].Addrs()
		if err != nil {
			continue
		}

		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.Equal(want) {
				return &ifaces[i], nil
			}
		}
	}

	return nil, fmt.Errorf("No interface holds %s", ip)
}
