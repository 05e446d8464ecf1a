package wizard

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/tui"
)

// keep answers a table with its preselected rows, or a text question with
// its default.
type keep struct{}

// script is an Asker that answers from a list, in order, and checks every
// answer the way the terminal would: rows must exist and be selectable,
// and Validate must accept them, else the refusal is recorded and the next
// answer is tried.
type script struct {
	t        *testing.T
	answers  []any
	asked    []string
	said     []string
	refusals []string
}

func (s *script) next(question string) any {
	s.t.Helper()
	if len(s.answers) == 0 {
		s.t.Fatalf("no answer left for %q (asked so far: %q)", question, s.asked)
	}

	a := s.answers[0]
	s.answers = s.answers[1:]
	s.asked = append(s.asked, question)
	return a
}

func (s *script) Select(q tui.SelectTable, _ <-chan tea.Msg) ([]string, error) {
	s.t.Helper()
	byID := map[string]tui.Row{}
	for _, r := range q.Rows {
		byID[r.ID] = r
	}

	for {
		a := s.next(q.Title)
		var ids []string
		switch a := a.(type) {
		case error:
			return nil, a
		case keep:
			ids = q.Selected
		case []string:
			ids = a
		default:
			s.t.Fatalf("answer %v to table %q", a, q.Title)
		}

		var rows []tui.Row
		refused := ""
		for _, id := range ids {
			r, ok := byID[id]
			switch {
			case !ok:
				s.t.Fatalf("table %q has no row %q (rows: %v)", q.Title, id, keys(byID))
			case !r.Selectable():
				refused = id + " cannot be selected: " + r.Disabled
			}

			rows = append(rows, r)
		}

		if refused == "" && len(rows) == 0 && (!q.Multi || q.MinSelected > 0) {
			refused = "nothing selected"
		}

		if refused == "" && q.Validate != nil {
			if err := q.Validate(rows); err != nil {
				refused = err.Error()
			}
		}

		if refused == "" {
			return ids, nil
		}

		s.refusals = append(s.refusals, refused)
	}
}

func (s *script) Text(q tui.TextQuestion) (string, error) {
	s.t.Helper()
	for {
		a := s.next(q.Prompt)
		var v string
		switch a := a.(type) {
		case error:
			return "", a
		case keep:
			v = q.Default
		case string:
			v = a
		default:
			s.t.Fatalf("answer %v to question %q", a, q.Prompt)
		}

		if q.Validate != nil {
			if err := q.Validate(v); err != nil {
				s.refusals = append(s.refusals, err.Error())
				continue
			}
		}

		return v, nil
	}
}

func (s *script) Confirm(q tui.ConfirmQuestion) (bool, error) {
	s.t.Helper()
	switch a := s.next(q.Prompt).(type) {
	case error:
		return false, a
	case keep:
		return q.Default, nil
	case bool:
		return a, nil
	default:
		s.t.Fatalf("answer %v to yes/no %q", a, q.Prompt)
		return false, nil
	}
}

func (s *script) Say(format string, args ...any) {
	s.said = append(s.said, fmt.Sprintf(format, args...))
}

func keys(m map[string]tui.Row) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}

	return out
}

