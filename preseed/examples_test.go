package preseed

import (
	"net"
	"reflect"
	"testing"

	"github.com/microcloud-project/microcloud/service/plan"
)

// The reference's own example files (anchor §3.5) must be accepted as they
// are, and mean what they mean there.

func TestExamplesParseAndValidateClean(t *testing.T) {
	for _, name := range []string{"example-a-1x-init.yaml", "example-b-init.yaml", "example-c-add.yaml"} {
		t.Run(name, func(t *testing.T) {
			f, ps := Parse(readExample(t, name))
			if len(ps) > 0 {
				t.Fatalf("Parse: %v", ps)
			}

			ps = f.Validate()
			if len(ps) > 0 {
				t.Fatalf("Validate: %v", ps)
			}
		})
	}
}

func TestExampleA1xNeedsPassphraseFromFlag(t *testing.T) {
	f, _ := Parse(readExample(t, "example-a-1x-init.yaml"))
	want := []plan.Problem{plan.NewProblem("session_passphrase", "missing: more than one machine takes part, so the trust session needs a passphrase (session_passphrase, or --passphrase)")}
	got := f.ValidatePassphrase("")
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}

	if got := f.ValidatePassphrase("four words from flag"); len(got) != 0 {
		t.Fatalf("the flag must satisfy the check: %v", got)
	}

	if f.Passphrase("four words from flag") != "four words from flag" {
		t.Fatal("the flag must be the passphrase")
	}
}

func TestExampleA1xPlan(t *testing.T) {
	f, ps := Load(readExample(t, "example-a-1x-init.yaml"), "flag passphrase")
	if len(ps) > 0 {
		t.Fatal(ps)
	}

	// 1.x: the owner of lookup_subnet's IP is the initiator.
	initiator, err := f.Role("micro01", []net.IP{net.ParseIP("10.93.0.12")})
	if err != nil || !initiator {
		t.Fatalf("micro01 must be the initiator: %v %v", initiator, err)
	}

	initiator, err = f.Role("micro02", []net.IP{net.ParseIP("10.93.0.13")})
	if err != nil || initiator {
		t.Fatalf("micro02 must be a joiner: %v %v", initiator, err)
	}

	facts := testFacts(3)
	p, ps := ToPlan(f, facts, "micro01")
	if len(ps) > 0 {
		t.Fatal(ps)
	}

	want := plan.Plan{
		Mode:      plan.ModeInit,
		Initiator: "micro01",
		Systems: []plan.System{
			{Name: "micro01", Address: "10.93.0.12", UplinkInterface: "enp6s0",
				LocalDisk: &plan.Disk{Path: diskPath(1), Wipe: true},
				CephDisks: []plan.Disk{{Path: diskPath(2), Wipe: true}}},
			{Name: "micro02", Address: "10.93.0.13", UplinkInterface: "enp6s0",
				LocalDisk: &plan.Disk{Path: diskPath(2), Wipe: true},
				CephDisks: []plan.Disk{{Path: diskPath(1), Wipe: true}, {Path: diskPath(3), Wipe: true}}},
			{Name: "micro03", Address: "10.93.0.14", UplinkInterface: "enp6s0",
				LocalDisk: &plan.Disk{Path: diskPath(1), Wipe: true},
				CephDisks: []plan.Disk{{Path: diskPath(2), Wipe: true}}},
		},
		LocalPool: &plan.LocalPool{Driver: plan.DriverZFS},
		Ceph:      &plan.Ceph{},
		OVN:       &plan.OVN{IPv4Gateway: "10.1.123.1/24", IPv4Range: "10.1.123.100-10.1.123.254", IPv6Gateway: "fd42:1:1234:1234::1/64"},
	}

	if !reflect.DeepEqual(p, want) {
		t.Fatalf("plan:\n got %+v\nwant %+v", p, want)
	}

	errs, _ := plan.Validate(p, facts)
	if len(errs) > 0 {
		t.Fatalf("plan.Validate: %v", errs)
	}
}

