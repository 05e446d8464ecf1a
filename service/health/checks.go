// Package health tells how a MicroCloud is doing, in one place: every
// service's members and their states, Ceph's health and OSDs, OVN's
// chassis and LXD's pools and networks, checked against each other.
package health

import (
	"fmt"
	"sort"
	"strings"

	"github.com/microcloud-project/microcloud/api/types"
)

// Levels of a Report and of its messages.
const (
	Healthy = "HEALTHY"
	Warning = "WARNING"
	Error   = "ERROR"
)

// Snapshot is what Gather read. A field left empty (with its error in
// Errors) is a source that did not answer in time.
type Snapshot struct {
	// Members lists each clustered service's members (name to state).
	Members map[types.ServiceType]map[string]string
	// Addresses are the MicroCloud members' addresses.
	Addresses map[string]string
	// OVNServices lists the MicroOVN services of each member.
	OVNServices map[string][]string
	// Ceph is Ceph's own report; nil when the cloud has no MicroCeph or
	// it did not answer.
	Ceph *types.CephReport
	// OVN is OVN's chassis; nil when the cloud has no MicroOVN or it did
	// not answer.
	OVN *types.OVNReport
	// PlannedEncapIPs are the encapsulation IPs the members' chassis were
	// given, as MicroCloud recorded them.
	PlannedEncapIPs map[string]string
	// Pools and Networks are LXD's, with their state (Created, Pending,
	// Errored).
	Pools    map[string]string
	Networks map[string]string
	// Versions are each service's version on each member that answered.
	Versions map[types.ServiceType]map[string]string
	// Unreachable are the members whose microcloudd does not answer.
	Unreachable []string
	// Errors are the sources that failed, with why.
	Errors []string
	// Recovery is a quorum recovery started on this machine that has not
	// finished; nil when there is none.
	Recovery *Recovery
}

// Recovery is an unfinished 'microcloud cluster recover': the members it
// keeps and those it drops.
type Recovery struct {
	Keep []string
	Lost []string
}

// Message is one finding and what to do about it.
type Message struct {
	Level string `json:"level" yaml:"level"`
	Text  string `json:"text" yaml:"text"`
}

// MemberRow is one member's line of the report.
type MemberRow struct {
	Name     string            `json:"name" yaml:"name"`
	Address  string            `json:"address" yaml:"address"`
	Services map[string]string `json:"services" yaml:"services"`
	OVNRoles []string          `json:"ovn_roles" yaml:"ovn_roles"`
	OSDs     string            `json:"osds" yaml:"osds"`
	EncapIPs []string          `json:"encap_ips" yaml:"encap_ips"`
}

// Report is the verdict: the worst level, the findings, one row a member.
type Report struct {
	Status   string      `json:"status" yaml:"status"`
	Messages []Message   `json:"messages" yaml:"messages"`
	Members  []MemberRow `json:"members" yaml:"members"`
}

// serviceColumns are the services in the order a report shows them.
var serviceColumns = []types.ServiceType{types.MicroCloud, types.LXD, types.MicroOVN, types.MicroCeph}

// Evaluate checks a snapshot.
func Evaluate(s Snapshot) Report {
	r := Report{Status: Healthy, Messages: []Message{}}
	add := func(level string, format string, args ...any) {
		r.Messages = append(r.Messages, Message{Level: level, Text: fmt.Sprintf(format, args...)})
		if level == Error || r.Status == Healthy {
			r.Status = level
		}
	}

	if s.Recovery != nil {
		add(Error, "%s", s.Recovery.Finding())
	}

	for _, e := range s.Errors {
		add(Error, "%s", e)
	}

	for _, name := range s.Unreachable {
		add(Error, "%s does not answer: check that the machine is up and runs microcloudd; if it is gone for good, 'microcloud remove --force %s'", name, name)
	}

	cloud := s.Members[types.MicroCloud]
	if n := len(cloud); n < 3 {
		add(Warning, "Reliability risk: %d member(s); 3 are needed to survive the loss of one (grow with 'microcloud add')", n)
	}

	for _, t := range serviceColumns[1:] {
		members, ok := s.Members[t]
		if !ok {
			continue
		}

		if missing := difference(cloud, members); len(missing) > 0 {
			add(Error, "%s is not on %s: add it to that service or remove the machine with 'microcloud remove'", t, strings.Join(missing, ", "))
		}

		if extra := difference(members, cloud); len(extra) > 0 {
			add(Error, "%s has members that MicroCloud does not: %s (remove them from %s, or add the machines with 'microcloud add')", t, strings.Join(extra, ", "), t)
		}
	}

	for _, t := range serviceColumns {
		for _, name := range sortedKeys(s.Members[t]) {
			state := s.Members[t][name]
			if !online(state) {
				add(Error, "%s on %s is %s: check the machine and its %s daemon", t, name, state, t)
			}
		}
	}

	for _, t := range serviceColumns {
		if skew := versionSkew(s.Versions[t]); skew != "" {
			add(Warning, "%s runs different versions: %s (upgrade every member to the same one)", t, skew)
		}
	}

	if _, ok := s.Members[types.MicroCeph]; ok && s.Ceph != nil {
		evaluateCeph(s, add)
	}

	if _, ok := s.Members[types.MicroOVN]; ok && s.OVN != nil {
		evaluateOVN(s, add)
	}

	for _, kind := range []struct {
		what  string
		items map[string]string
	}{{"storage pool", s.Pools}, {"network", s.Networks}} {
		for _, name := range sortedKeys(kind.items) {
			if state := kind.items[name]; !strings.EqualFold(state, "Created") {
				add(Error, "LXD %s %s is %s: see 'lxc %s show %s'", kind.what, name, state, map[string]string{"storage pool": "storage", "network": "network"}[kind.what], name)
			}
		}
	}

	r.Members = rows(s)
	return r
}

