package microovn

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
)

// CLI runs OVN's own command line on a member, with MicroOVN's client
// certificate: for what MicroOVN's API does not offer (a chassis'
// encapsulation IPs, forgetting a dead member's chassis and raft seats).
type CLI struct {
	// PKI holds MicroOVN's certificates (its $SNAP_COMMON/data/pki).
	PKI string
	// Run is MicroOVN's runtime directory (its $SNAP_COMMON/run): ovn/
	// holds the central databases' sockets and control sockets, switch/
	// the Open vSwitch database's socket.
	Run string
}

// NewCLI is the CLI of the MicroOVN whose microcluster state is in
// stateDir, with its files where MicroOVN keeps them (beside that dir).
func NewCLI(stateDir string) CLI {
	common := filepath.Dir(stateDir)
	return CLI{PKI: filepath.Join(common, "data", "pki"), Run: filepath.Join(common, "run")}
}

const cliTimeout = 15 * time.Second

// centralDBs are OVN's clustered databases and their socket names.
var centralDBs = []struct{ name, short string }{{"OVN_Northbound", "nb"}, {"OVN_Southbound", "sb"}}

func (c CLI) ctl(short string) string {
	return filepath.Join(c.Run, "ovn", "ovn"+short+"_db.ctl")
}

// SwitchSocket is the local Open vSwitch database's socket.
func (c CLI) SwitchSocket() string {
	return filepath.Join(c.Run, "switch", "db.sock")
}

func run(ctx context.Context, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, cliTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).Output()
	if err != nil {
		msg := err.Error()
		if exit, ok := err.(*exec.ExitError); ok && len(exit.Stderr) > 0 {
			msg = strings.TrimSpace(string(exit.Stderr))
		}

		return "", fmt.Errorf("%s %s: %s", name, strings.Join(args, " "), msg)
	}

	return string(out), nil
}

// sbctl runs ovn-sbctl against the southbound database: this member's
// central socket when it runs one, else the given connection over TLS.
// The local server need not be the raft leader (ovn-sbctl otherwise
// refuses a follower, and the socket is its only remote): a follower
// serves the committed data and passes writes on to the leader.
func (c CLI) sbctl(ctx context.Context, southbound string, args ...string) (string, error) {
	local := filepath.Join(c.Run, "ovn", "ovnsb_db.sock")
	var db []string
	if _, err := os.Stat(local); err == nil {
		db = []string{"--db=unix:" + local, "--no-leader-only"}
	} else if southbound != "" {
		db = append([]string{"--db=" + southbound}, TLSFlags(c.PKI+"/client-privkey.pem", c.PKI+"/client-cert.pem", c.PKI+"/cacert.pem")...)
	} else {
		return "", fmt.Errorf("This machine runs no OVN central and no southbound connection was given")
	}

	return run(ctx, "ovn-sbctl", append(append(db, "--timeout=10"), args...)...)
}

// TLSFlags are the options of OVN's and OVS's clients for a TLS
// connection with a client key and certificate and the CA to trust.
func TLSFlags(key string, cert string, ca string) []string {
	return []string{"--private-key=" + key, "--certificate=" + cert, "--ca-cert=" + ca}
}

// Routers lists the logical routers of the northbound database at nb,
// connecting with the given client key, certificate and CA.
func (c CLI) Routers(ctx context.Context, nb string, key string, cert string, ca string) ([]string, error) {
	out, err := run(ctx, "ovn-nbctl", append(append([]string{"--db=" + nb}, TLSFlags(key, cert, ca)...),
		"--timeout=10", "--format=csv", "--data=bare", "--no-headings", "--columns=name", "list", "Logical_Router")...)
	if err != nil {
		return nil, err
	}

	var names []string
	for _, line := range strings.Split(out, "\n") {
		if name := strings.TrimSpace(line); name != "" {
			names = append(names, name)
		}
	}

	sort.Strings(names)
	return names, nil
}

// LocalEncapIP is the encapsulation IP this member's chassis is set up
// with: external_ids:ovn-encap-ip in the local Open vSwitch database,
// which is where MicroOVN writes it and ovn-controller reads it.
func (c CLI) LocalEncapIP(ctx context.Context) (string, error) {
	out, err := run(ctx, "ovs-vsctl", "--db=unix:"+c.SwitchSocket(), "--timeout=10", "--if-exists", "get", "Open_vSwitch", ".", "external_ids:ovn-encap-ip")
	if err != nil {
		return "", err
	}

	ip := strings.Trim(strings.TrimSpace(out), `"`)
	if ip == "" {
		return "", fmt.Errorf("The Open vSwitch database at %s has no ovn-encap-ip", c.SwitchSocket())
	}

	return ip, nil
}

