package wizard

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
)

// growFacts are labFacts' three systems as members of a cloud with every
// service clustered, a ZFS local pool, Ceph, and OVN on uplink0 with an
// underlay on ul0, plus micro04, a new machine shaped like them.
func growFacts(t *testing.T) plan.Facts {
	f := labFacts()
	raw, err := json.Marshal(f.Systems["micro03"])
	if err != nil {
		t.Fatal(err)
	}

	text := strings.NewReplacer("micro03", "micro04", "0.13/", "0.14/", "0.13\"", "0.14\"").Replace(string(raw))
	var micro04 plan.SystemFacts
	err = json.Unmarshal([]byte(text), &micro04)
	if err != nil {
		t.Fatal(err)
	}

	f.Systems["micro04"] = micro04
	for _, name := range []string{"micro01", "micro02", "micro03"} {
		sf := f.Systems[name]
		sf.Services = clustered(sf.Services)
		f.Systems[name] = sf
	}

	f.Cloud = &plan.Cloud{LocalDriver: plan.DriverZFS, Remote: true, OVN: true,
		Uplinks:   map[string]string{"micro01": "uplink0", "micro02": "uplink0", "micro03": "uplink0"},
		EncapIPs:  map[string]string{"micro01": "10.98.0.11", "micro02": "10.98.0.12", "micro03": "10.98.0.13"},
		Addresses: map[string]string{"micro01": "10.99.0.11", "micro02": "10.99.0.12", "micro03": "10.99.0.13"}}
	return f
}

func clustered(services []types.ServiceState) []types.ServiceState {
	out := append([]types.ServiceState(nil), services...)
	for i := range out {
		out[i].Clustered = true
	}

	return out
}

func growWizard(t *testing.T, f plan.Facts, answers ...any) (*Wizard, *script) {
	s := &script{t: t, answers: answers}
	w := &Wizard{Ask: s, Facts: f, Plan: plan.Plan{Mode: plan.ModeAdd, Initiator: "micro01",
		Systems: []plan.System{{Name: "micro04", Address: "10.99.0.14"}}}}
	return w, s
}

// TestWizardGrow: the new machine is asked only its part of what the
// cloud has, with the members' uplink name and underlay subnet
// preselected, and the plan validates.
func TestWizardGrow(t *testing.T) {
	f := growFacts(t)
	w, s := growWizard(t, f,
		[]string{disk("micro04", "sdb")}, // the ZFS local pool's disk
		true,                             // Ceph disks
		[]string{disk("micro04", "sdc")},
		true,   // wipe it
		false,  // no encryption
		keep{}, // uplink0, as on the members
		keep{}, // ul0's address, in the members' underlay subnet
	)

	p, err := w.Build()
	if err != nil {
		t.Fatal(err)
	}

	if len(s.refusals) != 0 || len(s.answers) != 0 {
		t.Fatalf("refusals %q, answers left %v", s.refusals, s.answers)
	}

	want := plan.Plan{Mode: plan.ModeAdd, Initiator: "micro01", LocalPool: &plan.LocalPool{Driver: plan.DriverZFS},
		Ceph: &plan.Ceph{}, OVN: &plan.OVN{},
		Systems: []plan.System{{Name: "micro04", Address: "10.99.0.14", UplinkInterface: "uplink0", UnderlayIP: "10.98.0.14",
			LocalDisk: &plan.Disk{Path: "/dev/disk/by-id/micro04-sdb"},
			CephDisks: []plan.Disk{{Path: "/dev/disk/by-id/micro04-sdc", Wipe: true}}}}}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("plan\n%+v\nwant\n%+v", p, want)
	}

	for _, q := range s.asked {
		if strings.Contains(q, "gateway") || strings.Contains(q, "Ceph's public") {
			t.Fatalf("asked %q, which the cloud has answered already", q)
		}
	}

	errs, _ := plan.Validate(p, f)
	if len(errs) > 0 {
		t.Fatalf("the plan does not validate: %v", errs)
	}
}

// TestWizardGrowWithoutServices: a cloud with a directory local pool and
// neither Ceph nor OVN offers both to every system, old and new; declined,
// the new machine gets neither.
func TestWizardGrowWithoutServices(t *testing.T) {
	f := bareCloudFacts(t)
	w, s := growWizard(t, f, false, false)
	p, err := w.Build()
	if err != nil {
		t.Fatal(err)
	}

	if p.Ceph != nil || p.OVN != nil || len(p.Create) > 0 || p.LocalPool.Driver != plan.DriverDir || p.Systems[0].LocalDisk != nil {
		t.Fatalf("plan %+v", p)
	}

	if !strings.Contains(strings.Join(s.said, "\n"), "on every system, old and new") {
		t.Fatalf("said %q", s.said)
	}
}