// labFacts are three systems shaped like the lab's: mgmt0 (MicroCloud),
// uplink0 (free), ul0 (an underlay), ceph0 (a Ceph network), eth9 (down);
// disks sda (mounted), sdb (free), sdc (partitions).
func labFacts() plan.Facts {
	f := plan.Facts{Systems: map[string]plan.SystemFacts{}}
	for i := 1; i <= 3; i++ {
		name := fmt.Sprintf("micro0%d", i)
		ifaces := []types.Interface{
			{Name: "mgmt0", Type: "veth", State: "up", Addresses: []string{fmt.Sprintf("10.99.0.1%d/24", i)},
				Uplink: types.Ineligible(fmt.Sprintf("has IP 10.99.0.1%d/24", i)), Underlay: types.Eligible, CephNetwork: types.Eligible},
			{Name: "uplink0", Type: "veth", State: "up", Addresses: []string{},
				Uplink: types.Eligible, Underlay: types.Ineligible("has no IP"), CephNetwork: types.Ineligible("has no IP")},
			{Name: "ul0", Type: "veth", State: "up", Addresses: []string{fmt.Sprintf("10.98.0.1%d/24", i)},
				Uplink: types.Ineligible(fmt.Sprintf("has IP 10.98.0.1%d/24", i)), Underlay: types.Eligible, CephNetwork: types.Eligible},
			{Name: "ceph0", Type: "veth", State: "up", Addresses: []string{fmt.Sprintf("10.97.0.1%d/24", i)},
				Uplink: types.Ineligible(fmt.Sprintf("has IP 10.97.0.1%d/24", i)), Underlay: types.Eligible, CephNetwork: types.Eligible},
			{Name: "eth9", Type: "physical", State: "down", Addresses: []string{},
				Uplink: types.Ineligible("DOWN"), Underlay: types.Ineligible("DOWN"), CephNetwork: types.Ineligible("DOWN")},
		}

		disks := []types.Disk{
			{ID: "sda", Path: "/dev/disk/by-id/" + name + "-sda", Model: "root", Type: "virtio", Size: 20 << 30, Mounted: true,
				UsedBy: []string{"mounted on /"}, Local: types.Ineligible("mounted on /"), Ceph: types.Ineligible("mounted on /")},
			{ID: "sdb", Path: "/dev/disk/by-id/" + name + "-sdb", Model: "QEMU", Type: "scsi", Size: 10 << 30, Local: types.Eligible, Ceph: types.Eligible},
			{ID: "sdc", Path: "/dev/disk/by-id/" + name + "-sdc", Model: "QEMU", Type: "scsi", Size: 10 << 30,
				Partitions: []types.Partition{{ID: "sdc1", Size: 1 << 30}}, Local: types.Ineligible("has partitions"), Ceph: types.Ineligible("has partitions")},
		}

		services := []types.ServiceState{
			{Type: types.LXD, Present: true, Version: "5.0.2", Extensions: []string{"clustering_join_token", "network_type_ovn", "network_type_physical", "storage_pool_source_wipe"}},
			{Type: types.MicroOVN, Present: true, Version: "24.03", Extensions: []string{"custom_encapsulation_ip"}},
			{Type: types.MicroCeph, Present: true, Version: "19.2.0"},
		}

		f.Systems[name] = plan.SystemFacts{Services: services,
			Inventory: types.System{Name: name, Interfaces: ifaces, Disks: disks, StorageDrivers: []string{"dir", "zfs"}}}
	}

	return f
}

func labWizard(t *testing.T, f plan.Facts, answers ...any) (*Wizard, *script) {
	s := &script{t: t, answers: answers}
	w := &Wizard{Ask: s, Facts: f, Plan: plan.Plan{Mode: plan.ModeInit, Initiator: "micro01"}}
	for _, name := range []string{"micro03", "micro01", "micro02"} {
		w.Plan.Systems = append(w.Plan.Systems, plan.System{Name: name, Address: "10.99.0.1" + name[6:]})
	}

	return w, s
}

func disk(system, name string) string {
	return diskID(system, "/dev/disk/by-id/"+system+"-"+name)
}

func TestWizardFullSetup(t *testing.T) {
	w, s := labWizard(t, labFacts(),
		true, // local storage on disks
		[]string{disk("micro01", "sdb"), disk("micro02", "sdb"), disk("micro03", "sdb")},
		true, // Ceph
		[]string{disk("micro01", "sdc"), disk("micro02", "sdc"), disk("micro03", "sdc")},
		true,                             // wipe them
		false,                            // no encryption
		[]string{"10.97.0.0/24"}, keep{}, // Ceph public, internal = public
		true,                   // OVN
		keep{}, keep{}, keep{}, // uplink0 preselected everywhere
		"10.96.0.1/24", keep{}, "", keep{}, // gateway, the suggested range (a real default), no IPv6, DNS
		true,                                          // underlay
		[]string{"ul0 10.98.0.11/24"}, keep{}, keep{}, // the same subnet is preselected on the others
	)

	p, err := w.Build()
	if err != nil {
		t.Fatal(err)
	}

	if len(s.refusals) != 0 || len(s.answers) != 0 {
		t.Fatalf("refusals %q, answers left %v", s.refusals, s.answers)
	}

	want := plan.Plan{Mode: plan.ModeInit, Initiator: "micro01", LocalPool: &plan.LocalPool{Driver: plan.DriverZFS},
		Ceph: &plan.Ceph{PublicNetwork: "10.97.0.0/24", InternalNetwork: "10.97.0.0/24"},
		OVN:  &plan.OVN{IPv4Gateway: "10.96.0.1/24", IPv4Range: "10.96.0.100-10.96.0.150"}}
	for i := 1; i <= 3; i++ {
		name := fmt.Sprintf("micro0%d", i)
		want.Systems = append(want.Systems, plan.System{Name: name, Address: fmt.Sprintf("10.99.0.1%d", i),
			UplinkInterface: "uplink0", UnderlayIP: fmt.Sprintf("10.98.0.1%d", i),
			LocalDisk: &plan.Disk{Path: "/dev/disk/by-id/" + name + "-sdb"},
			CephDisks: []plan.Disk{{Path: "/dev/disk/by-id/" + name + "-sdc", Wipe: true}}})
	}

	if !reflect.DeepEqual(p, want) {
		t.Fatalf("plan\n%+v\nwant\n%+v", p, want)
	}

	errs, _ := plan.Validate(p, w.Facts)
	if len(errs) > 0 {
		t.Fatalf("the wizard's plan does not validate: %v", errs)
	}
}

