package wizard

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/tui"
)

// ErrNoUplink stops an init whose operator wants OVN but a system has no
// interface for it: going on would silently give them bridges instead.
var ErrNoUplink = errors.New("Stopped: distributed networking needs an uplink interface on every system (UP, without an IP, or a bridge); nothing was changed")

// distributedNetworking asks for OVN: one uplink interface per system, the
// uplink network's gateways, range and DNS, and an optional underlay.
func (w *Wizard) distributedNetworking() error {
	w.Plan.OVN = nil
	for i := range w.Plan.Systems {
		w.Plan.Systems[i].UplinkInterface = ""
		w.Plan.Systems[i].UnderlayIP = ""
	}

	if ok, where := w.everySystemHas(types.MicroOVN); !ok {
		w.Ask.Say("Distributed networking: skipped (MicroOVN is not available on %s); %s", where, bridgeFallback)
		return nil
	}

	without := w.systemsWithoutUplink()
	if len(without) > 0 {
		for _, name := range without {
			w.Ask.Say("No interface of %s can be the OVN uplink:", name)
			for _, iface := range w.Facts.Systems[name].Inventory.Interfaces {
				w.Ask.Say("  %s: %s", iface.Name, iface.Uplink.Reason)
			}
		}

		ok, err := w.yes("Continue without distributed networking ("+bridgeFallback+")?", false)
		if err != nil {
			return err
		}

		if !ok {
			return ErrNoUplink
		}

		return nil
	}

	ok, err := w.yes("Set up distributed networking (OVN)?", true)
	if err != nil {
		return err
	}

	if !ok {
		w.Ask.Say("Networking: %s", bridgeFallback)
		return nil
	}

	w.Plan.OVN = &plan.OVN{}
	previous := ""
	for _, s := range w.Plan.Systems {
		previous, err = w.askUplink(s.Name, previous)
		if err != nil {
			return err
		}
	}

	err = w.askUplinkNetwork()
	if err != nil {
		return err
	}

	return w.askUnderlay()
}

// bridgeFallback says what a cloud without OVN gets.
const bridgeFallback = "each system gets its own bridge lxdbr0: instances reach the outside through NAT, not instances on other systems"

// systemsWithoutUplink lists the systems with no interface fit for the uplink.
func (w *Wizard) systemsWithoutUplink() []string {
	var out []string
	for _, s := range w.Plan.Systems {
		found := false
		for _, iface := range w.Facts.Systems[s.Name].Inventory.Interfaces {
			found = found || iface.Uplink.Eligible
		}

		if !found {
			out = append(out, s.Name)
		}
	}

	return out
}

// askUplink asks one system's uplink interface; previous (the last
// system's choice) is preselected where that name is usable too.
func (w *Wizard) askUplink(system string, previous string) (string, error) {
	var rows []tui.Row
	var eligible []string
	for _, iface := range w.Facts.Systems[system].Inventory.Interfaces {
		if iface.Type == "loopback" {
			continue
		}

		// No address column: an interface with one says so as its reason.
		row := tui.Row{ID: iface.Name, Cells: []string{iface.Name, iface.Type, strings.ToUpper(iface.State)}}
		if !iface.Uplink.Eligible {
			row.Disabled = iface.Uplink.Reason
		} else {
			eligible = append(eligible, iface.Name)
		}

		rows = append(rows, row)
	}

	var selected []string
	switch {
	case slices.Contains(eligible, previous):
		selected = []string{previous}
	case len(eligible) == 1:
		selected = eligible
	}

	i := w.systemIndex(system)
	ids, err := w.Ask.Select(tui.SelectTable{
		Title:    fmt.Sprintf("Select the uplink interface of %s (OVN's way out; it must be UP and have no IP):", system),
		Headers:  []string{"IFACE", "TYPE", "STATE"},
		Rows:     rows,
		Noun:     "interface",
		Selected: selected,
		Validate: func(rows []tui.Row) error {
			p := w.Plan.Clone()
			p.Systems[i].UplinkInterface = rows[0].ID
			return problemsError(w.sectionProblems(p, func(pr plan.Problem) bool { return pr.Is(system, plan.FieldUplink) }))
		},
	}, nil)
	if err != nil {
		return "", err
	}

	w.Plan.Systems[i].UplinkInterface = ids[0]
	return ids[0], nil
}

