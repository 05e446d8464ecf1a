package setup

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/shared/api"
)

// LXD's statuses of a pool or network (the same words for both).
const (
	statusCreated = "Created"
	statusErrored = "Errored"
)

func isNotFound(err error) bool {
	return api.StatusErrorCheck(err, http.StatusNotFound)
}

// lxdObjectState is what LXD reports of an existing pool or network.
type lxdObjectState struct {
	exists    bool
	kind      string // driver or network type
	status    string
	locations []string
}

// lxdObjectOps are the LXD calls for one pool or network.
type lxdObjectOps struct {
	noun     string // "storage pool", "network"
	get      func() (lxdObjectState, error)
	defineOn func(member string, config map[string]string) error
	create   func(config map[string]string, description string) error
	remove   func() error

	// perMember is false for objects LXD creates cluster-wide at once (an
	// OVN network has no per-member definition).
	perMember bool

	settle settling
}

// settling bounds the wait for a create that an interrupted run left
// running inside LXD: LXD marks a pool or network Errored when its
// cluster-wide create begins and Created when every member has it, and the
// create goes on after the client is gone (a Ceph pool takes seconds).
type settling struct {
	timeout, poll time.Duration
}

// ensureObject makes a pool or network exist on every member and reports
// whether it did anything. A new one gets a definition on each member, then
// the cluster-wide create. One that an interrupted run left behind is
// finished rather than started again:
//   - Pending (defined, never created): members without a definition get
//     one, then the cluster-wide create runs;
//   - Errored (a create began): it may still be running, so it is given
//     time; if it does not finish, LXD's own retry runs (the cluster-wide
//     create again, without the global config it already has);
//   - if the retry fails too, the object is deleted and created afresh.
//
// A create of its own that fails and leaves the object Errored is finished
// the same way, once, at once.
func ensureObject(ops lxdObjectOps, obj LXDObject, members []string) (bool, error) {
	return ensureObjectOnce(ops, obj, members, false)
}

func ensureObjectOnce(ops lxdObjectOps, obj LXDObject, members []string, retry bool) (bool, error) {
	st, err := ops.get()
	if err != nil {
		return false, err
	}

	if st.exists && st.kind != obj.Type {
		return false, fmt.Errorf("%s %q exists as %q, not %q", capitalize(ops.noun), obj.Name, st.kind, obj.Type)
	}

	if st.exists && st.status == statusErrored && !retry {
		st, err = waitSettled(ops)
		if err != nil {
			return false, err
		}
	}

	if st.exists && st.status == statusCreated {
		if !ops.perMember || covers(st.locations, members) {
			return false, nil
		}

		return false, fmt.Errorf("%s %q exists but not on every member (%v)", capitalize(ops.noun), obj.Name, st.locations)
	}

	if st.exists && st.status == statusErrored {
		err := ops.create(nil, obj.Description)
		if err == nil {
			return true, nil
		}

		err = ops.remove()
		if err != nil {
			return false, fmt.Errorf("Failed to remove the unfinished %s %q: %w", ops.noun, obj.Name, err)
		}

		st = lxdObjectState{}
	}

	if ops.perMember {
		defined := map[string]bool{}
		for _, l := range st.locations {
			defined[l] = st.exists
		}

		for _, m := range members {
			config, ok := obj.Member[m]
			if !ok {
				return false, fmt.Errorf("%s %q needs configuration for %s, which the plan does not include", capitalize(ops.noun), obj.Name, m)
			}

			if defined[m] {
				continue
			}

			err := ops.defineOn(m, config)
			if err != nil {
				return false, fmt.Errorf("Failed to define %s %q on %s: %w", ops.noun, obj.Name, m, err)
			}
		}
	}

	err = ops.create(obj.Config, obj.Description)
	if err != nil && !retry && erroredNow(ops) {
		// The create failed on a member (under load, an OVN network's
		// ovn-nbctl on one of 16 members timed out) and LXD kept the
		// object, Errored. LXD's own retry sets it up where it lacks;
		// for an OVN network (LXD 5.0 refuses that retry: "Network is
		// not in pending state") it is created afresh.
		return ensureObjectOnce(ops, obj, members, true)
	}

	if err != nil {
		return false, fmt.Errorf("Failed to create %s %q: %w", ops.noun, obj.Name, err)
	}

	return true, nil
}

