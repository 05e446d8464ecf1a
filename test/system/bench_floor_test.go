//go:build system

package system

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/microcluster/v2/microcluster"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/microceph"
	"github.com/microcloud-project/microcloud/service/microovn"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/service/setup"
	"github.com/microcloud-project/microcloud/test/harness"
)

// The raw floor: what a careful script does to form the same cloud as
// `microcloud init --preseed` with spec, calling each service directly on
// its own unix socket, one step after another: MicroCloud's, MicroOVN's
// and MicroCeph's bootstrap and joins with the same initConfig, MicroCeph's
// disks and replication, LXD's cluster, and the same pools, networks and
// default profile (setup.DesiredLXD, as the product derives them). No
// discovery, no trust session, no checks, no verification: only the work.

// floorApp is a microcluster daemon's handle on its own state dir.
func floorApp(t *testing.T, lab *harness.Lab, node string, dir string) *microcluster.MicroCluster {
	t.Helper()
	app, err := microcluster.App(microcluster.Args{StateDir: filepath.Join(lab.NodeDir(node), dir)})
	if err != nil {
		t.Fatal(err)
	}

	return app
}

func floorLXD(t *testing.T, lab *harness.Lab, node string) lxd.InstanceServer {
	t.Helper()
	c, err := lxd.ConnectLXDUnix(filepath.Join(lab.NodeDir(node), "lxd", "unix.socket"), nil)
	if err != nil {
		t.Fatal(err)
	}

	return c
}

// floorCluster bootstraps a microcluster service on the first node (and
// waits until it is a member, as a script must before it asks for tokens)
// and joins the others one at a time.
func floorCluster(t *testing.T, ctx context.Context, lab *harness.Lab, nodes []string, typ types.ServiceType, dir string, config func(string) map[string]string) *microcluster.MicroCluster {
	t.Helper()
	app := floorApp(t, lab, nodes[0], dir)
	first := service.NewMicrocluster(typ, app)
	err := first.Bootstrap(ctx, nodes[0], service.Address(typ, harness.MgmtIP(nodes[0])), config(nodes[0]))
	if err != nil {
		t.Fatalf("floor: %v", err)
	}

	for _, node := range nodes[1:] {
		token, err := first.IssueToken(ctx, node)
		if err != nil {
			t.Fatal(err)
		}

		err = service.NewMicrocluster(typ, floorApp(t, lab, node, dir)).Join(ctx, node, service.Address(typ, harness.MgmtIP(node)), token, config(node))
		if err != nil {
			t.Fatalf("floor: %s join %s: %v", typ, node, err)
		}
	}

	return app
}

// specPlan is the plan `init` makes of spec, for setup.DesiredLXD.
func specPlan(spec cloudSpec) plan.Plan {
	p := plan.Plan{Mode: plan.ModeInit, Initiator: spec.nodes[0], LocalPool: &plan.LocalPool{Driver: plan.DriverDir}}
	for _, n := range spec.nodes {
		s := plan.System{Name: n, Address: harness.MgmtIP(n)}
		if spec.ovn {
			s.UplinkInterface = "uplink0"
		}

		if spec.underlay {
			s.UnderlayIP = underlayIP(n)
		}

		p.Systems = append(p.Systems, s)
	}

	if len(spec.ceph) > 0 {
		p.Ceph = &plan.Ceph{PublicNetwork: cephNet}
	}

	if spec.ovn {
		p.OVN = &plan.OVN{}
		if spec.ipv4 {
			p.OVN.IPv4Gateway, p.OVN.IPv4Range = "10.96.0.1/24", "10.96.0.100-10.96.0.150"
		}

		if spec.ipv6 {
			p.OVN.IPv6Gateway = "fd96::1/64"
		}
	}

	return p
}

// floorInit forms spec's cloud the raw way and returns how long it took.
func floorInit(t *testing.T, lab *harness.Lab, spec cloudSpec) time.Duration {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	nodes := spec.nodes
	none := func(string) map[string]string { return nil }
	start := time.Now()

	floorCluster(t, ctx, lab, nodes, types.MicroCloud, "microcloud", none)
	var ovnApp *microcluster.MicroCluster
	if spec.ovn {
		ovnApp = floorCluster(t, ctx, lab, nodes, types.MicroOVN, "microovn/state", func(node string) map[string]string {
			config := map[string]string{}
			if spec.underlay {
				config["ovn-encap-ip"] = underlayIP(node)
			}

			return config
		})
	}

	if len(spec.ceph) > 0 {
		cephApp := floorCluster(t, ctx, lab, nodes, types.MicroCeph, "microceph/state", func(node string) map[string]string {
			if node != nodes[0] {
				return nil
			}

			return map[string]string{"PublicNet": cephNet, "ClusterNet": cephNet}
		})

		c, err := cephApp.LocalClient()
		if err != nil {
			t.Fatal(err)
		}

		ceph := microceph.New(c)
		for _, node := range spec.ceph {
			err := ceph.AddDisk(ctx, node, microceph.DisksPost{Path: []string{"loop,2G,1"}})
			if err != nil {
				t.Fatalf("floor: disk on %s: %v", node, err)
			}
		}

		err = ceph.SetReplication(ctx, int64(min(len(spec.ceph), 3)))
		if err != nil {
			t.Fatal(err)
		}
	}

	floorLXDCluster(t, ctx, lab, nodes)
	floorLXDObjects(t, ctx, lab, spec, ovnApp)
	return time.Since(start)
}