// askUplinkNetwork asks for the uplink network's gateways, IPv4 range and
// nameservers, each checked as it is typed.
func (w *Wizard) askUplinkNetwork() error {
	o := w.Plan.OVN
	var gw4 net.IP
	var subnet4 *net.IPNet
	var err error
	o.IPv4Gateway, err = w.Ask.Text(tui.TextQuestion{
		Prompt:      "IPv4 gateway of the uplink network, with its prefix (empty: no IPv4)",
		Placeholder: "10.0.0.1/24",
		Validate: func(v string) error {
			if v == "" {
				return nil
			}

			_, _, err := plan.GatewayCheck(v, false)
			return err
		},
	})
	if err != nil {
		return err
	}

	if o.IPv4Gateway != "" {
		gw4, subnet4, _ = plan.GatewayCheck(o.IPv4Gateway, false)
		reserved := map[string]string{}
		for _, s := range w.Plan.Systems {
			reserved[s.Address] = s.Name
		}

		// A range suggested from the gateway is a real default (Enter
		// takes it) when it is valid; otherwise it is only an example.
		q := tui.TextQuestion{
			Prompt: "Uplink IPv4 addresses OVN may give its routers (first-last)",
			Validate: func(v string) error {
				_, _, err := plan.RangeCheck(v, gw4, subnet4, reserved)
				return err
			},
		}

		if suggested := rangeExample(gw4, subnet4); q.Validate(suggested) == nil {
			q.Default = suggested
		} else {
			q.Placeholder = suggested
		}

		o.IPv4Range, err = w.Ask.Text(q)
		if err != nil {
			return err
		}
	}

	o.IPv6Gateway, err = w.Ask.Text(tui.TextQuestion{
		Prompt:      "IPv6 gateway of the uplink network, with its prefix (empty: no IPv6)",
		Placeholder: "fd00::1/64",
		Validate: func(v string) error {
			if v == "" {
				if o.IPv4Gateway == "" {
					return errors.New("either the IPv4 or the IPv6 gateway of the uplink network is required")
				}

				return nil
			}

			_, _, err := plan.GatewayCheck(v, true)
			return err
		},
	})
	if err != nil {
		return err
	}

	// The default is plan's: the gateways, when no nameserver is set.
	defaults := (&plan.OVN{IPv4Gateway: o.IPv4Gateway, IPv6Gateway: o.IPv6Gateway}).Nameservers()
	dns, err := w.Ask.Text(tui.TextQuestion{
		Prompt:  "Nameservers for the OVN networks (comma-separated)",
		Default: strings.Join(defaults, ","),
		Validate: func(v string) error {
			return plan.DNSCheck(plan.SplitDNSServers(v))
		},
	})
	if err != nil {
		return err
	}

	// The gateways are the default: only other servers are written down.
	if dns != strings.Join(defaults, ",") {
		o.DNSServers = plan.SplitDNSServers(dns)
	}

	return nil
}

// rangeExample suggests a range in the gateway's subnet (a hint, never a
// default: the addresses may be taken on that network).
func rangeExample(gw net.IP, subnet *net.IPNet) string {
	ip4 := gw.To4()
	ones, _ := subnet.Mask.Size()
	if ip4 == nil || ones > 24 {
		return "10.0.0.100-10.0.0.150"
	}

	return fmt.Sprintf("%d.%d.%d.100-%d.%d.%d.150", ip4[0], ip4[1], ip4[2], ip4[0], ip4[1], ip4[2])
}

// askUnderlay offers a dedicated network for Geneve traffic when every
// system has an address that can carry it.
func (w *Wizard) askUnderlay() error {
	for _, s := range w.Plan.Systems {
		st, _ := w.Facts.Systems[s.Name].Service(types.MicroOVN)
		if !st.HasExtension("custom_encapsulation_ip") || len(w.underlayRows(s.Name, true)) == 0 {
			return nil
		}
	}

	ok, err := w.yes("Carry OVN traffic between systems on a dedicated network (underlay)? Otherwise it uses the MicroCloud network", false)
	if err != nil || !ok {
		return err
	}

	return w.askUnderlays("")
}

// askUnderlays asks each system's underlay address; the first one in the
// subnet of previous (an address with its prefix; "" for none) is
// preselected, and each answer becomes the next system's previous.
func (w *Wizard) askUnderlays(previous string) error {
	for i, s := range w.Plan.Systems {
		rows := w.underlayRows(s.Name, false)
		var selected []string
		for _, r := range rows {
			if r.Selectable() && previous != "" && sameSubnet(r.Cells[1], previous) {
				selected = []string{r.ID}
				break
			}
		}

		ids, err := w.Ask.Select(tui.SelectTable{
			Title:    fmt.Sprintf("Select the underlay address of %s:", s.Name),
			Headers:  []string{"IFACE", "ADDRESS", "TYPE"},
			Rows:     rows,
			Noun:     "address",
			Selected: selected,
			Validate: func(rows []tui.Row) error {
				p := w.Plan.Clone()
				p.Systems[i].UnderlayIP = addressIP(rows[0].Cells[1])
				return problemsError(w.sectionProblems(p, func(pr plan.Problem) bool { return pr.Is(s.Name, plan.FieldUnderlay) }))
			},
		}, nil)
		if err != nil {
			return err
		}

		for _, r := range rows {
			if r.ID == ids[0] {
				previous = r.Cells[1]
				w.Plan.Systems[i].UnderlayIP = addressIP(previous)
			}
		}
	}

	return nil
}

