package tui

import "fmt"

// checkRules returns what is wrong with the current choice, in words the
// operator can act on, or "" when it may be confirmed. The count and bound
// rules come first, then the per-group ones, group by group in table order.
func (m SelectTableModel) checkRules() string {
	n := len(m.selected)
	switch {
	case len(m.rows) == 0 && m.q.MinSelected > 0:
		return "Nothing to select yet"
	case !m.q.Multi && n == 0:
		return "Select " + article(m.q.Noun) + " " + m.q.Noun
	case n < m.q.MinSelected:
		return fmt.Sprintf("Select at least %s", m.count(m.q.MinSelected))
	case m.q.MaxSelected > 0 && n > m.q.MaxSelected:
		return fmt.Sprintf("Select at most %s (%d selected)", m.count(m.q.MaxSelected), n)
	}

	if !m.q.OnePerGroup && !m.q.AtMostOnePerGroup {
		return ""
	}

	for _, g := range m.groups() {
		chosen, selectable := m.groupCounts(g)
		switch {
		case m.q.OnePerGroup && selectable == 0:
			return fmt.Sprintf("Select exactly one %s for %s: none of its %s can be selected", m.q.Noun, g, m.q.NounPlural)
		case m.q.OnePerGroup && chosen == 0:
			return fmt.Sprintf("Select exactly one %s for %s", m.q.Noun, g)
		case m.q.OnePerGroup && chosen > 1:
			return fmt.Sprintf("Select exactly one %s for %s (%d selected)", m.q.Noun, g, chosen)
		case chosen > 1:
			return fmt.Sprintf("Select at most one %s for %s (%d selected)", m.q.Noun, g, chosen)
		}
	}

	return ""
}

// groups lists the row groups in the order they first appear; rows without
// a group take part in no group rule.
func (m SelectTableModel) groups() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range m.rows {
		if r.Group != "" && !seen[r.Group] {
			seen[r.Group] = true
			out = append(out, r.Group)
		}
	}

	return out
}

func (m SelectTableModel) groupCounts(group string) (chosen int, selectable int) {
	for _, r := range m.rows {
		if r.Group != group {
			continue
		}

		if r.Selectable() {
			selectable++
		}

		if m.selected[r.ID] {
			chosen++
		}
	}

	return chosen, selectable
}

// count is "one disk" or "3 disks".
func (m SelectTableModel) count(n int) string {
	if n == 1 {
		return "one " + m.q.Noun
	}

	return fmt.Sprintf("%d %s", n, m.q.NounPlural)
}

func article(noun string) string {
	if noun != "" && isVowel(noun[0]) {
		return "an"
	}

	return "a"
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U':
		return true
	}

	return false
}