func evaluateCeph(s Snapshot, add func(string, string, ...any)) {
	hosts := 0
	for _, h := range s.Ceph.Hosts {
		if len(h.OSDs) > 0 {
			hosts++
		}

		for _, osd := range h.OSDs {
			if !osd.Up {
				add(Error, "Ceph's osd.%d on %s is down", osd.ID, h.Name)
			}
		}
	}

	if hosts < 3 {
		add(Warning, "Data loss risk: %d machine(s) hold OSDs; Ceph keeps 3 copies only with disks on 3 machines", hosts)
	}

	switch s.Ceph.Health {
	case "HEALTH_OK":
	case "HEALTH_WARN":
		add(Warning, "Ceph is HEALTH_WARN: %s (see 'ceph health detail')", strings.Join(s.Ceph.Checks, "; "))
	default:
		add(Error, "Ceph is %s: %s (see 'ceph health detail')", s.Ceph.Health, strings.Join(s.Ceph.Checks, "; "))
	}

	for _, mon := range s.Ceph.Mons {
		if _, ok := s.Members[types.MicroCeph][mon]; !ok {
			add(Error, "Ceph's monmap has %s, which is no MicroCeph member: remove it with 'microcloud remove --force %s'", mon, mon)
		}
	}
}

func evaluateOVN(s Snapshot, add func(string, string, ...any)) {
	chassis := map[string]types.OVNChassis{}
	for _, c := range s.OVN.Chassis {
		chassis[c.Hostname] = c
	}

	for _, name := range sortedKeys(s.Members[types.MicroOVN]) {
		if !contains(s.OVNServices[name], "chassis") {
			continue
		}

		c, ok := chassis[name]
		if !ok {
			add(Error, "OVN has no chassis for %s: its ovn-controller is not running or cannot reach the southbound database", name)
			continue
		}

		if len(c.EncapIPs) == 0 {
			add(Error, "OVN's chassis %s has no encapsulation IP", name)
			continue
		}

		if want := s.PlannedEncapIPs[name]; want != "" && !contains(c.EncapIPs, want) {
			add(Error, "OVN's chassis %s uses encapsulation IP %s, not the planned %s: on %s, run 'ovs-vsctl set open_vswitch . external_ids:ovn-encap-ip=%s'",
				name, strings.Join(c.EncapIPs, ","), want, name, want)
		}
	}

	for _, host := range sortedKeys(chassis) {
		if _, ok := s.Members[types.MicroOVN][host]; !ok {
			add(Warning, "OVN has a chassis %s, which is no MicroOVN member: remove it with 'microcloud remove --force %s' if the machine is gone", host, host)
		}
	}
}

func rows(s Snapshot) []MemberRow {
	names := map[string]bool{}
	for _, members := range s.Members {
		for m := range members {
			names[m] = true
		}
	}

	var out []MemberRow
	for _, name := range sortedKeys(names) {
		row := MemberRow{Name: name, Address: s.Addresses[name], Services: map[string]string{}, OVNRoles: s.OVNServices[name]}
		for _, t := range serviceColumns {
			if members, ok := s.Members[t]; ok {
				state, in := members[name]
				if !in {
					state = "-"
				}

				row.Services[string(t)] = state
			}
		}

		if s.Ceph != nil {
			for _, h := range s.Ceph.Hosts {
				if h.Name == name {
					up := 0
					for _, o := range h.OSDs {
						if o.Up {
							up++
						}
					}

					row.OSDs = fmt.Sprintf("%d/%d up", up, len(h.OSDs))
				}
			}
		}

		if s.OVN != nil {
			for _, c := range s.OVN.Chassis {
				if c.Hostname == name {
					row.EncapIPs = c.EncapIPs
				}
			}
		}

		out = append(out, row)
	}

	return out
}

// versionSkew describes the versions of a service when members differ
// ("5.0.2 on micro01, micro02; 5.21.0 on micro03"), else "".
func versionSkew(versions map[string]string) string {
	on := map[string][]string{}
	for _, m := range sortedKeys(versions) {
		on[versions[m]] = append(on[versions[m]], m)
	}

	if len(on) < 2 {
		return ""
	}

	var parts []string
	for _, v := range sortedKeys(on) {
		parts = append(parts, v+" on "+strings.Join(on[v], ", "))
	}

	return strings.Join(parts, "; ")
}

func online(state string) bool {
	return strings.EqualFold(state, "ONLINE")
}

func difference[V any](a map[string]V, b map[string]string) []string {
	var out []string
	for _, k := range sortedKeys(a) {
		if _, ok := b[k]; !ok {
			out = append(out, k)
		}
	}

	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}

	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}

	return false
}

// Finding is what a report says of an unfinished recovery: until it ends,
// the dropped members may still be listed and the services may not all
// have their quorum back.
func (r Recovery) Finding() string {
	lost := "none"
	if len(r.Lost) > 0 {
		lost = strings.Join(r.Lost, ", ")
	}

	return fmt.Sprintf("A quorum recovery started on this machine has not finished (keeping %s, dropping %s): run 'microcloud cluster recover' again here to finish it", strings.Join(r.Keep, ", "), lost)
}
