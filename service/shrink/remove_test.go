package shrink

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	lxd "github.com/canonical/lxd/client"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/service/microceph"
	"github.com/microcloud-project/microcloud/service/microovn"
)

// fakeCloud records every change, in order.
type fakeCloud struct {
	calls []string
	osds  []microceph.Disk
	pools []microceph.Pool
	ovn   []microovn.ServiceEntry
	ceph  []microceph.Service
	// lists are each service's successive member lists (the last one
	// stays); none: no members.
	lists map[types.ServiceType][][]service.Member
}

func (f *fakeCloud) record(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

type fakeService struct {
	f *fakeCloud
	t types.ServiceType
	service.Service
}

func (s fakeService) RemoveMember(_ context.Context, name string, force bool) error {
	s.f.record("%s remove %s force=%v", s.t, name, force)
	return nil
}

func (s fakeService) Members(context.Context) ([]service.Member, error) {
	lists := s.f.lists[s.t]
	if len(lists) == 0 {
		return nil, nil
	}

	if len(lists) > 1 {
		s.f.lists[s.t] = lists[1:]
	}

	return lists[0], nil
}

func (f *fakeCloud) Service(_ context.Context, _ string, t types.ServiceType) (service.Service, error) {
	return fakeService{f: f, t: t}, nil
}

func (f *fakeCloud) LXD(context.Context, string) (lxd.InstanceServer, error) {
	return nil, fmt.Errorf("no LXD here")
}

func (f *fakeCloud) Ceph(context.Context, string) (Ceph, error) { return fakeCeph{f}, nil }
func (f *fakeCloud) OVN(context.Context, string) (OVN, error)   { return fakeOVN{f}, nil }
func (f *fakeCloud) Admin(member string) (Admin, error)         { return fakeAdmin{f, member}, nil }
func (f *fakeCloud) Reachable(context.Context, string) bool     { return true }

type fakeCeph struct{ f *fakeCloud }

func (c fakeCeph) OSDs(context.Context) ([]microceph.Disk, error)        { return c.f.osds, nil }
func (c fakeCeph) Pools(context.Context) ([]microceph.Pool, error)       { return c.f.pools, nil }
func (c fakeCeph) Services(context.Context) ([]microceph.Service, error) { return c.f.ceph, nil }
func (c fakeCeph) SetPoolSize(_ context.Context, pools []string, size int64) error {
	c.f.record("ceph pools %s size %d", strings.Join(pools, ","), size)
	return nil
}

func (c fakeCeph) RemoveDisk(_ context.Context, member string, req microceph.DisksDelete) error {
	c.f.record("ceph remove osd.%d on %s", req.OSD, member)
	return nil
}

func (c fakeCeph) EnableService(_ context.Context, member string, svc string) error {
	c.f.record("ceph enable %s on %s", svc, member)
	return nil
}

type fakeOVN struct{ f *fakeCloud }

func (o fakeOVN) Services(context.Context) ([]microovn.ServiceEntry, error) { return o.f.ovn, nil }
func (o fakeOVN) EnableService(_ context.Context, member string, svc string) error {
	o.f.record("ovn enable %s on %s", svc, member)
	return nil
}

type fakeAdmin struct {
	f  *fakeCloud
	at string
}

func (a fakeAdmin) ForgetCeph(_ context.Context, f types.Forget) ([]string, error) {
	a.f.record("forget ceph %s at %s", f.Member, a.at)
	return nil, nil
}

func (a fakeAdmin) ForgetOVN(_ context.Context, f types.Forget) ([]string, error) {
	a.f.record("forget ovn %s (%s) at %s", f.Member, f.Address, a.at)
	return nil, nil
}

func fourMembers() (*fakeCloud, Inventory) {
	f := &fakeCloud{
		osds:  []microceph.Disk{{OSD: 0, Location: "m1"}, {OSD: 1, Location: "m2"}, {OSD: 2, Location: "m3"}, {OSD: 3, Location: "m4"}},
		pools: []microceph.Pool{{Pool: "lxd_remote", Size: 3}},
		ceph:  []microceph.Service{{Service: "mon", Location: "m1"}, {Service: "mon", Location: "m2"}, {Service: "mon", Location: "m3"}},
		ovn: []microovn.ServiceEntry{{Service: "central", Location: "m1"}, {Service: "central", Location: "m2"}, {Service: "central", Location: "m3"},
			{Service: "chassis", Location: "m4"}},
	}

	all := map[string]string{"m1": "10.0.0.1", "m2": "10.0.0.2", "m3": "10.0.0.3", "m4": "10.0.0.4"}
	copyOf := func() map[string]string {
		out := map[string]string{}
		for k, v := range all {
			out[k] = v
		}

		return out
	}

	inv := Inventory{
		Members:   map[types.ServiceType]map[string]string{types.MicroCloud: copyOf(), types.MicroCeph: copyOf(), types.MicroOVN: copyOf()},
		Reachable: map[string]bool{"m3": true},
	}

	return f, inv
}

func TestRemoveLiveCentral(t *testing.T) {
	f, inv := fourMembers()
	r := &Remover{Services: f, Local: "m1"}
	err := r.Remove(context.Background(), inv, []string{"m3"})
	if err != nil {
		t.Fatal(err)
	}

	want := []string{
		"ceph remove osd.2 on m3",
		"MicroCeph remove m3 force=false",
		"forget ceph m3 at m1",
		"ceph enable mon on m4",
		"MicroOVN remove m3 force=false",
		"forget ovn m3 (10.0.0.3) at m1",
		"ovn enable central on m4",
		"MicroCloud remove m3 force=false",
	}

	if strings.Join(f.calls, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(f.calls, "\n"), strings.Join(want, "\n"))
	}
}

