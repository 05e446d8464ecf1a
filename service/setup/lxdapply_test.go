package setup

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fakeObject is an LXD pool or network as ensureObject sees it, recording
// the calls made to it. states are returned by successive gets (the last
// one repeats).
type fakeObject struct {
	states    []lxdObjectState
	createErr []error
	calls     []string
}

func (f *fakeObject) ops(perMember bool) lxdObjectOps {
	return lxdObjectOps{
		settle:    settling{timeout: 50 * time.Millisecond, poll: 10 * time.Millisecond},
		noun:      "storage pool",
		perMember: perMember,
		get: func() (lxdObjectState, error) {
			st := f.states[0]
			if len(f.states) > 1 {
				f.states = f.states[1:]
			}

			return st, nil
		},
		defineOn: func(m string, config map[string]string) error {
			f.calls = append(f.calls, "define "+m)
			return nil
		},
		create: func(config map[string]string, _ string) error {
			f.calls = append(f.calls, "create"+map[bool]string{true: " with config", false: ""}[len(config) > 0])
			if len(f.createErr) > 0 {
				err := f.createErr[0]
				f.createErr = f.createErr[1:]
				return err
			}

			return nil
		},
		remove: func() error {
			f.calls = append(f.calls, "delete")
			return nil
		},
	}
}

func TestEnsureObjectFinishesWhatARunLeft(t *testing.T) {
	obj := LXDObject{Name: "remote", Type: "ceph", Config: map[string]string{"ceph.osd.pool_name": "lxd_remote"},
		Member: map[string]map[string]string{"a": {}, "b": {}, "c": {}}}
	members := []string{"a", "b", "c"}
	created := func(locations ...string) lxdObjectState {
		return lxdObjectState{exists: true, kind: "ceph", status: statusCreated, locations: locations}
	}

	cases := []struct {
		name      string
		states    []lxdObjectState
		createErr []error
		calls     []string
		changed   bool
		err       string
	}{
		{"new", []lxdObjectState{{}}, nil, []string{"define a", "define b", "define c", "create with config"}, true, ""},
		{"done", []lxdObjectState{created("a", "b", "c")}, nil, nil, false, ""},
		{"created but not everywhere", []lxdObjectState{created("a")}, nil, nil, false, "exists but not on every member"},
		{"other driver", []lxdObjectState{{exists: true, kind: "dir", status: statusCreated}}, nil, nil, false, `exists as "dir", not "ceph"`},
		{"pending on two members", []lxdObjectState{{exists: true, kind: "ceph", status: "Pending", locations: []string{"a", "b"}}}, nil,
			[]string{"define c", "create with config"}, true, ""},
		{"errored, still being created", []lxdObjectState{{exists: true, kind: "ceph", status: statusErrored}, created("a", "b", "c")}, nil, nil, false, ""},
		{"errored for good: LXD's retry", []lxdObjectState{{exists: true, kind: "ceph", status: statusErrored, locations: members}}, nil,
			[]string{"create"}, true, ""},
		{"errored, retry fails: afresh", []lxdObjectState{{exists: true, kind: "ceph", status: statusErrored, locations: members}}, []error{errors.New("no")},
			[]string{"create", "delete", "define a", "define b", "define c", "create with config"}, true, ""},
		{"new, fails on a member: LXD's retry", []lxdObjectState{{}, {exists: true, kind: "ceph", status: statusErrored, locations: members}}, []error{errors.New("member c: busy")},
			[]string{"define a", "define b", "define c", "create with config", "create"}, true, ""},
		{"new, fails on a member, LXD's retry fails: afresh", []lxdObjectState{{}, {exists: true, kind: "ceph", status: statusErrored, locations: members}, {exists: true, kind: "ceph", status: statusErrored, locations: members}, {}},
			[]error{errors.New("member c: busy"), errors.New("not in pending state")},
			[]string{"define a", "define b", "define c", "create with config", "create", "delete", "define a", "define b", "define c", "create with config"}, true, ""},
		{"new, fails twice: the error", []lxdObjectState{{}, {exists: true, kind: "ceph", status: statusErrored, locations: members}},
			[]error{errors.New("busy"), errors.New("not in pending state"), errors.New("busy again")}, nil, false, "busy again"},
		{"new, fails, nothing left", []lxdObjectState{{}}, []error{errors.New("refused")}, nil, false, "Failed to create storage pool \"remote\": refused"},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeObject{states: tc.states, createErr: tc.createErr}
			changed, err := ensureObject(f.ops(true), obj, members)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}

				return
			}

			if err != nil || changed != tc.changed || !reflect.DeepEqual(f.calls, tc.calls) {
				t.Fatalf("changed %v, err %v, calls %q; want %v, %q", changed, err, f.calls, tc.changed, tc.calls)
			}
		})
	}
}

func TestEnsureObjectClusterWideOnly(t *testing.T) {
	f := &fakeObject{states: []lxdObjectState{{}}}
	changed, err := ensureObject(f.ops(false), LXDObject{Name: "default", Type: "ovn", Config: map[string]string{"network": "UPLINK"}}, []string{"a", "b"})
	if err != nil || !changed || !reflect.DeepEqual(f.calls, []string{"create with config"}) {
		t.Fatalf("changed %v, err %v, calls %q", changed, err, f.calls)
	}
}
