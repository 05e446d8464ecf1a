package preseed

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/service/plan"
)

func ips(values ...string) []net.IP {
	var out []net.IP
	for _, v := range values {
		out = append(out, net.ParseIP(v))
	}

	return out
}

func TestRole(t *testing.T) {
	multicast := mustLoad(t, head+"systems:\n- name: micro01\n- name: micro02\n")
	unicast := mustLoad(t, "initiator_address: 10.93.0.12\nsession_passphrase: foo\nsystems:\n- name: micro01\n  address: 10.93.0.12\n- name: micro02\n  address: 10.93.0.13\n")
	unicastAdd := mustLoad(t, "initiator_address: 10.93.0.12\nsession_passphrase: foo\nsystems:\n- name: micro04\n  address: 10.93.0.15\n")
	legacy := mustLoad(t, "lookup_subnet: 10.93.0.12/24\nsystems:\n- name: micro01\n- name: micro02\n")
	add := mustLoad(t, head+"systems:\n- name: micro04\n")

	cases := []struct {
		name      string
		file      *File
		hostname  string
		local     []net.IP
		initiator bool
		err       string
	}{
		{"multicast initiator", multicast, "micro01", nil, true, ""},
		{"multicast joiner", multicast, "micro02", nil, false, ""},
		{"multicast stranger", multicast, "micro09", nil, false, `This machine ("micro09") is neither the initiator ("micro01") nor one of the systems of the preseed file`},
		{"unicast initiator by address", unicast, "micro01", ips("10.93.0.12"), true, ""},
		{"unicast joiner", unicast, "micro02", ips("10.93.0.13"), false, ""},
		{"unicast stranger", unicast, "micro09", ips("10.93.0.19"), false, `This machine ("micro09") is neither the initiator (the owner of 10.93.0.12) nor one of the systems of the preseed file`},
		{"unicast add: initiator not listed", unicastAdd, "micro01", ips("10.93.0.12"), true, ""},
		{"1.x: owner of the lookup IP", legacy, "micro01", ips("10.93.0.12"), true, ""},
		{"1.x: other listed system", legacy, "micro02", ips("10.93.0.13"), false, ""},
		{"1.x: stranger", legacy, "micro09", ips("10.93.0.19"), false, `This machine ("micro09") is neither the initiator (the owner of 10.93.0.12, the IP of lookup_subnet) nor one of the systems of the preseed file`},
		{"add: the initiator is not listed", add, "micro01", nil, true, ""},
		{"add: the new system joins", add, "micro04", nil, false, ""},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			initiator, err := tc.file.Role(tc.hostname, tc.local)
			if initiator != tc.initiator {
				t.Errorf("initiator = %v", initiator)
			}

			if (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
				t.Errorf("err = %v, want %q", err, tc.err)
			}
		})
	}
}

func TestMode(t *testing.T) {
	cases := []struct {
		yaml      string
		initiator string
		want      plan.Mode
	}{
		{head + "systems:\n- name: micro01\n- name: micro02\n", "", plan.ModeInit},
		{head + "systems:\n- name: micro04\n", "", plan.ModeAdd},
		{"initiator_address: 10.93.0.12\nsession_passphrase: x\nsystems:\n- name: micro01\n  address: 10.93.0.12\n", "", plan.ModeInit},
		{"initiator_address: 10.93.0.12\nsession_passphrase: x\nsystems:\n- name: micro04\n  address: 10.93.0.15\n", "", plan.ModeAdd},
		{"initiator_address: 10.93.0.12\nsession_passphrase: x\nsystems:\n- name: micro04\n  address: 10.93.0.15\n", "micro01", plan.ModeAdd},
		// 1.x: the command's host decides.
		{"lookup_subnet: 10.93.0.12/24\nsystems:\n- name: micro01\n- name: micro02\n", "micro01", plan.ModeInit},
		{"lookup_subnet: 10.93.0.12/24\nsystems:\n- name: micro04\n", "micro01", plan.ModeAdd},
	}

	for _, tc := range cases {
		f := mustLoad(t, tc.yaml)
		if got := f.Mode(tc.initiator); got != tc.want {
			t.Errorf("Mode(%q) of\n%s= %s, want %s", tc.initiator, tc.yaml, got, tc.want)
		}
	}
}

