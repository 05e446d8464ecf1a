package setup

import (
	"fmt"
	"net/http"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/shared/api"
)

// statusCreated is what LXD reports for a finished pool or network.
const statusCreated = "Created"

func isNotFound(err error) bool {
	return api.StatusErrorCheck(err, http.StatusNotFound)
}

// ensurePool makes a pool exist on every member: a pending definition on
// each member, then the cluster-wide create. A created pool with the planned
// driver is left alone. One an interrupted run left pending or errored holds
// nothing yet and may lack a member's definition, which LXD cannot repair:
// it is deleted and created afresh.
func ensurePool(c lxd.InstanceServer, obj LXDObject, members []string) (bool, error) {
	pool, _, err := c.GetStoragePool(obj.Name)
	if err != nil && !isNotFound(err) {
		return false, err
	}

	if err == nil {
		if pool.Driver != obj.Type {
			return false, fmt.Errorf("Storage pool %q exists with driver %q, not %q", obj.Name, pool.Driver, obj.Type)
		}

		if pool.Status == statusCreated {
			if covers(pool.Locations, members) {
				return false, nil
			}

			return false, fmt.Errorf("Storage pool %q exists but not on every member (%v)", obj.Name, pool.Locations)
		}

		err := c.DeleteStoragePool(obj.Name)
		if err != nil {
			return false, fmt.Errorf("Failed to remove the unfinished storage pool %q: %w", obj.Name, err)
		}
	}

	for _, m := range members {
		config, ok := obj.Member[m]
		if !ok {
			return false, fmt.Errorf("Storage pool %q needs configuration for %s, which the plan does not include", obj.Name, m)
		}

		err := c.UseTarget(m).CreateStoragePool(api.StoragePoolsPost{Name: obj.Name, Driver: obj.Type, StoragePoolPut: api.StoragePoolPut{Config: config}})
		if err != nil {
			return false, fmt.Errorf("Failed to define storage pool %q on %s: %w", obj.Name, m, err)
		}
	}

	err = c.CreateStoragePool(api.StoragePoolsPost{Name: obj.Name, Driver: obj.Type, StoragePoolPut: api.StoragePoolPut{Config: obj.Config, Description: obj.Description}})
	if err != nil {
		return false, fmt.Errorf("Failed to create storage pool %q: %w", obj.Name, err)
	}

	return true, nil
}

// ensureNetwork is ensurePool for networks; a network without per-member
// settings (ovn) is created cluster-wide at once.
func ensureNetwork(c lxd.InstanceServer, obj LXDObject, members []string) (bool, error) {
	network, _, err := c.GetNetwork(obj.Name)
	if err != nil && !isNotFound(err) {
		return false, err
	}

	if err == nil && network.Managed {
		if network.Type != obj.Type {
			return false, fmt.Errorf("Network %q exists with type %q, not %q", obj.Name, network.Type, obj.Type)
		}

		if network.Status == statusCreated {
			if len(obj.Member) == 0 || covers(network.Locations, members) {
				return false, nil
			}

			return false, fmt.Errorf("Network %q exists but not on every member (%v)", obj.Name, network.Locations)
		}

		err := c.DeleteNetwork(obj.Name)
		if err != nil {
			return false, fmt.Errorf("Failed to remove the unfinished network %q: %w", obj.Name, err)
		}
	}

	if len(obj.Member) > 0 {
		for _, m := range members {
			config, ok := obj.Member[m]
			if !ok {
				return false, fmt.Errorf("Network %q needs configuration for %s, which the plan does not include", obj.Name, m)
			}

			err := c.UseTarget(m).CreateNetwork(api.NetworksPost{Name: obj.Name, Type: obj.Type, NetworkPut: api.NetworkPut{Config: config}})
			if err != nil {
				return false, fmt.Errorf("Failed to define network %q on %s: %w", obj.Name, m, err)
			}
		}
	}

	err = c.CreateNetwork(api.NetworksPost{Name: obj.Name, Type: obj.Type, NetworkPut: api.NetworkPut{Config: obj.Config, Description: obj.Description}})
	if err != nil {
		return false, fmt.Errorf("Failed to create network %q: %w", obj.Name, err)
	}

	return true, nil
}

// covers reports whether locations include every member.
func covers(locations []string, members []string) bool {
	have := map[string]bool{}
	for _, l := range locations {
		have[l] = true
	}

	for _, m := range members {
		if !have[m] {
			return false
		}
	}

	return true
}

// ensureServerConfig sets cluster-wide server keys that differ.
func ensureServerConfig(c lxd.InstanceServer, config map[string]string) (bool, error) {
	server, etag, err := c.GetServer()
	if err != nil {
		return false, err
	}

	put := server.Writable()
	changed := false
	for k, v := range config {
		if fmt.Sprint(put.Config[k]) != v {
			put.Config[k] = v
			changed = true
		}
	}

	if !changed {
		return false, nil
	}

	return true, c.UpdateServer(put, etag)
}

// ensureProfile gives the default profile a root disk and a NIC. A device
// the operator already set differently is kept, and reported.
func ensureProfile(c lxd.InstanceServer, rootPool string, nicNetwork string) (changed bool, kept []string, err error) {
	profile, etag, err := c.GetProfile("default")
	if err != nil {
		return false, nil, err
	}

	put := profile.Writable()
	if put.Devices == nil {
		put.Devices = map[string]map[string]string{}
	}

	want := map[string]map[string]string{}
	if rootPool != "" {
		want["root"] = map[string]string{"type": "disk", "path": "/", "pool": rootPool}
	}

	if nicNetwork != "" {
		want["eth0"] = map[string]string{"type": "nic", "name": "eth0", "network": nicNetwork}
	}

	for name, dev := range want {
		have, ok := put.Devices[name]
		switch {
		case !ok:
			put.Devices[name] = dev
			changed = true
		case !sameDevice(have, dev):
			kept = append(kept, fmt.Sprintf("the default profile's %q device is kept as it was (%v)", name, have))
		}
	}

	if !changed {
		return false, kept, nil
	}

	return true, kept, c.UpdateProfile("default", put, etag)
}

func sameDevice(a map[string]string, b map[string]string) bool {
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}

	return true
}