// Report lists the chassis with their encapsulation IPs, and the raft
// servers of this member's central databases.
func (c CLI) Report(ctx context.Context, southbound string) (types.OVNReport, error) {
	out := types.OVNReport{Raft: map[string][]string{}}
	chassis, err := c.sbctl(ctx, southbound, "--format=csv", "--data=bare", "--no-headings", "--columns=name,hostname", "list", "Chassis")
	if err != nil {
		return out, err
	}

	encaps, err := c.sbctl(ctx, southbound, "--format=csv", "--data=bare", "--no-headings", "--columns=chassis_name,ip", "list", "Encap")
	if err != nil {
		return out, err
	}

	out.Chassis = parseChassis(chassis, encaps)
	for _, db := range centralDBs {
		servers, err := c.raftServers(ctx, db.name, db.short)
		if err == nil {
			for _, s := range servers {
				out.Raft[db.name] = append(out.Raft[db.name], s.address)
			}
		}
	}

	return out, nil
}

// parseChassis joins ovn-sbctl's bare CSV of Chassis (name,hostname) and
// Encap (chassis_name,ip).
func parseChassis(chassis string, encaps string) []types.OVNChassis {
	ips := map[string][]string{}
	for _, line := range strings.Split(encaps, "\n") {
		name, ip, ok := strings.Cut(strings.TrimSpace(line), ",")
		if ok {
			ips[name] = append(ips[name], ip)
		}
	}

	var out []types.OVNChassis
	for _, line := range strings.Split(chassis, "\n") {
		name, host, ok := strings.Cut(strings.TrimSpace(line), ",")
		if !ok {
			continue
		}

		sort.Strings(ips[name])
		out = append(out, types.OVNChassis{Name: name, Hostname: host, EncapIPs: ips[name]})
	}

	sort.Slice(out, func(i, j int) bool { return out[i].Hostname < out[j].Hostname })
	return out
}

type raftServer struct{ id, address string }

// raftServerLine is one server of "cluster/status": "    3c2e (3c2e at ssl:10.0.0.2:6643) ...".
var raftServerLine = regexp.MustCompile(`^\s+([0-9a-f]+) \(([0-9a-f]+) at ([^)]+)\)`)

func (c CLI) raftServers(ctx context.Context, db string, short string) ([]raftServer, error) {
	out, err := run(ctx, "ovs-appctl", "-t", c.ctl(short), "cluster/status", db)
	if err != nil {
		return nil, err
	}

	return parseRaftServers(out), nil
}

func parseRaftServers(status string) []raftServer {
	var servers []raftServer
	in := false
	for _, line := range strings.Split(status, "\n") {
		if strings.HasPrefix(line, "Servers:") {
			in = true
			continue
		}

		if in {
			m := raftServerLine.FindStringSubmatch(line)
			if m == nil {
				break
			}

			servers = append(servers, raftServer{id: m[1], address: m[3]})
		}
	}

	return servers
}

// Forget drops what a member that is gone for good left in OVN: its
// chassis (and so its Encap records) from the southbound database, and,
// run on a surviving central, its seats in both raft clusters (kicked, so
// that the survivors' quorum counts only live servers). What is already
// gone is skipped.
func (c CLI) Forget(ctx context.Context, f types.Forget) ([]string, error) {
	var actions []string
	report, err := c.Report(ctx, f.Southbound)
	if err != nil {
		return nil, err
	}

	for _, ch := range report.Chassis {
		if ch.Hostname != f.Member && ch.Name != f.Member {
			continue
		}

		_, err := c.sbctl(ctx, f.Southbound, "chassis-del", ch.Name)
		if err != nil {
			return actions, err
		}

		actions = append(actions, "deleted chassis "+ch.Name+" from the southbound database")
	}

	if f.Address == "" {
		return actions, nil
	}

	for _, db := range centralDBs {
		servers, err := c.raftServers(ctx, db.name, db.short)
		if err != nil {
			continue
		}

		for _, s := range servers {
			host := s.address[strings.Index(s.address, ":")+1:]
			host = host[:strings.LastIndex(host, ":")]
			if strings.Trim(host, "[]") != f.Address {
				continue
			}

			_, err := run(ctx, "ovs-appctl", "-t", c.ctl(db.short), "cluster/kick", db.name, s.id)
			if err != nil {
				return actions, err
			}

			actions = append(actions, fmt.Sprintf("kicked %s's server %s out of %s", f.Member, s.id, db.name))
		}
	}

	return actions, nil
}
