package lifecycle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/preseed"
	"github.com/microcloud-project/microcloud/service/plan"
)

// stopBackend answers Members with an error: a run that reaches the daemon
// got past every check of the file and of this machine's role.
type stopBackend struct{ *fakeBackend }

func (stopBackend) Members(context.Context) (map[string]string, error) {
	return nil, errors.New("reached the daemon")
}

// TestLookupInterfaceRestrictsTheAddresses: a 1.x file's lookup_interface
// makes only that interface's addresses count, for the role and the address.
func TestLookupInterfaceRestrictsTheAddresses(t *testing.T) {
	file := "lookup_subnet: 10.0.0.1/24\nlookup_interface: %s\nsystems:\n- name: micro01\n- name: micro02\n"
	byInterface := map[string][]net.IP{"eth0": {net.ParseIP("192.168.1.5")}, "eth1": {net.ParseIP("10.0.0.1")}}
	for _, tc := range []struct {
		name, iface, host, err string
	}{
		{"the initiator's address is on the interface", "eth1", "micro01", "reached the daemon"},
		{"an unknown interface", "eth9", "micro01", `lookup_interface: This machine has no interface "eth9"`},
		{"the subnet is on another interface", "eth0", "micro01", "lookup_interface eth0: Failed to determine MicroCloud address within subnet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := &Env{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, Backend: stopBackend{&fakeBackend{}}, Hostname: tc.host,
				LocalAddresses: []net.IP{net.ParseIP("192.168.1.5"), net.ParseIP("10.0.0.1")},
				InterfaceAddresses: func(name string) ([]net.IP, error) {
					ips, ok := byInterface[name]
					if !ok {
						return nil, fmt.Errorf("This machine has no interface %q", name)
					}

					return ips, nil
				}}
			err := InitPreseed(context.Background(), env, PreseedOptions{Name: "f.yaml", Data: []byte(fmt.Sprintf(file, tc.iface)), Passphrase: "a b c d"})
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err %v, want %q", err, tc.err)
			}
		})
	}
}

// TestPreseedResumesWithoutAskingMembersAgain: the same file run again
// starts a session only for the systems that are not members yet, and none
// when every system is.
func TestPreseedResumesWithoutAskingMembersAgain(t *testing.T) {
	data := []byte("initiator: micro01\nlookup_subnet: 10.0.0.0/24\nsession_passphrase: a b c d\nsystems:\n- name: micro01\n- name: micro02\n- name: micro03\n")
	f, problems := preseedLoad(t, data)
	if len(problems) > 0 {
		t.Fatal(problems)
	}

	env := &Env{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, Hostname: "micro01"}
	for _, tc := range []struct {
		members map[string]string
		joining string
	}{
		{map[string]string{}, "micro02,micro03"},
		{map[string]string{"micro01": "10.0.0.1", "micro02": "10.0.0.2"}, "micro03"},
		{map[string]string{"micro01": "10.0.0.1", "micro02": "10.0.0.2", "micro03": "10.0.0.3"}, ""},
	} {
		p := &PreseedPlanner{file: f, passphrase: "a b c d"}
		start, err := p.Session(context.Background(), env, tc.members)
		if err != nil {
			t.Fatal(err)
		}

		if got := strings.Join(p.joining, ","); got != tc.joining || (start == nil) != (tc.joining == "") {
			t.Fatalf("members %v: joining %q (session %v), want %q", tc.members, got, start != nil, tc.joining)
		}
	}
}

func preseedLoad(t *testing.T, data []byte) (*preseed.File, []plan.Problem) {
	t.Helper()
	return preseed.LoadDeferringPassphrase(data)
}

// TestAddRefusesAMemberAsNew: a file that adds a system which is a member of
// every service already is refused; one that an interrupted add left half
// joined is finished.
func TestAddRefusesAMemberAsNew(t *testing.T) {
	data := []byte("initiator: micro01\nlookup_subnet: 10.0.0.0/24\nsession_passphrase: a b c d\nsystems:\n- name: micro04\n")
	f, problems := preseedLoad(t, data)
	if len(problems) > 0 {
		t.Fatal(problems)
	}

	p := &PreseedPlanner{file: f, mode: plan.ModeAdd, members: map[string]string{"micro01": "10.0.0.1", "micro04": "10.0.0.4"}}
	pl := plan.Plan{Mode: plan.ModeAdd, Initiator: "micro01", Systems: []plan.System{{Name: "micro04"}}}
	facts := func(lxdClustered bool) plan.Facts {
		return plan.Facts{Systems: map[string]plan.SystemFacts{"micro04": {Services: []types.ServiceState{
			{Type: types.MicroCloud, Present: true, Clustered: true},
			{Type: types.LXD, Present: true, Clustered: lxdClustered},
		}}}}
	}

	if got := p.alreadyMembers(pl, facts(true)); len(got) != 1 || got[0].Path != "systems[0]" || !strings.Contains(got[0].Message, "micro04 is already a member") {
		t.Fatalf("a complete member: %v", got)
	}

	if got := p.alreadyMembers(pl, facts(false)); len(got) != 0 {
		t.Fatalf("a member an interrupted add left half joined: %v", got)
	}
}
