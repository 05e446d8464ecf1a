package plan

import (
	"fmt"
	"net"
	"reflect"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
)

func TestServicesInFormationOrder(t *testing.T) {
	p := goodPlan()
	cases := []struct {
		name string
		edit func(*Plan)
		want string
	}{
		{"full", func(*Plan) {}, "[MicroCloud MicroOVN MicroCeph LXD]"},
		{"no OVN", func(p *Plan) { p.OVN = nil }, "[MicroCloud MicroCeph LXD]"},
		{"no Ceph", func(p *Plan) { p.Ceph = nil }, "[MicroCloud MicroOVN LXD]"},
		{"neither", func(p *Plan) { p.OVN, p.Ceph = nil, nil }, "[MicroCloud LXD]"},
	}

	for _, tc := range cases {
		q := p.Clone()
		tc.edit(&q)
		if got := fmt.Sprint(q.Services()); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestCloneIsDeep(t *testing.T) {
	p := goodPlan()
	p.Systems[0].LocalDisk = &Disk{Path: "/dev/sdb"}
	p.OVN.DNSServers = []string{"1.1.1.1"}
	before := fmt.Sprintf("%+v %+v %+v %+v", p.Systems, *p.OVN, *p.Ceph, *p.Systems[0].LocalDisk)
	q := p.Clone()
	q.Systems[0].Name = "x"
	q.Systems[0].CephDisks[0].Path = "x"
	q.Systems[0].LocalDisk.Path = "x"
	q.OVN.DNSServers[0] = "x"
	q.Ceph.CephFS = true
	q.LocalPool.Driver = "x"
	if after := fmt.Sprintf("%+v %+v %+v %+v", p.Systems, *p.OVN, *p.Ceph, *p.Systems[0].LocalDisk); after != before || p.LocalPool.Driver != DriverDir {
		t.Fatalf("the clone shares state:\n%s\n%s", before, after)
	}
}

func TestCephNetworksDefaults(t *testing.T) {
	f := labFacts("micro01", "micro02", "micro03")
	p := goodPlan()
	for _, tc := range []struct {
		public, internal         string
		wantPublic, wantInternal string
	}{
		{"", "", "10.99.0.0/24", "10.99.0.0/24"},
		{"10.97.0.0/24", "", "10.97.0.0/24", "10.97.0.0/24"},
		{"", "10.97.0.0/24", "10.99.0.0/24", "10.97.0.0/24"},
		{"10.98.0.0/24", "10.97.0.0/24", "10.98.0.0/24", "10.97.0.0/24"},
	} {
		p.Ceph = &Ceph{PublicNetwork: tc.public, InternalNetwork: tc.internal}
		public, internal := p.CephNetworks(f)
		if public != tc.wantPublic || internal != tc.wantInternal {
			t.Errorf("%q %q: got %q %q, want %q %q", tc.public, tc.internal, public, internal, tc.wantPublic, tc.wantInternal)
		}
	}
}

func TestNameservers(t *testing.T) {
	for _, tc := range []struct {
		o    *OVN
		want []string
	}{
		{nil, nil},
		{&OVN{IPv4Gateway: "10.96.0.1/24", IPv6Gateway: "fd96::1/64"}, []string{"10.96.0.1", "fd96::1"}},
		{&OVN{IPv6Gateway: "fd96::1/64"}, []string{"fd96::1"}},
		{&OVN{IPv4Gateway: "10.96.0.1/24", DNSServers: []string{"1.1.1.1"}}, []string{"1.1.1.1"}},
	} {
		if got := tc.o.Nameservers(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.o, got, tc.want)
		}
	}
}

func TestInterfaceHoldingAndSubnetOf(t *testing.T) {
	f := labFacts("micro01").Systems["micro01"]
	iface, subnet, ok := f.InterfaceHolding(net.ParseIP("10.98.0.11"))
	if !ok || iface.Name != "ul0" || subnet.String() != "10.98.0.0/24" {
		t.Fatalf("%v %v %v", iface.Name, subnet, ok)
	}

	if got := f.SubnetOf("fd99::11"); got != "fd99::/64" {
		t.Fatalf("SubnetOf(fd99::11) = %q", got)
	}

	if got := f.SubnetOf("10.1.1.1"); got != "" {
		t.Fatalf("SubnetOf of a foreign address = %q", got)
	}
}

func TestDiskUsable(t *testing.T) {
	free := types.Disk{Size: 10}
	partitioned := types.Disk{Size: 10, Partitions: []types.Partition{{ID: "sdb1"}}}
	mounted := types.Disk{Size: 10, Mounted: true}
	eligible, oldData := types.Eligibility{Eligible: true}, types.Eligibility{Reason: "has partitions"}
	for _, tc := range []struct {
		name      string
		d         types.Disk
		e         types.Eligibility
		wipe      bool
		usable    bool
		needsWipe bool
	}{
		{"free", free, eligible, false, true, false},
		{"old data, no wipe", partitioned, oldData, false, false, true},
		{"old data, wiped", partitioned, oldData, true, true, true},
		{"mounted, even wiped", mounted, types.Eligibility{Reason: "mounted"}, true, false, false},
	} {
		if got := DiskUsable(tc.d, tc.e, tc.wipe); got != tc.usable {
			t.Errorf("%s: usable %v", tc.name, got)
		}

		if got := NeedsWipe(tc.d, tc.e); got != tc.needsWipe {
			t.Errorf("%s: needs wipe %v", tc.name, got)
		}
	}
}

func TestProblemPlaces(t *testing.T) {
	for _, tc := range []struct {
		path   string
		system string
		field  Field
		is     Field
		want   bool
	}{
		{"systems[micro02].ovn_underlay_ip", "micro02", FieldUnderlay, FieldUnderlay, true},
		{"systems[micro02].ovn_underlay_ip", "micro02", FieldUnderlay, FieldUplink, false},
		{"systems[micro02].storage.ceph[1]", "micro02", "storage.ceph[1]", FieldCephDisks, true},
		{"systems[micro02].storage.cephfs", "micro02", "storage.cephfs", FieldCephDisks, false},
		{"ceph.public_network", "", FieldCephPublic, FieldCephPublic, true},
		{"systems[micro02]", "micro02", "", FieldUplink, false},
	} {
		p := NewProblem(tc.path, "m")
		if p.System != tc.system || p.Field != tc.field || p.Is(tc.system, tc.is) != tc.want {
			t.Errorf("%s: system %q field %q, Is(%q, %q) = %v", tc.path, p.System, p.Field, tc.system, tc.is, p.Is(tc.system, tc.is))
		}
	}
}