func TestWizardRefusesBadAnswersInPlace(t *testing.T) {
	w, s := labWizard(t, labFacts(),
		false,                            // local storage in a directory
		true,                             // Ceph
		[]string{disk("micro01", "sda")}, // mounted: refused by the table
		[]string{disk("micro01", "sdb"), disk("micro01", "sdb")}, // twice: refused by the validator
		[]string{FileBackedOSD, "x"}[:0],                         // nothing: refused
		[]string{diskID("micro01", FileBackedOSD), diskID("micro02", FileBackedOSD), diskID("micro03", FileBackedOSD)},
		keep{}, keep{}, // Ceph networks: the MicroCloud network
		true,
		[]string{"ul0"}, // has an IP: refused
		[]string{"uplink0"}, keep{}, keep{},
		"10.96.0.0/24", // network address: refused
		"10.96.0.1/24",
		"10.95.0.100-10.95.0.150", // outside the subnet: refused
		"10.96.0.1-10.96.0.50",    // contains the gateway: refused
		"10.96.0.100-10.96.0.150",
		"10.96.0.1/24", // IPv6 expected: refused
		"fd96::1/64",
		"10.96.0.1, dns.example.com", // refused
		"1.1.1.1",
		false, // no underlay
	)

	p, err := w.Build()
	if err != nil {
		t.Fatal(err)
	}

	want := []string{
		disk("micro01", "sda") + " cannot be selected: mounted on /",
		"systems[micro01].storage.ceph[1]: /dev/disk/by-id/micro01-sdb is already used for storage.ceph[0]",
		"nothing selected",
		"ul0 cannot be selected: has IP 10.98.0.11/24",
		"10.96.0.0 is the network address of 10.96.0.0/24, not a gateway",
		"range 10.95.0.100-10.95.0.150 is not inside the gateway's subnet 10.96.0.0/24",
		"range 10.96.0.1-10.96.0.50 contains the gateway 10.96.0.1",
		"10.96.0.1/24 is not an IPv6 address",
		`"dns.example.com" is not an IP address`,
	}

	if !reflect.DeepEqual(s.refusals, want) {
		t.Fatalf("refusals\n%q\nwant\n%q", s.refusals, want)
	}

	if p.LocalPool.Driver != plan.DriverDir || p.OVN.IPv6Gateway != "fd96::1/64" || !reflect.DeepEqual(p.OVN.DNSServers, []string{"1.1.1.1"}) || p.Systems[2].CephDisks[0].Path != FileBackedOSD {
		t.Fatalf("plan %+v / %+v", p, p.OVN)
	}
}

func TestWizardDeclinesAndFallbacks(t *testing.T) {
	f := labFacts()

	// micro02 cannot do ZFS, micro03 has no MicroCeph.
	sf := f.Systems["micro02"]
	sf.Inventory.StorageDrivers = []string{"dir"}
	f.Systems["micro02"] = sf
	sf = f.Systems["micro03"]
	sf.Services = sf.Services[:2]
	f.Systems["micro03"] = sf

	w, s := labWizard(t, f, false) // no OVN
	p, err := w.Build()
	if err != nil {
		t.Fatal(err)
	}

	if p.LocalPool.Driver != plan.DriverDir || p.Ceph != nil || p.OVN != nil {
		t.Fatalf("plan %+v", p)
	}

	said := strings.Join(s.said, "\n")
	for _, want := range []string{"LXD on micro02 does not support ZFS", "MicroCeph is not available on micro03", "each system gets its own bridge lxdbr0"} {
		if !strings.Contains(said, want) {
			t.Fatalf("not said: %q\n%s", want, said)
		}
	}
}

func TestWizardSystemWithoutUplink(t *testing.T) {
	f := labFacts()
	sf := f.Systems["micro02"]
	sf.Inventory.Interfaces[1].Uplink = types.Ineligible("DOWN")
	f.Systems["micro02"] = sf

	// Declining to go on without OVN stops the init.
	w, s := labWizard(t, f, false, false, false)
	_, err := w.Build()
	if !errors.Is(err, ErrNoUplink) {
		t.Fatalf("err %v", err)
	}

	if said := strings.Join(s.said, "\n"); !strings.Contains(said, "No interface of micro02 can be the OVN uplink:\n  mgmt0: has IP 10.99.0.12/24\n  uplink0: DOWN") {
		t.Fatalf("the reasons are not listed:\n%s", said)
	}

	// Accepting goes on with bridges.
	w, _ = labWizard(t, f, false, false, true)
	p, err := w.Build()
	if err != nil || p.OVN != nil {
		t.Fatalf("plan %+v, err %v", p, err)
	}
}