func TestRemoveDeadForgetsFirst(t *testing.T) {
	f, inv := fourMembers()
	f.osds = f.osds[1:3] // m2 and m3 hold OSDs
	inv.Reachable["m3"] = false
	r := &Remover{Services: f, Local: "m1", Force: true}
	err := r.Remove(context.Background(), inv, []string{"m3"})
	if err != nil {
		t.Fatal(err)
	}

	want := []string{
		"ceph pools lxd_remote size 1",
		"forget ceph m3 at m1",
		"MicroCeph remove m3 force=true",
		"forget ceph m3 at m1",
		"ceph enable mon on m4",
		"forget ovn m3 (10.0.0.3) at m1",
		"MicroOVN remove m3 force=true",
		"ovn enable central on m4",
		"MicroCloud remove m3 force=true",
	}

	if strings.Join(f.calls, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(f.calls, "\n"), strings.Join(want, "\n"))
	}

	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "single copy") {
		t.Fatalf("warnings %v", r.Warnings)
	}
}

// TestRemoveDeadWithAnotherGone: a member that is gone too (removed next)
// takes no replacement monitor or central.
func TestRemoveDeadWithAnotherGone(t *testing.T) {
	f, inv := fourMembers()
	inv.Reachable["m3"] = false
	r := &Remover{Services: f, Local: "m1", Force: true, Gone: []string{"m3", "m4"}}
	err := r.Remove(context.Background(), inv, []string{"m3"})
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range f.calls {
		if strings.Contains(c, "enable") {
			t.Fatalf("a service was started on a member that is gone: %q in\n%s", c, strings.Join(f.calls, "\n"))
		}
	}

	if !slices.Contains(f.calls, "MicroCloud remove m3 force=true") {
		t.Fatalf("m3 was not removed:\n%s", strings.Join(f.calls, "\n"))
	}
}

func TestRemoveRefusesLastOSDs(t *testing.T) {
	f, inv := fourMembers()
	f.osds = f.osds[2:3]
	r := &Remover{Services: f, Local: "m1"}
	err := r.Remove(context.Background(), inv, []string{"m3"})
	if err == nil || !strings.Contains(err.Error(), "m3 holds the last OSDs of Ceph (osd.2)") || len(f.calls) != 0 {
		t.Fatalf("error %v, calls %v", err, f.calls)
	}
}