func floorLXDCluster(t *testing.T, ctx context.Context, lab *harness.Lab, nodes []string) {
	t.Helper()
	first := floorLXD(t, lab, nodes[0])
	err := service.LXDBootstrap(ctx, first, nodes[0], service.LXDAddress(harness.MgmtIP(nodes[0])))
	if err != nil {
		t.Fatalf("floor: LXD bootstrap: %v", err)
	}

	waitLXDOnline(t, ctx, first, nodes[0])

	cert, err := service.LXDClusterCertificate(first)
	if err != nil {
		t.Fatal(err)
	}

	for _, node := range nodes[1:] {
		token, err := service.LXDIssueToken(first, node)
		if err != nil {
			t.Fatalf("floor: LXD token for %s: %v", node, err)
		}

		err = service.LXDJoin(ctx, floorLXD(t, lab, node), token, cert, service.LXDAddress(harness.MgmtIP(node)), nil)
		if err != nil {
			t.Fatalf("floor: LXD join %s: %v", node, err)
		}
	}
}

// floorLXDObjects gives LXD the OVN connection (and, for this LXD without
// ovn_ssl_config, MicroOVN's client PKI in each node's /etc/ovn), then the
// product's pools, networks and default profile.
func floorLXDObjects(t *testing.T, ctx context.Context, lab *harness.Lab, spec cloudSpec, ovnApp *microcluster.MicroCluster) {
	t.Helper()
	l := floorLXD(t, lab, spec.nodes[0])
	server, etag, err := l.GetServer()
	if err != nil {
		t.Fatal(err)
	}

	if ovnApp != nil {
		c, err := ovnApp.LocalClient()
		if err != nil {
			t.Fatal(err)
		}

		entries, err := microovn.New(c).Services(ctx)
		if err != nil {
			t.Fatal(err)
		}

		addresses := map[string]string{}
		for _, n := range spec.nodes {
			addresses[n] = service.Address(types.MicroOVN, harness.MgmtIP(n))
		}

		for _, n := range spec.nodes {
			pki := filepath.Join(lab.NodeDir(n), "microovn", "data", "pki")
			etcOVN := filepath.Join(lab.NodeDir(n), "root", "etc", "ovn")
			for from, to := range map[string]string{"cacert.pem": "ovn-central.crt", "client-cert.pem": "cert_host", "client-privkey.pem": "key_host"} {
				data, err := os.ReadFile(filepath.Join(pki, from))
				if err == nil {
					err = os.WriteFile(filepath.Join(etcOVN, to), data, 0o600)
				}

				if err != nil {
					t.Fatalf("floor: OVN PKI for LXD on %s: %v", n, err)
				}
			}
		}

		put := server.Writable()
		put.Config["network.ovn.northbound_connection"] = microovn.Northbound(entries, addresses)
		err = l.UpdateServer(put, etag)
		if err != nil {
			t.Fatal(err)
		}
	}

	want := setup.DesiredLXD(specPlan(spec), server.APIExtensions, false)
	for _, p := range want.Pools {
		for _, n := range spec.nodes {
			err := l.UseTarget(n).CreateStoragePool(api.StoragePoolsPost{Name: p.Name, Driver: p.Type, StoragePoolPut: api.StoragePoolPut{Config: p.Member[n]}})
			if err != nil {
				t.Fatalf("floor: pool %s on %s: %v", p.Name, n, err)
			}
		}

		err := l.CreateStoragePool(api.StoragePoolsPost{Name: p.Name, Driver: p.Type, StoragePoolPut: api.StoragePoolPut{Config: p.Config, Description: p.Description}})
		if err != nil {
			t.Fatalf("floor: pool %s: %v", p.Name, err)
		}
	}

	for _, nw := range want.Networks {
		if len(nw.Member) > 0 {
			for _, n := range spec.nodes {
				err := l.UseTarget(n).CreateNetwork(api.NetworksPost{Name: nw.Name, Type: nw.Type, NetworkPut: api.NetworkPut{Config: nw.Member[n]}})
				if err != nil {
					t.Fatalf("floor: network %s on %s: %v", nw.Name, n, err)
				}
			}
		}

		err := l.CreateNetwork(api.NetworksPost{Name: nw.Name, Type: nw.Type, NetworkPut: api.NetworkPut{Config: nw.Config, Description: nw.Description}})
		if err != nil {
			t.Fatalf("floor: network %s: %v", nw.Name, err)
		}
	}

	profile, etag, err := l.GetProfile("default")
	if err != nil {
		t.Fatal(err)
	}

	put := profile.Writable()
	put.Devices = map[string]map[string]string{
		"root": {"type": "disk", "path": "/", "pool": want.RootPool},
		"eth0": {"type": "nic", "name": "eth0", "network": want.NICNetwork},
	}

	err = l.UpdateProfile("default", put, etag)
	if err != nil {
		t.Fatal(fmt.Errorf("floor: default profile: %w", err))
	}
}

// waitLXDOnline waits until a just-bootstrapped LXD lists itself as an
// online member: it is offline until its first heartbeat, and LXD issues
// no join token before.
func waitLXDOnline(t *testing.T, ctx context.Context, first lxd.InstanceServer, name string) {
	t.Helper()
	harness.Eventually(t, time.Minute, 50*time.Millisecond, "LXD on "+name+" to be an online member", func() error {
		members, err := service.NewLXD(first).Members(ctx)
		if err != nil || len(members) != 1 || members[0].Status != "Online" {
			return fmt.Errorf("members %+v (%v)", members, err)
		}

		return nil
	})
}
