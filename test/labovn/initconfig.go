package labovn

import (
	"fmt"
	"net"
	"strings"
)

// initConfig keys MicroOVN reads, plus the per-host form
// MicroCloud's underlay design passes for every system.
const (
	keyEncapIP  = "ovn-encap-ip"
	keyCACert   = "ovn-ca-cert"
	keyCAKey    = "ovn-ca-key"
	keyServices = "ovn-services"
)

// RequestedServices reads "ovn-services": "auto" (or nothing) leaves the
// choice to MicroOVN; otherwise a comma-separated list of central, chassis
// and switch, as MicroOVN reads it. ok is false for "auto".
func RequestedServices(initConfig map[string]string) (services []string, ok bool, err error) {
	value, set := initConfig[keyServices]
	if !set || value == "auto" {
		return nil, false, nil
	}

	for _, svc := range strings.Split(value, ",") {
		switch svc {
		case ServiceCentral, ServiceChassis, ServiceSwitch:
			services = append(services, svc)
		default:
			return nil, false, fmt.Errorf("failed to parse requested services: invalid service requested: %s", svc)
		}
	}

	return services, true, nil
}

// EncapIP picks this member's Geneve encapsulation IP from initConfig: the
// plain "ovn-encap-ip", the only key MicroOVN reads, taken as given (like
// MicroOVN, which checks neither that it is an IP nor that it is local),
// else the member's own address. Per-host keys ("<name>.ovn-encap-ip",
// which MicroCloud also sends) are ignored, as MicroOVN ignores them.
func EncapIP(initConfig map[string]string, fallback string) string {
	if value := initConfig[keyEncapIP]; value != "" {
		return value
	}

	return fallback
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
