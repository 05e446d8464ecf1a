package tui

import (
	"fmt"
	"strings"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
)

// labelWidth aligns the values of a summary section.
const labelWidth = 18

// Summary renders a plan for the operator to check before anything is done:
// each system (address, uplink, underlay, disks), then networking, Ceph and
// local storage. Values are wrapped, never cut: a disk about to be wiped
// must be shown whole. No line is wider than width.
func Summary(p plan.Plan, width int) string {
	if width <= 0 {
		width = DefaultWidth
	}

	var b summaryBuilder
	b.width = width
	b.heading(intro(p))
	for _, s := range p.Everyone() {
		b.system(p, s)
	}

	b.blank()
	b.network(p)
	b.blank()
	b.ceph(p)
	b.blank()
	b.localPool(p)
	return b.String()
}

// Warnings renders the validator's warnings (not fatal: fewer than three
// Ceph hosts, fewer than three members), or "" when there are none.
func Warnings(warnings []plan.Problem, width int) string {
	return Problems("Warnings", warnings, width)
}

// Problems renders a titled list of problems, one "- place: message" item
// each, wrapped to width; "" for an empty list.
func Problems(title string, problems []plan.Problem, width int) string {
	if len(problems) == 0 {
		return ""
	}

	if width <= 0 {
		width = DefaultWidth
	}

	var b strings.Builder
	// The title often names a file: wrap it rather than cut the path.
	for _, l := range wrap(strings.TrimSuffix(title, ":")+":", width) {
		b.WriteString(Styles.Warning.Render(l) + "\n")
	}

	for _, p := range problems {
		for i, l := range wrap(p.String(), width-4) {
			prefix := "    "
			if i == 0 {
				prefix = "  - "
			}

			b.WriteString(prefix + l + "\n")
		}
	}

	return b.String()
}

func intro(p plan.Plan) string {
	systems := fmt.Sprintf("%d systems", len(p.Systems))
	if len(p.Systems) == 1 {
		systems = "1 system"
	}

	var created []string
	for _, t := range p.Create {
		created = append(created, string(t))
	}

	switch {
	case p.Mode == plan.ModeAdd && len(p.Systems) == 0:
		return fmt.Sprintf("%s will be set up on the MicroCloud's %d members (through %s):", strings.Join(created, " and "), len(p.Members), p.Initiator)
	case p.Mode == plan.ModeAdd && len(created) > 0:
		return fmt.Sprintf("%s will be added to the MicroCloud, and %s set up on every system (through %s):", systems, strings.Join(created, " and "), p.Initiator)
	case p.Mode == plan.ModeAdd:
		return fmt.Sprintf("%s will be added to the MicroCloud (through %s):", systems, p.Initiator)
	}

	return fmt.Sprintf("MicroCloud will be formed of %s (initiator: %s):", systems, p.Initiator)
}

// summaryBuilder writes headings and aligned "label  value" lines.
type summaryBuilder struct {
	strings.Builder
	width int
}

func (b *summaryBuilder) heading(text string) {
	for _, l := range wrap(text, b.width) {
		b.WriteString(Styles.Header.Render(l) + "\n")
	}
}

func (b *summaryBuilder) blank() {
	b.WriteString("\n")
}

// field writes "  label  value" with the value wrapped in the room after
// the label, or under it when the terminal is too narrow for both.
func (b *summaryBuilder) field(label string, values ...string) {
	indent := 2 + labelWidth
	room := b.width - indent
	if room < 20 || longestWord(values) > room {
		b.WriteString("  " + truncate(label, b.width-2) + "\n")
		indent, room = 4, b.width-4
		for _, v := range values {
			for _, l := range wrap(v, room) {
				b.WriteString(strings.Repeat(" ", indent) + l + "\n")
			}
		}

		return
	}

	first := true
	for _, v := range values {
		for _, l := range wrap(v, room) {
			prefix := strings.Repeat(" ", indent)
			if first {
				prefix = "  " + pad(truncate(label, labelWidth-1), labelWidth)
				first = false
			}

			b.WriteString(prefix + l + "\n")
		}
	}
}

