package session

import (
	"bufio"
	"io"
	"os"
	"strings"
)

// defaultRoute is an interface holding a default route of one family.
type defaultRoute struct {
	iface string
	ipv6  bool
}

// defaultRoutes lists the default routes, IPv4 first (/proc/net/route),
// then IPv6 (/proc/net/ipv6_route): the address of such an interface is the
// natural one for MicroCloud when a machine has several and the operator
// named none (doc/how-to/init.md, "--auto").
func defaultRoutes() []defaultRoute {
	var out []defaultRoute
	if f, err := os.Open("/proc/net/route"); err == nil {
		for _, name := range parseRoute4(f) {
			out = append(out, defaultRoute{iface: name})
		}

		_ = f.Close()
	}

	if f, err := os.Open("/proc/net/ipv6_route"); err == nil {
		for _, name := range parseRoute6(f) {
			out = append(out, defaultRoute{iface: name, ipv6: true})
		}

		_ = f.Close()
	}

	return out
}

// parseRoute4 reads /proc/net/route: "Iface Destination Gateway Flags ...",
// the default route has destination and mask 00000000.
func parseRoute4(r io.Reader) []string {
	var out []string
	s := bufio.NewScanner(r)
	for s.Scan() {
		f := strings.Fields(s.Text())
		if len(f) >= 8 && f[1] == "00000000" && f[7] == "00000000" {
			out = append(out, f[0])
		}
	}

	return out
}

// parseRoute6 reads /proc/net/ipv6_route: destination, prefix length, ...,
// interface last; the default route is ::/0 (not the loopback's).
func parseRoute6(r io.Reader) []string {
	var out []string
	s := bufio.NewScanner(r)
	for s.Scan() {
		f := strings.Fields(s.Text())
		if len(f) >= 10 && f[0] == strings.Repeat("0", 32) && f[1] == "00" && f[9] != "lo" {
			out = append(out, f[9])
		}
	}

	return out
}