// underlayRows lists a system's addresses for the underlay (only the usable
// ones with onlyUsable).
func (w *Wizard) underlayRows(system string, onlyUsable bool) []tui.Row {
	var rows []tui.Row
	s, _ := w.Plan.System(system)
	for _, iface := range w.Facts.Systems[system].Inventory.Interfaces {
		for _, a := range iface.Addresses {
			row := tui.Row{ID: iface.Name + " " + a, Cells: []string{iface.Name, a, iface.Type}}
			switch {
			case !iface.Underlay.Eligible:
				row.Disabled = iface.Underlay.Reason
			case addressIP(a) == s.Address:
				row.Disabled = "the MicroCloud address (the default underlay)"
			}

			if onlyUsable && !row.Selectable() {
				continue
			}

			rows = append(rows, row)
		}
	}

	return rows
}

// cephNetworks asks which subnets carry Ceph's public and internal
// traffic; only subnets every system is on can be chosen.
func (w *Wizard) cephNetworks() error {
	rows := w.subnetRows()
	var usable []string
	for _, r := range rows {
		if r.Selectable() {
			usable = append(usable, r.ID)
		}
	}

	if len(usable) <= 1 {
		w.Ask.Say("Ceph traffic: the MicroCloud network (no other network reaches every system)")
		return nil
	}

	def := w.microcloudSubnet()
	public, err := w.askSubnet("Select the network for Ceph's public traffic (LXD and clients to Ceph):", rows, def, plan.FieldCephPublic, func(p *plan.Plan, v string) { p.Ceph.PublicNetwork = v })
	if err != nil {
		return err
	}

	internal, err := w.askSubnet("Select the network for Ceph's internal traffic (replication between systems):", rows, public, plan.FieldCephInternal, func(p *plan.Plan, v string) { p.Ceph.InternalNetwork = v })
	if err != nil {
		return err
	}

	w.Plan.Ceph.PublicNetwork, w.Plan.Ceph.InternalNetwork = public, internal
	return nil
}

func (w *Wizard) askSubnet(title string, rows []tui.Row, def string, field plan.Field, set func(*plan.Plan, string)) (string, error) {
	ids, err := w.Ask.Select(tui.SelectTable{
		Title:    title,
		Headers:  []string{"SUBNET", "INTERFACES"},
		Rows:     rows,
		Noun:     "network",
		Selected: []string{def},
		Validate: func(rows []tui.Row) error {
			p := w.Plan.Clone()
			set(&p, rows[0].ID)
			return problemsError(w.sectionProblems(p, func(pr plan.Problem) bool { return pr.Is("", field) }))
		},
	}, nil)
	if err != nil {
		return "", err
	}

	return ids[0], nil
}

// subnetRows lists every subnet of the systems' addresses that may carry
// Ceph traffic, with each system's interface on it; a subnet some system is
// not on cannot be chosen.
func (w *Wizard) subnetRows() []tui.Row {
	on := map[string]map[string]string{} // subnet → system → interface
	for _, s := range w.Plan.Systems {
		for _, iface := range w.Facts.Systems[s.Name].Inventory.Interfaces {
			if !iface.CephNetwork.Eligible {
				continue
			}

			for _, a := range iface.Addresses {
				_, subnet, err := net.ParseCIDR(a)
				if err != nil {
					continue
				}

				if on[subnet.String()] == nil {
					on[subnet.String()] = map[string]string{}
				}

				on[subnet.String()][s.Name] = iface.Name
			}
		}
	}

	subnets := make([]string, 0, len(on))
	for subnet := range on {
		subnets = append(subnets, subnet)
	}

	sort.Strings(subnets)
	var rows []tui.Row
	for _, subnet := range subnets {
		var where, missing []string
		for _, s := range w.Plan.Systems {
			if iface, ok := on[subnet][s.Name]; ok {
				where = append(where, s.Name+" "+iface)
			} else {
				missing = append(missing, s.Name)
			}
		}

		row := tui.Row{ID: subnet, Cells: []string{subnet, strings.Join(where, ", ")}}
		if len(missing) > 0 {
			row.Disabled = "not on " + joinNames(missing)
		}

		rows = append(rows, row)
	}

	return rows
}

// microcloudSubnet is the subnet of the initiator's MicroCloud address.
func (w *Wizard) microcloudSubnet() string {
	s, _ := w.Plan.System(w.Plan.Initiator)
	return w.Facts.Systems[s.Name].SubnetOf(s.Address)
}

// addressIP strips the prefix of "10.0.0.5/24".
func addressIP(cidr string) string {
	ip, _, _ := strings.Cut(cidr, "/")
	return ip
}

// sameSubnet reports whether two CIDR addresses share their subnet.
func sameSubnet(a string, b string) bool {
	_, na, errA := net.ParseCIDR(a)
	_, nb, errB := net.ParseCIDR(b)
	return errA == nil && errB == nil && na.String() == nb.String()
}