func TestWizardWipeAndFewCephHosts(t *testing.T) {
	w, s := labWizard(t, labFacts(),
		false, true,
		[]string{disk("micro01", "sdc")}, // old data
		false,                            // do not wipe: choose again
		[]string{disk("micro01", "sdb")}, // one host only
		true,                             // choose again
		[]string{disk("micro01", "sdb"), disk("micro02", "sdb"), disk("micro03", "sdc")},
		true, // wipe micro03's sdc
		true, // encrypt
		keep{}, keep{},
		false,
	)

	p, err := w.Build()
	if err != nil {
		t.Fatal(err)
	}

	said := strings.Join(s.said, "\n")
	if !strings.Contains(said, "will be destroyed: micro01 /dev/disk/by-id/micro01-sdc") || !strings.Contains(said, "Only 1 system(s) give Ceph a disk") {
		t.Fatalf("said:\n%s", said)
	}

	got := p.Systems[2].CephDisks
	if !reflect.DeepEqual(got, []plan.Disk{{Path: "/dev/disk/by-id/micro03-sdc", Wipe: true, Encrypt: true}}) {
		t.Fatalf("micro03's Ceph disks %+v", got)
	}
}

func TestWizardCancelStops(t *testing.T) {
	w, _ := labWizard(t, labFacts(), true, tui.ErrCancelled)
	_, err := w.Build()
	if !errors.Is(err, tui.ErrCancelled) {
		t.Fatalf("err %v", err)
	}
}

func TestSizeText(t *testing.T) {
	for size, want := range map[uint64]string{0: "0B", 512: "512B", 10 << 30: "10GiB", 1536 << 20: "1.5GiB", 931*(1<<30) + 600<<20: "932GiB"} {
		if got := sizeText(size); got != want {
			t.Fatalf("sizeText(%d) = %s, want %s", size, got, want)
		}
	}
}

func TestPeerRows(t *testing.T) {
	lxd := []types.ServiceState{{Type: types.LXD, Present: true}, {Type: types.MicroOVN, Present: true}}
	cases := []struct {
		peer     types.SessionPeer
		disabled string
	}{
		{types.SessionPeer{Name: "a", State: types.PeerVerified, Services: lxd}, ""},
		{types.SessionPeer{Name: "b", State: types.PeerVerified}, "LXD is not available"},
		{types.SessionPeer{Name: "c", State: types.PeerDiscovered}, "waiting for the passphrase"},
		{types.SessionPeer{Name: "d", State: types.PeerRejected, Reason: "wrong passphrase"}, "rejected: wrong passphrase"},
		{types.SessionPeer{Name: "e", State: types.PeerLeft}, "left the session"},
	}

	for _, c := range cases {
		row := PeerRow(c.peer)
		if row.Disabled != c.disabled {
			t.Fatalf("%s: disabled %q, want %q", c.peer.Name, row.Disabled, c.disabled)
		}
	}

	if got := PeerRow(cases[0].peer).Cells[3]; got != "LXD OVN" {
		t.Fatalf("services %q", got)
	}
}

func TestChooseAddress(t *testing.T) {
	sys := types.System{Interfaces: []types.Interface{
		{Name: "mgmt0", State: "up", Addresses: []string{"10.99.0.11/24", "fd99::11/64"}},
		{Name: "lxdbr0", State: "up", Managed: true, Addresses: []string{"10.1.1.1/24"}},
	}}

	s := &script{t: t, answers: []any{[]string{"10.1.1.1"}, []string{"fd99::11"}}}
	got, err := ChooseAddress(s, sys, "")
	if err != nil || got != "fd99::11" || len(s.refusals) != 1 {
		t.Fatalf("got %q, %v, refusals %q", got, err, s.refusals)
	}

	_, err = ChooseAddress(s, sys, "10.1.1.1")
	if err == nil || !strings.Contains(err.Error(), "on a network LXD manages") {
		t.Fatalf("--address on lxdbr0: %v", err)
	}

	sys.Interfaces[0].Addresses = sys.Interfaces[0].Addresses[:1]
	got, err = ChooseAddress(s, sys, "")
	if err != nil || got != "10.99.0.11" || !strings.Contains(strings.Join(s.said, ""), "Using address 10.99.0.11") {
		t.Fatalf("single address: %q %v %q", got, err, s.said)
	}
}