func (b *summaryBuilder) system(p plan.Plan, s plan.System) {
	b.blank()
	name := s.Name
	_, isMember := p.Member(s.Name)
	switch {
	case s.Name == p.Initiator:
		name += " (initiator)"
	case isMember:
		name += " (member)"
	}

	// A member shows only what the services it gets now ask of it.
	_, isNew := p.System(s.Name)
	b.heading(name)
	b.field("address", s.Address)
	if p.OVN != nil && (isNew || p.Creates(types.MicroOVN)) {
		b.field("uplink", orNone(s.UplinkInterface))
		underlay := s.UnderlayIP
		if underlay == "" {
			underlay = "none (uses the address)"
		}

		b.field("underlay", underlay)
	}

	if p.LocalPool != nil && p.LocalPool.Driver == plan.DriverZFS && isNew {
		local := "none"
		if s.LocalDisk != nil {
			local = diskText(*s.LocalDisk)
		}

		b.field("local disk", local)
	}

	if p.Ceph != nil && (isNew || p.Creates(types.MicroCeph)) {
		var disks []string
		for _, d := range s.CephDisks {
			disks = append(disks, diskText(d))
		}

		if len(disks) == 0 {
			disks = []string{"none"}
		}

		b.field("Ceph disks", disks...)
	}
}

func (b *summaryBuilder) network(p plan.Plan) {
	if p.OVN == nil {
		b.heading("Networking: a bridge on each system (no distributed networking)")
		return
	}

	o := p.OVN
	if p.Mode == plan.ModeAdd && !p.Creates(types.MicroOVN) {
		b.heading("Distributed networking: the new systems join the cloud's MicroOVN and its networks")
		return
	}

	b.heading("Distributed networking (MicroOVN)")
	if o.IPv4Gateway != "" {
		b.field("IPv4 gateway", o.IPv4Gateway)
		b.field("IPv4 range", orNone(o.IPv4Range))
	}

	if o.IPv6Gateway != "" {
		b.field("IPv6 gateway", o.IPv6Gateway)
	}

	dns := "default (the gateways)"
	if len(o.DNSServers) > 0 {
		dns = strings.Join(o.DNSServers, ", ")
	}

	b.field("DNS servers", dns)
}

func (b *summaryBuilder) ceph(p plan.Plan) {
	if p.Ceph == nil {
		b.heading("Distributed storage: none")
		return
	}

	c := p.Ceph
	if p.Mode == plan.ModeAdd && !p.Creates(types.MicroCeph) {
		b.heading("Distributed storage: the new systems join the cloud's MicroCeph and its pools")
		return
	}

	b.heading("Distributed storage (MicroCeph)")
	b.field("public network", orDefault(c.PublicNetwork))
	internal := orDefault(c.InternalNetwork)
	if c.InternalNetwork == "" && c.PublicNetwork != "" {
		// plan.CephNetworks: the internal network defaults to the public one.
		internal = "the public network"
	}

	b.field("internal network", internal)
	b.field("CephFS", yesNo(c.CephFS))
}

func (b *summaryBuilder) localPool(p plan.Plan) {
	switch {
	case p.LocalPool == nil:
		b.heading("Local storage: none")
	case p.Mode == plan.ModeAdd:
		b.heading(fmt.Sprintf(`Local storage: the cloud's pool "local" (%s) on each new system`, p.LocalPool.Driver))
	case p.LocalPool.Driver == plan.DriverDir:
		b.heading(`Local storage: pool "local", a directory on each system (dir)`)
	default:
		b.heading(fmt.Sprintf(`Local storage: pool "local", one disk on each system (%s)`, p.LocalPool.Driver))
	}
}

// diskText is a disk with what will be done to it; wiping is spelled out
// because it destroys data.
func diskText(d plan.Disk) string {
	var notes []string
	if plan.IsLoopDisk(d.Path) {
		notes = append(notes, "file-backed")
	}

	if d.Wipe {
		notes = append(notes, "WILL BE WIPED")
	}

	if d.Encrypt {
		notes = append(notes, "encrypted")
	}

	if len(notes) == 0 {
		return d.Path
	}

	return d.Path + " (" + strings.Join(notes, ", ") + ")"
}

// longestWord is the width of the longest unbreakable part of the values:
// a disk path that does not fit beside the label goes under it rather than
// being broken in two.
func longestWord(values []string) int {
	longest := 0
	for _, v := range values {
		for _, w := range strings.Fields(v) {
			longest = max(longest, cellWidth(w))
		}
	}

	return longest
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}

	return s
}

func orDefault(s string) string {
	if s == "" {
		return "default (the MicroCloud network)"
	}

	return s
}
