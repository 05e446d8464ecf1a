//go:build system

package system

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	mcclient "github.com/canonical/microcluster/v2/client"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/microceph"
	"github.com/microcloud-project/microcloud/service/microovn"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/test/harness"
)

// The contract suite: MicroOVN's and MicroCeph's APIs exactly as the
// product uses them — its own clients and wire types, the initConfig its
// executor sends, and what microcloudd reads beside each daemon (MicroOVN's
// PKI and sockets, MicroCeph's ceph.conf). It looks at nothing that only
// the lab daemons have, so that the same tests judge any pair of daemons:
//
//	make contract LAB_BIN=/path/to/dir
//
// runs it with the lab-microovnd and lab-microcephd found in that directory
// (each started as 'NAME --state-dir DIR --verbose', as microcluster
// daemons take), for instance the real MicroOVN and MicroCeph.

// contractCluster forms a service's cluster on every lab node through the
// product's Service role, with the initConfig config(node) gives.
func contractCluster(t *testing.T, ctx context.Context, lab *harness.Lab, typ types.ServiceType, config func(string) map[string]string) map[string]service.Service {
	t.Helper()
	svcs := map[string]service.Service{}
	for _, node := range lab.Nodes {
		app := lab.Client(t, node).App()
		if typ != types.MicroCloud {
			var err error
			app, err = lab.Client(t, node).MicroclusterApp(typ)
			if err != nil {
				t.Fatal(err)
			}
		}

		svcs[node] = service.NewMicrocluster(typ, app)
		st, err := svcs[node].Status(ctx)
		if err != nil {
			t.Fatalf("%s on %s: status: %v", typ, node, err)
		}

		// The product's version gates must read whatever the daemon says.
		if _, err := plan.ParseVersion(st.Version); err != nil || st.Clustered {
			t.Fatalf("%s on %s: status %+v: %v", typ, node, st, err)
		}
	}

	first := lab.Nodes[0]
	err := svcs[first].Bootstrap(ctx, first, service.Address(typ, harness.MgmtIP(first)), config(first))
	if err != nil {
		t.Fatalf("%s: bootstrap: %v", typ, err)
	}

	for _, node := range lab.Nodes[1:] {
		token, err := svcs[first].IssueToken(ctx, node)
		if err != nil {
			t.Fatal(err)
		}

		err = svcs[node].Join(ctx, node, service.Address(typ, harness.MgmtIP(node)), token, config(node))
		if err != nil {
			t.Fatalf("%s: join %s: %v", typ, node, err)
		}
	}

	members, err := svcs[first].Members(ctx)
	if err != nil || len(members) != len(lab.Nodes) {
		t.Fatalf("%s members %+v (%v)", typ, members, err)
	}

	return svcs
}

// placement renders service rows as "service@member", sorted.
func placement[T any](rows []T, row func(T) string) string {
	var out []string
	for _, r := range rows {
		out = append(out, row(r))
	}

	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestContractMicroOVN: MicroOVN takes the executor's initConfig (each
// system's underlay under its host name, the receiver's under the plain
// key), places central, switch and chassis on three members, and leaves
// what microcloudd reads: every chassis' encapsulation IP in its own Open
// vSwitch database (run/switch), the chassis in the southbound database
// through the central's socket (run/ovn), and the client PKI (data/pki).
func TestContractMicroOVN(t *testing.T) {
	lab := harness.LabUp(t, 3, "lxd,microcloud,microovn")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	config := func(node string) map[string]string {
		c := map[string]string{"ovn-encap-ip": underlayIP(node)}
		for _, n := range lab.Nodes {
			c[n+".ovn-encap-ip"] = underlayIP(n)
		}

		return c
	}

	// microcloudd reads beside the daemons once it is part of a MicroCloud.
	contractCluster(t, ctx, lab, types.MicroCloud, func(string) map[string]string { return nil })
	svcs := contractCluster(t, ctx, lab, types.MicroOVN, config)
	ovn := microovn.New(mustLocalClient(t, svcs["micro01"]))
	entries, err := ovn.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}

	got := placement(entries, func(e microovn.ServiceEntry) string { return e.Service + "@" + e.Location })
	want := "central@micro01 central@micro02 central@micro03 chassis@micro01 chassis@micro02 chassis@micro03 switch@micro01 switch@micro02 switch@micro03"
	if got != want {
		t.Fatalf("services %s, want %s", got, want)
	}

	// The connection strings the executor gives LXD.
	addresses := map[string]string{}
	members, _ := svcs["micro01"].Members(ctx)
	for _, m := range members {
		addresses[m.Name] = m.Address
	}

	if nb := microovn.Northbound(entries, addresses); nb != "ssl:10.99.0.11:6641,ssl:10.99.0.12:6641,ssl:10.99.0.13:6641" {
		t.Fatalf("northbound %q", nb)
	}

	// A service enabled twice is an error, not a second copy.
	if err := ovn.EnableService(ctx, "micro02", "chassis"); err == nil {
		t.Fatal("enabling chassis twice on micro02 succeeded")
	}

	for _, node := range lab.Nodes {
		mc := lab.Client(t, node)
		ip, err := mc.OVNEncapIP(ctx)
		if err != nil || ip != underlayIP(node) {
			t.Fatalf("%s: encap IP in its switch database %q (%v), want %s", node, ip, err, underlayIP(node))
		}

		pki, err := mc.OVNPKI(ctx)
		if err != nil || !strings.Contains(pki.CACert, "BEGIN CERTIFICATE") || !strings.Contains(pki.ClientCert, "BEGIN CERTIFICATE") || pki.ClientKey == "" {
			t.Fatalf("%s: MicroOVN's client PKI: %v", node, err)
		}
	}

	harness.Eventually(t, time.Minute, time.Second, "three chassis with their planned encap IPs", func() error {
		report, err := lab.Client(t, "micro01").OVN(ctx, "")
		if err != nil {
			return err
		}

		var chassis []string
		for _, c := range report.Chassis {
			chassis = append(chassis, c.Hostname+"="+strings.Join(c.EncapIPs, ","))
		}

		got := strings.Join(chassis, " ")
		if got != "micro01=10.98.0.11 micro02=10.98.0.12 micro03=10.98.0.13" {
			return fmt.Errorf("chassis %s", got)
		}

		if len(report.Raft["OVN_Northbound"]) != 3 || len(report.Raft["OVN_Southbound"]) != 3 {
			return fmt.Errorf("raft %v", report.Raft)
		}

		return nil
	})
}

