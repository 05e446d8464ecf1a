package wizard

import (
	"fmt"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
)

// The questions of `microcloud add`: the plan's systems are the new
// machines, and the cloud (Facts.Cloud) already has its pools and
// networks, so only each new machine's own part of them is asked.

// grow asks what the new machines bring to what the cloud has.
func (w *Wizard) grow() (plan.Plan, error) {
	steps := []func() error{w.growLocalStorage, w.growDistributedStorage, w.growNetworking, w.BringServices}
	for _, step := range steps {
		err := step()
		if err != nil {
			return plan.Plan{}, err
		}
	}

	return w.Plan, nil
}

// cloud is what the running cloud has (never nil).
func (w *Wizard) cloud() *plan.Cloud {
	if w.Facts.Cloud == nil {
		return &plan.Cloud{}
	}

	return w.Facts.Cloud
}

// clusteredOnInitiator reports whether a service forms a cluster on the
// member that grows the cloud: the new machines then join it.
func (w *Wizard) clusteredOnInitiator(t types.ServiceType) bool {
	st, ok := w.Facts.Systems[w.Plan.Initiator].Service(t)
	return ok && st.Clustered
}

// growLocalStorage gives each new machine its part of the "local" pool: a
// disk when the pool is on ZFS, nothing for a directory pool.
func (w *Wizard) growLocalStorage() error {
	driver := w.cloud().LocalDriver
	if driver == "" {
		driver = plan.DriverDir
	}

	w.Plan.LocalPool = &plan.LocalPool{Driver: driver}
	if driver != plan.DriverZFS {
		w.Ask.Say("Local storage: a directory on each new system (the cloud's pool \"local\" is a directory pool)")
		return nil
	}

	if why := w.noZFSReason(); why != "" {
		return fmt.Errorf("Stopped: the cloud's pool \"local\" is on ZFS, which needs a disk of every new system, but %s; nothing was changed", why)
	}

	w.Ask.Say("Local storage: the cloud's pool \"local\" is on ZFS; each new system gives it a disk")
	return w.selectLocalDisks()
}

// growDistributedStorage offers the new machines' disks to the cloud's
// Ceph (none is fine: they use it without OSDs of their own).
func (w *Wizard) growDistributedStorage() error {
	w.Plan.Ceph = nil
	if !w.clusteredOnInitiator(types.MicroCeph) {
		return nil
	}

	w.Plan.Ceph = &plan.Ceph{CephFS: w.cloud().RemoteFS}
	if ok, where := w.everySystemHas(types.MicroCeph); !ok {
		return fmt.Errorf("Stopped: the cloud uses MicroCeph, which is not available on %s; nothing was changed", where)
	}

	ok, err := w.yes("Give Ceph disks of the new systems? No: they use Ceph without OSDs of their own", true)
	if err != nil || !ok {
		return err
	}

	return w.selectCephDisks("Select the new systems' disks for Ceph (file-backed OSDs are for tests and small labs):", 1, nil)
}

// growNetworking asks each new machine's uplink interface (the members'
// preselected where the machine has it) and, when the cloud carries OVN
// on an underlay, its underlay address (one in the members' subnet
// preselected). The uplink network itself exists: no gateway questions.
func (w *Wizard) growNetworking() error {
	w.Plan.OVN = nil
	if !w.clusteredOnInitiator(types.MicroOVN) {
		return nil
	}

	w.Plan.OVN = &plan.OVN{}
	if ok, where := w.everySystemHas(types.MicroOVN); !ok {
		return fmt.Errorf("Stopped: the cloud uses MicroOVN, which is not available on %s; nothing was changed", where)
	}

	if without := w.systemsWithoutUplink(); len(without) > 0 {
		for _, name := range without {
			w.Ask.Say("No interface of %s can be the OVN uplink:", name)
			for _, iface := range w.Facts.Systems[name].Inventory.Interfaces {
				w.Ask.Say("  %s: %s", iface.Name, iface.Uplink.Reason)
			}
		}

		return fmt.Errorf("Stopped: the cloud's OVN needs an uplink interface on %s (UP, without an IP, or a bridge); nothing was changed", joinNames(without))
	}

	previous := w.cloud().UplinkName()
	for _, s := range w.Plan.Systems {
		_, err := w.askUplink(s.Name, previous)
		if err != nil {
			return err
		}
	}

	subnets := w.cloud().UnderlaySubnets(w.Facts)
	if len(subnets) == 0 {
		w.Ask.Say("OVN traffic: the MicroCloud network, as on the members")
		return nil
	}

	w.Ask.Say("OVN traffic: the members carry it on the underlay %s", subnets[0])
	return w.askUnderlays(subnets[0])
}
