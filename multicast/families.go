package multicast

import (
	"fmt"
	"net"
)

// groupV4 is mDNS's IPv4 group: an interface without a route to it cannot
// carry IPv4 discovery.
var groupV4 = &net.UDPAddr{IP: net.ParseIP("224.0.0.251"), Port: 5353}

// Families says which address families can carry mDNS on an interface, and
// why one cannot. hashicorp/mdns's querier joins the IPv4 group without
// naming an interface, which fails when no route covers 224.0.0.251, and one
// family's failing send aborts a whole query; so the families are chosen up
// front instead of letting the library drop one silently or fail.
type Families struct {
	IPv4, IPv6 bool
	Notes      []string
}

// ProbeFamilies checks an interface.
func ProbeFamilies(iface *net.Interface) (Families, error) {
	addrs, err := iface.Addrs()
	if err != nil {
		return Families{}, err
	}

	var has4, has6 bool
	for _, a := range addrs {
		ipnet, ok := a.(*net.IPNet)
		if !ok {
			continue
		}

		if ipnet.IP.To4() != nil {
			has4 = true
		} else {
			has6 = true
		}
	}

	f := Families{}
	if has6 {
		f.IPv6 = true
	} else {
		f.Notes = append(f.Notes, fmt.Sprintf("IPv6 is disabled on %s", iface.Name))
	}

	switch {
	case !has4:
		f.Notes = append(f.Notes, fmt.Sprintf("%s has no IPv4 address", iface.Name))
	default:
		conn, err := net.ListenMulticastUDP("udp4", nil, groupV4)
		if err != nil {
			f.Notes = append(f.Notes, fmt.Sprintf("IPv4 multicast has no route (add one with 'ip route add 224.0.0.0/4 dev %s')", iface.Name))
		} else {
			_ = conn.Close()
			f.IPv4 = true
		}
	}

	if !f.IPv4 && !f.IPv6 {
		return f, fmt.Errorf("No multicast discovery is possible on %s (%v); use the initiator's address instead (--initiator-address)", iface.Name, f.Notes)
	}

	return f, nil
}