// TestContractMicroCeph: MicroCeph takes the executor's initConfig (its
// public and internal networks), joins one member at a time, places its
// monitors, managers and metadata servers on the first three, adds OSDs
// from the product's disk request (with its words when a path is bad),
// and sets every pool's replication, later pools' too.
func TestContractMicroCeph(t *testing.T) {
	lab := harness.LabUp(t, 3, "lxd,microcloud,microceph")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	contractCluster(t, ctx, lab, types.MicroCloud, func(string) map[string]string { return nil })
	svcs := contractCluster(t, ctx, lab, types.MicroCeph, func(node string) map[string]string {
		if node != lab.Nodes[0] {
			return nil
		}

		return map[string]string{"PublicNet": cephNet, "ClusterNet": cephNet}
	})

	ceph := microceph.New(mustLocalClient(t, svcs["micro01"]))
	services, err := ceph.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}

	got := placement(services, func(s microceph.Service) string { return s.Service + "@" + s.Location })
	want := "mds@micro01 mds@micro02 mds@micro03 mgr@micro01 mgr@micro02 mgr@micro03 mon@micro01 mon@micro02 mon@micro03"
	if got != want {
		t.Fatalf("services %s, want %s", got, want)
	}

	err = ceph.AddDisk(ctx, "micro02", microceph.DisksPost{Path: []string{"/dev/no-such-disk"}})
	if err == nil || !strings.Contains(err.Error(), "/dev/no-such-disk") {
		t.Fatalf("a disk that does not exist: %v", err)
	}

	for _, node := range lab.Nodes {
		err := ceph.AddDisk(ctx, node, microceph.DisksPost{Path: []string{"loop,2G,1"}})
		if err != nil {
			t.Fatalf("add a disk on %s: %v", node, err)
		}
	}

	disks, err := ceph.OSDs(ctx)
	if err != nil {
		t.Fatal(err)
	}

	if got := placement(disks, func(d microceph.Disk) string { return d.Location }); got != "micro01 micro02 micro03" {
		t.Fatalf("OSDs on %s", got)
	}

	err = ceph.SetReplication(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}

	pools, err := ceph.Pools(ctx)
	if err != nil {
		t.Fatal(err)
	}

	for _, p := range pools {
		if p.Size != 3 {
			t.Fatalf("pool %s has size %d after SetReplication(3)", p.Pool, p.Size)
		}
	}

	// microcloudd finds ceph.conf and the admin keyring beside MicroCeph.
	report, err := lab.Client(t, "micro01").Ceph(ctx)
	if err != nil {
		t.Fatalf("microcloudd's Ceph report: %v", err)
	}

	if len(report.Mons) != 3 {
		t.Fatalf("Ceph report %+v", report)
	}
}

func mustLocalClient(t *testing.T, svc service.Service) *mcclient.Client {
	t.Helper()
	c, err := svc.(*service.Microcluster).App().LocalClient()
	if err != nil {
		t.Fatal(err)
	}

	return c
}
