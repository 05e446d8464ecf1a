// Package setup carries out a plan: it forms MicroCloud, MicroOVN, MicroCeph
// and LXD clusters phase by phase and configures LXD. Every step checks
// whether it is already done, so that running the same plan again after a
// failure finishes the job without doing anything twice.
package setup

import (
	"strings"

	"github.com/microcloud-project/microcloud/service/plan"
)

// Names of what MicroCloud creates in LXD.
const (
	PoolLocal      = "local"
	PoolRemote     = "remote"
	PoolRemoteFS   = "remote-fs"
	NetworkUplink  = "UPLINK"
	NetworkDefault = "default"
	NetworkBridge  = "lxdbr0"
	CephPoolRemote = "lxd_remote"
)

// LXDObject is a storage pool or network: per-member pending config first,
// then one cluster-wide create.
type LXDObject struct {
	Name        string
	Type        string // pool driver or network type
	Description string
	Member      map[string]map[string]string
	Config      map[string]string
}

// LXDConfig is everything the plan asks of LXD.
type LXDConfig struct {
	Pools    []LXDObject
	Networks []LXDObject

	// Root and NIC of the default profile.
	RootPool   string
	NICNetwork string
}

// DesiredLXD derives LXD's objects from the plan. lxdExtensions are those
// of the cluster's LXD (all members run the same release), rbd says whether
// every member's kernel can map Ceph volumes (instances on a ceph pool can
// only start then).
func DesiredLXD(p plan.Plan, lxdExtensions []string, rbd bool) LXDConfig {
	has := func(ext string) bool {
		for _, e := range lxdExtensions {
			if e == ext {
				return true
			}
		}

		return false
	}

	var c LXDConfig
	members := func(config func(plan.System) map[string]string) map[string]map[string]string {
		out := map[string]map[string]string{}
		for _, s := range p.Everyone() {
			out[s.Name] = config(s)
		}

		return out
	}

	if p.LocalPool != nil {
		local := LXDObject{Name: PoolLocal, Type: p.LocalPool.Driver}
		switch p.LocalPool.Driver {
		case plan.DriverZFS:
			local.Description = "Local storage on ZFS"
			local.Member = members(func(s plan.System) map[string]string {
				config := map[string]string{}
				if s.LocalDisk != nil {
					config["source"] = s.LocalDisk.Path
					if s.LocalDisk.Wipe {
						config["source.wipe"] = "true"
					}
				}

				return config
			})
		default:
			local.Description = "Local storage in a directory"
			local.Member = members(func(plan.System) map[string]string { return map[string]string{} })
		}

		c.Pools = append(c.Pools, local)
		c.RootPool = PoolLocal
	}

	if p.Ceph != nil {
		// Before storage_remote_drop_source (LXD 5.21) every member's
		// pending entry names the Ceph pool.
		pending := func(source string) func(plan.System) map[string]string {
			return func(plan.System) map[string]string {
				if has("storage_remote_drop_source") {
					return map[string]string{}
				}

				return map[string]string{"source": source}
			}
		}

		remote := LXDObject{Name: PoolRemote, Type: "ceph", Description: "Distributed storage on Ceph", Member: members(pending(CephPoolRemote)),
			Config: map[string]string{"ceph.rbd.du": "false", "ceph.osd.pool_name": CephPoolRemote}}
		if !has("storage_ceph_use_rbd_defaults") {
			remote.Config["ceph.rbd.features"] = "layering,striping,exclusive-lock,object-map,fast-diff,deep-flatten"
		}

		c.Pools = append(c.Pools, remote)
		if p.Ceph.CephFS {
			c.Pools = append(c.Pools, LXDObject{Name: PoolRemoteFS, Type: "cephfs", Description: "Distributed file system on Ceph", Member: members(pending("lxd_cephfs")),
				Config: map[string]string{"cephfs.create_missing": "true", "cephfs.meta_pool": "lxd_cephfs_meta", "cephfs.data_pool": "lxd_cephfs_data", "cephfs.path": "lxd_cephfs"}})
		}

		// Root disks on Ceph only where instances can start on it.
		if rbd || c.RootPool == "" {
			c.RootPool = PoolRemote
		}
	}

	if p.OVN != nil {
		uplink := LXDObject{Name: NetworkUplink, Type: "physical", Description: "Uplink for OVN networks", Config: map[string]string{},
			Member: members(func(s plan.System) map[string]string { return map[string]string{"parent": s.UplinkInterface} })}
		if p.OVN.IPv4Gateway != "" && p.OVN.IPv4Range != "" {
			uplink.Config["ipv4.gateway"] = p.OVN.IPv4Gateway
			uplink.Config["ipv4.ovn.ranges"] = p.OVN.IPv4Range
		}

		if p.OVN.IPv6Gateway != "" {
			uplink.Config["ipv6.gateway"] = p.OVN.IPv6Gateway
		}

		if dns := p.OVN.Nameservers(); len(dns) > 0 {
			uplink.Config["dns.nameservers"] = strings.Join(dns, ",")
		}

		// An uplink without IPv4 gives instances no IPv4: an address whose
		// default route leads nowhere only makes clients time out on IPv4
		// before trying IPv6. (Without IPv6 on the uplink LXD's IPv6 stays:
		// clients prefer IPv4 over its unique local addresses anyway.)
		network := LXDObject{Name: NetworkDefault, Type: "ovn", Description: "Default OVN network",
			Member: map[string]map[string]string{}, Config: map[string]string{"network": NetworkUplink}}
		if p.OVN.IPv4Gateway == "" {
			network.Config["ipv4.address"] = "none"
		}

		c.Networks = append(c.Networks, uplink, network)
		c.NICNetwork = NetworkDefault
	} else {
		// Without OVN each member gets its own NATed bridge: instances
		// reach the outside, not each other across members.
		c.Networks = append(c.Networks, LXDObject{Name: NetworkBridge, Type: "bridge", Description: "Local bridge (no distributed network)",
			Member: members(func(plan.System) map[string]string { return map[string]string{} }), Config: map[string]string{"ipv4.address": "auto", "ipv6.address": "auto"}})
		c.NICNetwork = NetworkBridge
	}

	return c
}

// RBDEverywhere reports whether every system's kernel can map Ceph volumes
// (rbd loaded, built in, or loadable: Ubuntu loads it on first use).
func RBDEverywhere(p plan.Plan, f plan.Facts) bool {
	for _, s := range p.Everyone() {
		inv := f.Systems[s.Name].Inventory
		if !inv.RBD && inv.Kernel["rbd"] == "" {
			return false
		}
	}

	return len(p.Systems) > 0
}
