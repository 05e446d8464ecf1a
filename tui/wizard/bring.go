package wizard

import (
	"slices"
	"sort"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
)

// BringServices offers a grown cloud (ModeAdd) the services it does not
// have yet, when every system, old and new, has them installed: init's
// questions for that service, put to every system. The answers go to the
// new systems and to Plan.Members, and the service to Plan.Create.
func (w *Wizard) BringServices() error {
	everyone := w.everyone()
	var missing []types.ServiceType
	for _, t := range []types.ServiceType{types.MicroCeph, types.MicroOVN} {
		if w.clusteredOnInitiator(t) {
			continue
		}

		if where := withoutService(w.Facts, everyone, t); where != "" {
			w.Ask.Say("%s: the cloud has none, and it cannot be set up now (%s is not available on %s)", sectionName(t), t, where)
			continue
		}

		missing = append(missing, t)
	}

	if len(missing) == 0 {
		return nil
	}

	sub := &Wizard{Ask: w.Ask, Facts: w.Facts, Plan: plan.Plan{Mode: plan.ModeInit, Initiator: w.Plan.Initiator, Systems: everyone}}
	for _, t := range missing {
		w.Ask.Say("%s: the cloud has none yet; it can be set up now on every system, old and new", sectionName(t))
		var err error
		switch t {
		case types.MicroCeph:
			err = sub.distributedStorage()
		case types.MicroOVN:
			err = sub.distributedNetworking()
		}

		if err != nil {
			return err
		}
	}

	if sub.Plan.Ceph != nil {
		w.Plan.Ceph = sub.Plan.Ceph
		w.Plan.Create = append(w.Plan.Create, types.MicroCeph)
	}

	if sub.Plan.OVN != nil {
		w.Plan.OVN = sub.Plan.OVN
		w.Plan.Create = append(w.Plan.Create, types.MicroOVN)
	}

	if len(w.Plan.Create) == 0 {
		return nil
	}

	for _, s := range sub.Plan.Systems {
		i := w.systemIndex(s.Name)
		if i < 0 {
			w.Plan.Members = append(w.Plan.Members, plan.System{Name: s.Name, Address: s.Address,
				UplinkInterface: s.UplinkInterface, UnderlayIP: s.UnderlayIP, CephDisks: s.CephDisks})
			continue
		}

		t := &w.Plan.Systems[i]
		if w.Plan.Creates(types.MicroOVN) {
			t.UplinkInterface, t.UnderlayIP = s.UplinkInterface, s.UnderlayIP
		}

		if w.Plan.Creates(types.MicroCeph) {
			t.CephDisks = s.CephDisks
		}
	}

	return nil
}

// everyone are the new systems (with what was chosen for them so far) and
// the cloud's members, sorted by name.
func (w *Wizard) everyone() []plan.System {
	out := w.Plan.Clone().Systems
	cloud := w.cloud()
	names := make([]string, 0, len(cloud.Addresses))
	for name := range cloud.Addresses {
		names = append(names, name)
	}

	sort.Strings(names)
	for _, name := range names {
		if w.systemIndex(name) < 0 {
			out = append(out, plan.System{Name: name, Address: cloud.Addresses[name]})
		}
	}

	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// withoutService names the first system without a usable service, or "".
func withoutService(f plan.Facts, systems []plan.System, t types.ServiceType) string {
	i := slices.IndexFunc(systems, func(s plan.System) bool {
		_, ok := f.Systems[s.Name].Service(t)
		return !ok
	})
	if i < 0 {
		return ""
	}

	return systems[i].Name
}

// sectionName is what the questions call a service's part.
func sectionName(t types.ServiceType) string {
	if t == types.MicroOVN {
		return "Distributed networking"
	}

	return "Distributed storage"
}