// bareCloudFacts: growFacts' cloud formed without MicroCeph and MicroOVN.
func bareCloudFacts(t *testing.T) plan.Facts {
	f := growFacts(t)
	for _, name := range []string{"micro01", "micro02", "micro03"} {
		sf := f.Systems[name]
		for i := range sf.Services {
			sf.Services[i].Clustered = sf.Services[i].Type == types.LXD
		}

		f.Systems[name] = sf
	}

	f.Cloud = &plan.Cloud{LocalDriver: plan.DriverDir, Addresses: f.Cloud.Addresses}
	return f
}

// TestWizardGrowBringsServices: accepted, Ceph and OVN are asked of every
// system as init asks them, and the plan creates both on the members and
// the new machine.
func TestWizardGrowBringsServices(t *testing.T) {
	f := bareCloudFacts(t)
	w, s := growWizard(t, f,
		true, // Ceph
		[]string{disk("micro01", "sdb"), disk("micro02", "sdb"), disk("micro03", "sdb"), disk("micro04", "sdb")},
		false,          // no encryption
		keep{}, keep{}, // Ceph networks: the MicroCloud network
		true,                           // OVN
		keep{}, keep{}, keep{}, keep{}, // uplink0 everywhere
		"10.96.0.1/24", keep{}, "", keep{}, // gateway, range, no IPv6, DNS
		false, // no underlay
	)

	p, err := w.Build()
	if err != nil {
		t.Fatal(err)
	}

	if len(s.refusals) != 0 || len(s.answers) != 0 {
		t.Fatalf("refusals %q, answers left %v", s.refusals, s.answers)
	}

	if !reflect.DeepEqual(p.Create, []types.ServiceType{types.MicroCeph, types.MicroOVN}) || len(p.Members) != 3 {
		t.Fatalf("create %v, members %+v", p.Create, p.Members)
	}

	for _, m := range append(p.Members, p.Systems...) {
		if m.UplinkInterface != "uplink0" || len(m.CephDisks) != 1 || m.Address == "" {
			t.Fatalf("%+v", m)
		}
	}

	if p.OVN.IPv4Gateway != "10.96.0.1/24" {
		t.Fatalf("OVN %+v", p.OVN)
	}

	errs, _ := plan.Validate(p, f)
	if len(errs) > 0 {
		t.Fatalf("the plan does not validate: %v", errs)
	}

	// Without the members' settings the created OVN does not validate.
	p.Members[1].UplinkInterface = ""
	if errs, _ := plan.Validate(p, f); len(errs) == 0 {
		t.Fatal("a member without an uplink for the new OVN passed")
	}
}

// TestWizardGrowStops: a new machine that cannot take its part stops the
// add before anything changes, with the reason.
func TestWizardGrowStops(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(sf *plan.SystemFacts)
		want  string
	}{
		{"no free disk for ZFS", func(sf *plan.SystemFacts) {
			for i := range sf.Inventory.Disks {
				sf.Inventory.Disks[i].Local = types.Ineligible("mounted on /srv")
				sf.Inventory.Disks[i].Mounted = true
			}
		}, "needs a disk of every new system, but micro04 has no free disk"},
		{"no uplink", func(sf *plan.SystemFacts) {
			for i := range sf.Inventory.Interfaces {
				sf.Inventory.Interfaces[i].Uplink = types.Ineligible("has IP")
			}
		}, "the cloud's OVN needs an uplink interface on micro04"},
		{"no MicroCeph", func(sf *plan.SystemFacts) {
			for i := range sf.Services {
				if sf.Services[i].Type == types.MicroCeph {
					sf.Services[i].Present = false
				}
			}
		}, "the cloud uses MicroCeph, which is not available on micro04"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := growFacts(t)
			sf := f.Systems["micro04"]
			tt.spoil(&sf)
			f.Systems["micro04"] = sf
			// Answers for whatever is asked before the stop.
			w, _ := growWizard(t, f, []string{disk("micro04", "sdb")}, true, []string{disk("micro04", "sdc")}, true, false, keep{})
			_, err := w.Build()
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "nothing was changed") {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}
