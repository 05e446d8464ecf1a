package labovn

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
)

// Connect builds an OVSDB connection string ("ssl:10.0.0.1:6641,ssl:...").
func Connect(proto string, ips []string, port int) string {
	sorted := append([]string(nil), ips...)
	sort.Strings(sorted)
	parts := make([]string, 0, len(sorted))
	for _, ip := range sorted {
		parts = append(parts, proto+":"+net.JoinHostPort(ip, strconv.Itoa(port)))
	}

	return strings.Join(parts, ",")
}

// Env is MicroOVN's ovn.env: where the OVN databases are, for the member's
// own programs and for LXD (newer LXD reads it to find the northbound DB).
type Env struct {
	CentralIPs []string
	LocalIP    string
}

// NBConnect is the northbound connection string.
func (e Env) NBConnect() string {
	return Connect("ssl", e.CentralIPs, NBPort)
}

// SBConnect is the southbound connection string.
func (e Env) SBConnect() string {
	return Connect("ssl", e.CentralIPs, SBPort)
}

// Render writes ovn.env.
func (e Env) Render() string {
	initial := ""
	for _, ip := range e.CentralIPs {
		if ip != e.LocalIP || len(e.CentralIPs) == 1 {
			initial = ip
			break
		}
	}

	return fmt.Sprintf("OVN_INITIAL_NB=%q\nOVN_INITIAL_SB=%q\nOVN_NB_CONNECT=%q\nOVN_SB_CONNECT=%q\nOVN_LOCAL_IP=%q\n",
		initial, initial, e.NBConnect(), e.SBConnect(), e.LocalIP)
}