// erroredNow reports whether the object exists and is Errored.
func erroredNow(ops lxdObjectOps) bool {
	st, err := ops.get()
	return err == nil && st.exists && st.status == statusErrored
}

// waitSettled polls an Errored object until it is Created or the settling
// time passes.
func waitSettled(ops lxdObjectOps) (lxdObjectState, error) {
	deadline := time.Now().Add(ops.settle.timeout)
	for {
		st, err := ops.get()
		if err != nil || st.status != statusErrored || time.Now().After(deadline) {
			return st, err
		}

		time.Sleep(ops.settle.poll)
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}

	return strings.ToUpper(s[:1]) + s[1:]
}

// ensurePool is ensureObject for a storage pool.
func ensurePool(c lxd.InstanceServer, obj LXDObject, members []string, settle settling) (bool, error) {
	return ensureObject(lxdObjectOps{
		noun:      "storage pool",
		perMember: true,
		settle:    settle,
		get: func() (lxdObjectState, error) {
			pool, _, err := c.GetStoragePool(obj.Name)
			if isNotFound(err) {
				return lxdObjectState{}, nil
			}

			if err != nil {
				return lxdObjectState{}, err
			}

			return lxdObjectState{exists: true, kind: pool.Driver, status: pool.Status, locations: pool.Locations}, nil
		},
		defineOn: func(m string, config map[string]string) error {
			return c.UseTarget(m).CreateStoragePool(api.StoragePoolsPost{Name: obj.Name, Driver: obj.Type, StoragePoolPut: api.StoragePoolPut{Config: config}})
		},
		create: func(config map[string]string, description string) error {
			return c.CreateStoragePool(api.StoragePoolsPost{Name: obj.Name, Driver: obj.Type, StoragePoolPut: api.StoragePoolPut{Config: config, Description: description}})
		},
		remove: func() error { return c.DeleteStoragePool(obj.Name) },
	}, obj, members)
}

// ensureNetwork is ensureObject for a network; one without per-member
// settings (ovn) is created cluster-wide at once. An unmanaged interface of
// the same name is not LXD's network.
func ensureNetwork(c lxd.InstanceServer, obj LXDObject, members []string, settle settling) (bool, error) {
	return ensureObject(lxdObjectOps{
		noun:      "network",
		perMember: len(obj.Member) > 0,
		settle:    settle,
		get: func() (lxdObjectState, error) {
			network, _, err := c.GetNetwork(obj.Name)
			if isNotFound(err) || (err == nil && !network.Managed) {
				return lxdObjectState{}, nil
			}

			if err != nil {
				return lxdObjectState{}, err
			}

			return lxdObjectState{exists: true, kind: network.Type, status: network.Status, locations: network.Locations}, nil
		},
		defineOn: func(m string, config map[string]string) error {
			return c.UseTarget(m).CreateNetwork(api.NetworksPost{Name: obj.Name, Type: obj.Type, NetworkPut: api.NetworkPut{Config: config}})
		},
		create: func(config map[string]string, description string) error {
			return c.CreateNetwork(api.NetworksPost{Name: obj.Name, Type: obj.Type, NetworkPut: api.NetworkPut{Config: config, Description: description}})
		},
		remove: func() error { return c.DeleteNetwork(obj.Name) },
	}, obj, members)
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
// the operator already set differently is kept, and reported, except a NIC
// on replaceNIC ("": none), the network the NIC moves from.
func ensureProfile(c lxd.InstanceServer, rootPool string, nicNetwork string, replaceNIC string) (changed bool, kept []string, err error) {
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
		case !ok, name == "eth0" && replaceNIC != "" && have["network"] == replaceNIC:
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
