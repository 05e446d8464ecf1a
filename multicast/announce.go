package multicast

import (
	"fmt"
	"io"
	"log"
	"net"

	"github.com/hashicorp/mdns"
)

// Announcer answers mDNS queries for this machine until stopped.
type Announcer struct {
	server *mdns.Server
}

// InstanceName makes the mDNS instance label: the host name (cut to fit a
// DNS label) and the start of the fingerprint, so that two machines with
// the same host name stay distinct (and are then refused as duplicates).
func InstanceName(name string, fingerprint string) string {
	suffix := fingerprint
	if len(suffix) > 12 {
		suffix = suffix[:12]
	}

	if len(name) > 63-13 {
		name = name[:63-13]
	}

	return name + "-" + suffix
}

// Announce starts answering for a on iface, with the interface's addresses.
func Announce(iface *net.Interface, a Announcement) (*Announcer, error) {
	families, err := ProbeFamilies(iface)
	if err != nil {
		return nil, err
	}

	var ips []net.IP
	addrs, _ := iface.Addrs()
	for _, addr := range addrs {
		ipnet, ok := addr.(*net.IPNet)
		if !ok || !ipnet.IP.IsGlobalUnicast() {
			continue
		}

		if (ipnet.IP.To4() != nil && families.IPv4) || (ipnet.IP.To4() == nil && families.IPv6) {
			ips = append(ips, ipnet.IP)
		}
	}

	if len(ips) == 0 {
		return nil, fmt.Errorf("%s has no address to announce", iface.Name)
	}

	zone, err := mdns.NewMDNSService(InstanceName(a.Name, a.Fingerprint), Service, "local.", hostLabel(a.Name)+".local.", a.Port, ips, a.TXT())
	if err != nil {
		return nil, err
	}

	server, err := mdns.NewServer(&mdns.Config{Zone: zone, Iface: iface, Logger: log.New(io.Discard, "", 0)})
	if err != nil {
		return nil, fmt.Errorf("Failed to announce on %s: %w", iface.Name, err)
	}

	return &Announcer{server: server}, nil
}

// hostLabel keeps a host name usable as an mDNS host.
func hostLabel(name string) string {
	if len(name) > 63 {
		return name[:63]
	}

	return name
}

// Stop ends the announcement.
func (a *Announcer) Stop() {
	if a != nil && a.server != nil {
		_ = a.server.Shutdown()
	}
}
