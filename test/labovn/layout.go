// Package labovn is the lab's MicroOVN: a microcluster daemon that serves the
// part of MicroOVN's API that MicroCloud uses and drives Debian's real OVN and
// Open vSwitch programs inside a lab node. Services follow MicroOVN: central
// (clustered NB and SB databases over raft, ovn-northd) on the first three
// members, switch (ovsdb-server + ovs-vswitchd, userspace datapath) and
// chassis (ovn-controller) on every member. All OVSDB traffic uses TLS with a
// CA made at bootstrap (or given in initConfig).
package labovn

import (
	"path/filepath"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

// Ports of the central services.
const (
	NBPort     = 6641
	SBPort     = 6642
	NBRaftPort = 6643
	SBRaftPort = 6644
)

// Schemas shipped by Debian's OVN and OVS packages.
const (
	nbSchema     = "/usr/share/ovn/ovn-nb.ovsschema"
	sbSchema     = "/usr/share/ovn/ovn-sb.ovsschema"
	switchSchema = "/usr/share/openvswitch/vswitch.ovsschema"
)

// OVSRunDir is where Open vSwitch's tools look for the switch by default.
// The switch lives under MicroOVN's own run/switch, as with the real
// MicroOVN; inside a lab node (where this directory is the node's own) a
// link to its socket stands for the snap plumbing that shows MicroOVN's
// switch to LXD, so LXD's ovs-vsctl finds it without configuration.
const OVSRunDir = "/run/openvswitch"

// Layout is where the lab MicroOVN keeps its files, after MicroOVN's snap
// layout ($SNAP_COMMON/data/pki, data/central/db, data/switch/db, data/env).
type Layout struct {
	labsvc.Dirs
	PKI       string
	CentralDB string
	SwitchDB  string
	Env       string
	Run       string
	// OVNRun holds the OVN programs' sockets and control sockets
	// (run/ovn), SwitchRun Open vSwitch's (run/switch), as MicroOVN's.
	OVNRun    string
	SwitchRun string
}

// NewLayout derives the layout from the service's directories.
func NewLayout(d labsvc.Dirs) Layout {
	return Layout{
		Dirs:      d,
		PKI:       filepath.Join(d.Data, "pki"),
		CentralDB: filepath.Join(d.Data, "central", "db"),
		SwitchDB:  filepath.Join(d.Data, "switch", "db"),
		Env:       filepath.Join(d.Data, "env"),
		Run:       filepath.Join(d.Common, "run"),
		OVNRun:    filepath.Join(d.Common, "run", "ovn"),
		SwitchRun: filepath.Join(d.Common, "run", "switch"),
	}
}

// SwitchSocket is the Open vSwitch database's socket.
func (l Layout) SwitchSocket() string {
	return filepath.Join(l.SwitchRun, "db.sock")
}

// Cert returns the certificate and key paths of one OVN service ("ovnnb",
// "ovnsb", "ovn-northd", "ovn-controller", "client").
func (l Layout) Cert(service string) (cert string, key string) {
	return filepath.Join(l.PKI, service+"-cert.pem"), filepath.Join(l.PKI, service+"-privkey.pem")
}

// CACert is the CA certificate every OVN program trusts.
func (l Layout) CACert() string {
	return filepath.Join(l.PKI, "cacert.pem")
}

// EncapIPFile records this member's chosen encapsulation IP across restarts.
func (l Layout) EncapIPFile() string {
	return filepath.Join(l.Data, "encap-ip")
}
