package setup

import (
	"context"
	"fmt"

	lxd "github.com/canonical/lxd/client"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service/plan"
)

// ReadCloud reads what a running MicroCloud has, through this member's
// microcloudd: LXD's pools and networks (with each member's UPLINK parent)
// and the encapsulation IPs init and add recorded. members are the
// MicroCloud's (name to address).
func ReadCloud(ctx context.Context, local *client.Client, members map[string]string) (*plan.Cloud, error) {
	l, err := local.LXD(ctx)
	if err != nil {
		return nil, err
	}

	cloud, err := readLXDCloud(l, members)
	if err != nil {
		return nil, fmt.Errorf("Failed to read the cloud's LXD pools and networks: %w", err)
	}

	// Planned encap IPs are a help for defaults, not a must: a cloud
	// formed before they were recorded has none.
	settings, err := local.Settings(ctx)
	if err == nil {
		for name, s := range settings {
			if ip := s[types.SettingOVNEncapIP]; ip != "" {
				cloud.EncapIPs[name] = ip
			}
		}
	}

	return cloud, nil
}

// readLXDCloud reads the pools and the UPLINK network of an LXD cluster.
func readLXDCloud(l lxd.InstanceServer, members map[string]string) (*plan.Cloud, error) {
	cloud := &plan.Cloud{Uplinks: map[string]string{}, EncapIPs: map[string]string{}, Addresses: map[string]string{}}
	for name, addr := range members {
		cloud.Addresses[name] = addr
	}

	pools, err := l.GetStoragePools()
	if err != nil {
		return nil, err
	}

	for _, p := range pools {
		switch p.Name {
		case PoolLocal:
			cloud.LocalDriver = p.Driver
		case PoolRemote:
			cloud.Remote = true
		case PoolRemoteFS:
			cloud.RemoteFS = true
		}
	}

	_, _, err = l.GetNetwork(NetworkUplink)
	if isNotFound(err) {
		return cloud, nil
	}

	if err != nil {
		return nil, err
	}

	// LXD's members, not MicroCloud's: an add cut short leaves a machine
	// that is a MicroCloud member but not in LXD yet.
	cloud.OVN = true
	lxdMembers, err := l.GetClusterMembers()
	if err != nil {
		return nil, err
	}

	for _, m := range lxdMembers {
		member := m.ServerName
		network, _, err := l.UseTarget(member).GetNetwork(NetworkUplink)
		if err != nil {
			return nil, fmt.Errorf("network %s on %s: %w", NetworkUplink, member, err)
		}

		if parent := network.Config["parent"]; parent != "" {
			cloud.Uplinks[member] = parent
		}
	}

	return cloud, nil
}
