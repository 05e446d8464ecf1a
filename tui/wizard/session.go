package wizard

import (
	"fmt"
	"net"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/tui"
)

// ChooseAddress picks the address MicroCloud uses on this machine: the one
// given (it must be this machine's), the only one, or the operator's choice
// among every global address.
func ChooseAddress(ask Asker, sys types.System, given string) (string, error) {
	rows := addressRows(sys)
	var usable []string
	for _, r := range rows {
		if r.Selectable() {
			usable = append(usable, r.ID)
		}
	}

	if given != "" {
		ip := net.ParseIP(given)
		for _, r := range rows {
			if ip != nil && net.ParseIP(r.ID).Equal(ip) {
				if !r.Selectable() {
					return "", fmt.Errorf("Invalid --address %s: %s", given, r.Disabled)
				}

				return r.ID, nil
			}
		}

		return "", fmt.Errorf("Invalid --address %s: not an address of this machine", given)
	}

	switch len(usable) {
	case 0:
		return "", fmt.Errorf("This machine has no global address for MicroCloud to use")
	case 1:
		ask.Say("Using address %s for MicroCloud", usable[0])
		return usable[0], nil
	}

	ids, err := ask.Select(tui.SelectTable{
		Title:   "Select the address for MicroCloud's internal traffic (the other machines must reach it):",
		Headers: []string{"ADDRESS", "IFACE", "SUBNET"},
		Rows:    rows,
		Noun:    "address",
	}, nil)
	if err != nil {
		return "", err
	}

	return ids[0], nil
}

// addressRows lists this machine's global addresses; those of interfaces
// that cannot carry MicroCloud's traffic (LXD's own bridges, interfaces
// that are down) say why.
func addressRows(sys types.System) []tui.Row {
	var rows []tui.Row
	for _, iface := range sys.Interfaces {
		for _, a := range iface.Addresses {
			ip, subnet, err := net.ParseCIDR(a)
			if err != nil || !ip.IsGlobalUnicast() {
				continue
			}

			row := tui.Row{ID: ip.String(), Cells: []string{ip.String(), iface.Name, subnet.String()}}
			switch {
			case iface.Managed:
				row.Disabled = "on a network LXD manages"
			case iface.State != "up":
				row.Disabled = "interface is " + strings.ToUpper(iface.State)
			}

			rows = append(rows, row)
		}
	}

	return rows
}

// PeerID is a peer's row ID: one machine may show up under a new
// certificate (it restarted its join), so the fingerprint is part of it.
func PeerID(p types.SessionPeer) string {
	return p.Fingerprint + "/" + p.Name
}

// PeerRow is the discovery table's row of a peer: only peers that proved
// the passphrase and run LXD can be chosen; the others say what they wait
// for or why they were refused.
func PeerRow(p types.SessionPeer) tui.Row {
	var services []string
	lxd := false
	// Every peer runs MicroCloud: list what else it has, LXD first.
	for _, t := range []types.ServiceType{types.LXD, types.MicroOVN, types.MicroCeph} {
		for _, s := range p.Services {
			if s.Type == t && s.Usable() {
				lxd = lxd || t == types.LXD
				services = append(services, strings.TrimPrefix(string(t), "Micro"))
			}
		}
	}

	row := tui.Row{ID: PeerID(p), Cells: []string{p.Name, p.Address, types.ShortFingerprint(p.Fingerprint), strings.Join(services, " ")}}
	switch p.State {
	case types.PeerVerified, types.PeerConfirmed:
		if !lxd {
			row.Disabled = "LXD is not available"
		}
	case types.PeerDiscovered:
		row.Disabled = "waiting for the passphrase"
	case types.PeerLeft:
		row.Disabled = "left the session"
	default:
		row.Disabled = p.State
		if p.Reason != "" {
			row.Disabled += ": " + p.Reason
		}
	}

	return row
}

// ChoosePeers shows the machines of the discovery session as they appear
// and change (updates), and returns the IDs of those chosen to join.
func ChoosePeers(ask Asker, initial []types.SessionPeer, updates <-chan types.SessionEvent) ([]string, error) {
	var rows []tui.Row
	for _, p := range initial {
		rows = append(rows, PeerRow(p))
	}

	feed := make(chan tea.Msg, 64)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case ev, ok := <-updates:
				if !ok {
					return
				}

				if ev.Type != types.EventPeer || ev.Peer == nil {
					continue
				}

				select {
				case feed <- tui.UpdateRowMsg{Row: PeerRow(*ev.Peer)}:
				case <-stop:
					return
				}
			}
		}
	}()

	return ask.Select(tui.SelectTable{
		Title:        "Machines appear below as they join with the passphrase; check their fingerprints. Select those to join:",
		Headers:      []string{"NAME", "ADDRESS", "FINGERPRINT", "SERVICES"},
		Rows:         rows,
		Multi:        true,
		Sorted:       true,
		MinSelected:  1,
		Noun:         "machine",
		Empty:        "Waiting for machines... run 'microcloud join' on each of them",
		ReasonHeader: "STATE",
	}, feed)
}
