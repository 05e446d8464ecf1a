package setup

import (
	"reflect"
	"testing"

	"github.com/microcloud-project/microcloud/service/plan"
)

func TestDesiredLXDFullStackOnOldLXD(t *testing.T) {
	p := plan.Plan{Initiator: "a", LocalPool: &plan.LocalPool{Driver: plan.DriverDir}, Ceph: &plan.Ceph{},
		OVN:     &plan.OVN{IPv4Gateway: "10.96.0.1/24", IPv4Range: "10.96.0.100-10.96.0.150", IPv6Gateway: "fd96::1/64"},
		Systems: []plan.System{{Name: "a", UplinkInterface: "eth1"}, {Name: "b", UplinkInterface: "enp6s0"}}}

	c := DesiredLXD(p, nil, false)
	if len(c.Pools) != 2 || c.Pools[0].Name != PoolLocal || c.Pools[0].Type != "dir" || c.Pools[1].Name != PoolRemote {
		t.Fatalf("pools %+v", c.Pools)
	}

	// LXD 5.0 lacks storage_remote_drop_source and storage_ceph_use_rbd_defaults.
	if c.Pools[1].Member["b"]["source"] != "lxd_remote" || c.Pools[1].Config["ceph.rbd.features"] == "" || c.Pools[1].Config["ceph.osd.pool_name"] != "lxd_remote" {
		t.Fatalf("remote pool %+v", c.Pools[1])
	}

	uplink := c.Networks[0]
	want := map[string]string{"ipv4.gateway": "10.96.0.1/24", "ipv4.ovn.ranges": "10.96.0.100-10.96.0.150", "ipv6.gateway": "fd96::1/64", "dns.nameservers": "10.96.0.1,fd96::1"}
	if uplink.Name != NetworkUplink || uplink.Type != "physical" || !reflect.DeepEqual(uplink.Config, want) || uplink.Member["b"]["parent"] != "enp6s0" {
		t.Fatalf("uplink %+v", uplink)
	}

	if c.Networks[1].Name != NetworkDefault || c.Networks[1].Config["network"] != NetworkUplink || len(c.Networks[1].Member) != 0 {
		t.Fatalf("default network %+v", c.Networks[1])
	}

	// No rbd in the kernel: root disks stay local.
	if c.RootPool != PoolLocal || c.NICNetwork != NetworkDefault {
		t.Fatalf("profile root %q nic %q", c.RootPool, c.NICNetwork)
	}
}

func TestDesiredLXDVariants(t *testing.T) {
	newLXD := []string{"storage_remote_drop_source", "storage_ceph_use_rbd_defaults"}
	p := plan.Plan{LocalPool: &plan.LocalPool{Driver: plan.DriverZFS}, Ceph: &plan.Ceph{CephFS: true},
		Systems: []plan.System{{Name: "a", LocalDisk: &plan.Disk{Path: "/dev/sdb", Wipe: true}}}}
	c := DesiredLXD(p, newLXD, true)
	if !reflect.DeepEqual(c.Pools[0].Member["a"], map[string]string{"source": "/dev/sdb", "source.wipe": "true"}) {
		t.Fatalf("zfs member config %+v", c.Pools[0].Member)
	}

	if len(c.Pools[1].Member["a"]) != 0 || c.Pools[1].Config["ceph.rbd.features"] != "" || c.Pools[2].Name != PoolRemoteFS {
		t.Fatalf("ceph pools on new LXD %+v", c.Pools[1:])
	}

	// rbd everywhere: root disks on Ceph. No OVN: a bridge per member.
	if c.RootPool != PoolRemote || c.NICNetwork != NetworkBridge || c.Networks[0].Type != "bridge" {
		t.Fatalf("root %q nic %q networks %+v", c.RootPool, c.NICNetwork, c.Networks)
	}
}

func TestDesiredLXDIPv6OnlyUplink(t *testing.T) {
	p := plan.Plan{LocalPool: &plan.LocalPool{Driver: plan.DriverDir}, OVN: &plan.OVN{IPv6Gateway: "fd96::1/64"},
		Systems: []plan.System{{Name: "a", UplinkInterface: "eth1"}}}
	c := DesiredLXD(p, nil, false)
	want := map[string]string{"ipv6.gateway": "fd96::1/64", "dns.nameservers": "fd96::1"}
	if !reflect.DeepEqual(c.Networks[0].Config, want) {
		t.Fatalf("uplink %+v", c.Networks[0].Config)
	}

	if !reflect.DeepEqual(c.Networks[1].Config, map[string]string{"network": NetworkUplink, "ipv4.address": "none"}) {
		t.Fatalf("default network %+v", c.Networks[1].Config)
	}
}