func TestExampleBPlan(t *testing.T) {
	f, ps := Load(readExample(t, "example-b-init.yaml"), "")
	if len(ps) > 0 {
		t.Fatal(ps)
	}

	for name, wantInitiator := range map[string]bool{"micro01": true, "micro02": false, "micro03": false} {
		initiator, err := f.Role(name, nil)
		if err != nil || initiator != wantInitiator {
			t.Fatalf("Role(%s) = %v, %v", name, initiator, err)
		}
	}

	facts := testFacts(3)
	p, ps := ToPlan(f, facts, "micro01")
	if len(ps) > 0 {
		t.Fatal(ps)
	}

	want := plan.Plan{
		Mode:      plan.ModeInit,
		Initiator: "micro01",
		Systems: []plan.System{
			{Name: "micro01", Address: "10.93.0.12", UplinkInterface: "enp6s0", UnderlayIP: "10.3.123.2",
				LocalDisk: &plan.Disk{Path: diskPath(1), Wipe: true},
				CephDisks: []plan.Disk{{Path: diskPath(2), Wipe: true, Encrypt: true}}},
			{Name: "micro02", Address: "10.93.0.13", UplinkInterface: "enp6s0", UnderlayIP: "10.3.123.3",
				LocalDisk: &plan.Disk{Path: diskPath(2), Wipe: true},
				CephDisks: []plan.Disk{{Path: diskPath(1), Wipe: true, Encrypt: true}}},
			{Name: "micro03", Address: "10.93.0.14", UplinkInterface: "enp6s0", UnderlayIP: "10.3.123.4",
				LocalDisk: &plan.Disk{Path: diskPath(1), Wipe: true},
				CephDisks: []plan.Disk{{Path: diskPath(2), Wipe: true, Encrypt: true}}},
		},
		LocalPool: &plan.LocalPool{Driver: plan.DriverZFS},
		Ceph:      &plan.Ceph{InternalNetwork: "10.2.123.0/24", CephFS: true},
		OVN: &plan.OVN{IPv4Gateway: "10.1.123.1/24", IPv4Range: "10.1.123.100-10.1.123.254", IPv6Gateway: "fd42:1:1234:1234::1/64",
			DNSServers: []string{"10.1.123.1", "8.8.8.8", "fd42:1:1234:1234::1"}},
	}

	if !reflect.DeepEqual(p, want) {
		t.Fatalf("plan:\n got %+v\nwant %+v", p, want)
	}

	errs, _ := plan.Validate(p, facts)
	if len(errs) > 0 {
		t.Fatalf("plan.Validate: %v", errs)
	}
}

func TestExampleCAddPlan(t *testing.T) {
	f, ps := Load(readExample(t, "example-c-add.yaml"), "")
	if len(ps) > 0 {
		t.Fatal(ps)
	}

	if f.Mode("micro01") != plan.ModeAdd || f.Mode("") != plan.ModeAdd {
		t.Fatal("the initiator is not listed: add mode")
	}

	initiator, err := f.Role("micro04", nil)
	if err != nil || initiator {
		t.Fatalf("micro04 joins: %v %v", initiator, err)
	}

	// The existing cloud (micro01..03) runs OVN and Ceph.
	facts := withClustered(testFacts(4), "micro01", "MicroOVN", "MicroCeph")
	p, ps := ToPlan(f, facts, "micro01")
	if len(ps) > 0 {
		t.Fatal(ps)
	}

	want := plan.Plan{
		Mode:      plan.ModeAdd,
		Initiator: "micro01",
		Systems: []plan.System{
			{Name: "micro04", Address: "10.93.0.15", UplinkInterface: "enp6s0", UnderlayIP: "10.3.123.5",
				LocalDisk: &plan.Disk{Path: diskPath(1), Wipe: true},
				CephDisks: []plan.Disk{{Path: diskPath(2), Wipe: true}}},
		},
		LocalPool: &plan.LocalPool{Driver: plan.DriverZFS},
		Ceph:      &plan.Ceph{CephFS: true},
		OVN:       &plan.OVN{},
	}

	if !reflect.DeepEqual(p, want) {
		t.Fatalf("plan:\n got %+v\nwant %+v", p, want)
	}

	errs, _ := plan.Validate(p, facts)
	if len(errs) > 0 {
		t.Fatalf("plan.Validate: %v", errs)
	}
}