func TestLocalAddress(t *testing.T) {
	multicast := mustLoad(t, head+"systems:\n- name: micro01\n- name: micro02\n")
	legacy := mustLoad(t, "lookup_subnet: 10.93.0.12/24\nsystems:\n- name: micro01\n- name: micro02\n")
	unicast := mustLoad(t, "initiator_address: 10.93.0.12\nsession_passphrase: foo\nsystems:\n- name: micro04\n  address: 10.93.0.15\n")

	cases := []struct {
		name     string
		file     *File
		hostname string
		local    []net.IP
		want     string
		err      string
	}{
		{"first address in the subnet", multicast, "micro02", ips("192.168.1.5", "10.93.0.13", "10.93.0.99"), "10.93.0.13", ""},
		{"1.x: the lookup IP itself first", legacy, "micro01", ips("10.93.0.5", "10.93.0.12"), "10.93.0.12", ""},
		{"1.x: a joiner's own address", legacy, "micro02", ips("10.93.0.13"), "10.93.0.13", ""},
		{"no address in the subnet", multicast, "micro02", ips("192.168.1.5"), "", `Failed to determine MicroCloud address within subnet "10.93.0.0/24": no address of this machine is in it`},
		{"unicast: the system's address", unicast, "micro04", ips("10.93.0.15"), "10.93.0.15", ""},
		{"unicast: the system's address is not here", unicast, "micro04", ips("10.93.0.16"), "", `The address of system "micro04" (10.93.0.15) is not an address of this machine`},
		{"unicast add: the initiator's address", unicast, "micro01", ips("10.93.0.12"), "10.93.0.12", ""},
		{"unicast: a machine with no address in the file", unicast, "micro09", ips("10.93.0.19"), "", `This machine ("micro09") has no address in the preseed file: it is not the initiator (10.93.0.12) and its system has no address`},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ip, err := tc.file.LocalAddress(tc.hostname, tc.local)
			got := ""
			if ip != nil {
				got = ip.String()
			}

			if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
				t.Errorf("got %q, %v; want %q, %q", got, err, tc.want, tc.err)
			}
		})
	}
}

func TestTimeouts(t *testing.T) {
	f := mustLoad(t, head+"systems:\n- name: micro01\n")
	lookup, session := f.Timeouts()
	if lookup != 60*time.Second || session != time.Hour {
		t.Errorf("defaults: %s %s", lookup, session)
	}

	f = mustLoad(t, head+"lookup_timeout: 5\nsession_timeout: 600\nsystems:\n- name: micro01\n")
	lookup, session = f.Timeouts()
	if lookup != 5*time.Second || session != 10*time.Minute {
		t.Errorf("given: %s %s", lookup, session)
	}
}

func TestPassphraseNotNeededAlone(t *testing.T) {
	for _, text := range []string{
		"initiator: micro01\nlookup_subnet: 10.93.0.0/24\nsystems:\n- name: micro01\n",
		"lookup_subnet: 10.93.0.12/24\nsystems:\n- name: micro01\n",
		"initiator_address: 10.93.0.12\nsystems:\n- name: micro01\n  address: 10.93.0.12\n",
	} {
		f, ps := Load([]byte(text), "")
		if len(ps) > 0 || f.Passphrase("") != "" {
			t.Errorf("a single-system init needs no passphrase: %v\n%s", ps, text)
		}
	}

	f := mustLoad(t, head+"systems:\n- name: micro01\n- name: micro02\n")
	if f.Passphrase("") != "foo" || f.Passphrase("bar") != "bar" {
		t.Error("the flag overrides the file's passphrase")
	}

	if !strings.Contains(plan.Problem{Path: "a", Message: "b"}.String(), "a: b") {
		t.Error("problem format")
	}
}

func TestProblemsInTheFilesTerms(t *testing.T) {
	f, _ := Parse([]byte("initiator: micro01\nlookup_subnet: 10.0.0.0/24\nsystems:\n- name: micro01\n- name: micro02\n"))
	for _, tc := range []struct{ in, want string }{
		{"systems[micro02].ovn_uplink_interface", "systems[1].ovn_uplink_interface"},
		{"systems[micro01].storage.ceph[0]", "systems[0].storage.ceph[0]"},
		{"systems[micro02]", "systems[1]"},
		{"systems[micro09].ovn_underlay_ip", "systems[micro09].ovn_underlay_ip"},
		{"ovn.ipv4_range", "ovn.ipv4_range"},
	} {
		p := f.InFile(plan.NewProblem(tc.in, "m"))
		if p.Path != tc.want || p.Message != "m" {
			t.Errorf("%s: %s, want %s", tc.in, p.Path, tc.want)
		}
	}
}
