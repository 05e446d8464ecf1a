package plan

import (
	"reflect"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
)

// grownFacts: micro01..03 members of a cloud (every service clustered) on
// uplink0 with an underlay on ul0, micro04 new.
func grownFacts(cloud *Cloud) Facts {
	f := labFacts("micro01", "micro02", "micro03", "micro04")
	for _, name := range []string{"micro01", "micro02", "micro03"} {
		sf := f.Systems[name]
		for i := range sf.Services {
			sf.Services[i].Clustered = true
		}

		f.Systems[name] = sf
	}

	f.Cloud = cloud
	return f
}

func labCloud() *Cloud {
	return &Cloud{LocalDriver: DriverDir, Remote: true, OVN: true,
		Uplinks:   map[string]string{"micro01": "uplink0", "micro02": "uplink0", "micro03": "eth5"},
		EncapIPs:  map[string]string{"micro01": "10.98.0.11", "micro02": "10.98.0.12", "micro03": "10.99.0.13"},
		Addresses: map[string]string{"micro01": "10.99.0.11", "micro02": "10.99.0.12", "micro03": "10.99.0.13"}}
}

func TestCloudDefaults(t *testing.T) {
	f := grownFacts(labCloud())
	if got := f.Cloud.UplinkName(); got != "uplink0" {
		t.Fatalf("uplink name %q", got)
	}

	if got := f.Cloud.UnderlaySubnets(f); !reflect.DeepEqual(got, []string{"10.98.0.0/24"}) {
		t.Fatalf("underlay subnets %v", got)
	}

	if got := f.Cloud.UnderlayFor(f, "micro04"); got != "10.98.0.14" {
		t.Fatalf("micro04's underlay %q", got)
	}

	var none *Cloud
	if none.UplinkName() != "" || none.UsesUnderlay(f) || none.UnderlayFor(f, "micro04") != "" {
		t.Fatal("a nil cloud has defaults")
	}

	// Without an underlay (every encap IP is the member's address).
	c := labCloud()
	c.EncapIPs = c.Addresses
	if c.UsesUnderlay(f) {
		t.Fatal("an underlay where the members use their addresses")
	}
}

func TestAutoGrow(t *testing.T) {
	tests := []struct {
		name  string
		cloud *Cloud
		want  System
		ceph  bool
		ovn   bool
	}{
		{"full stack", labCloud(), System{Name: "micro04", Address: "10.99.0.14", UplinkInterface: "uplink0", UnderlayIP: "10.98.0.14",
			CephDisks: []Disk{{Path: "/dev/disk/by-id/disk-b"}}}, true, true},
		{"zfs local pool takes the first free disk", &Cloud{LocalDriver: DriverZFS},
			System{Name: "micro04", Address: "10.99.0.14", UplinkInterface: "uplink0", LocalDisk: &Disk{Path: "/dev/disk/by-id/disk-b"}}, true, true},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := grownFacts(tt.cloud)
			p, notes := AutoGrow("micro01", map[string]string{"micro04": "10.99.0.14"}, f)
			if len(p.Systems) != 1 || !reflect.DeepEqual(p.Systems[0], tt.want) {
				t.Fatalf("systems %+v, want %+v (notes %q)", p.Systems, tt.want, notes)
			}

			if (p.Ceph != nil) != tt.ceph || (p.OVN != nil) != tt.ovn || p.Mode != ModeAdd || p.LocalPool.Driver != tt.cloud.LocalDriver {
				t.Fatalf("plan %+v", p)
			}
		})
	}

	// A cloud without Ceph and OVN gives the new machine neither.
	f := grownFacts(&Cloud{LocalDriver: DriverDir})
	for _, name := range []string{"micro01", "micro02", "micro03"} {
		sf := f.Systems[name]
		for i := range sf.Services {
			sf.Services[i].Clustered = sf.Services[i].Type == types.LXD || sf.Services[i].Type == types.MicroCloud
		}

		f.Systems[name] = sf
	}

	p, _ := AutoGrow("micro01", map[string]string{"micro04": "10.99.0.14"}, f)
	if p.Ceph != nil || p.OVN != nil || p.Systems[0].UplinkInterface != "" {
		t.Fatalf("plan %+v", p)
	}
}
