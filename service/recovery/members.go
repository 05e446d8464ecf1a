// Package recovery brings services back after the loss of a quorum of their
// members: each through its own supported mechanism (microcluster's
// quorum-loss recovery, LXD's recover-from-quorum-loss, Ceph's monmap
// injection), never by editing a database by hand.
package recovery

import (
	"fmt"
	"sort"
	"strings"

	"github.com/canonical/microcluster/v2/cluster"
)

// Roles of a dqlite member, as microcluster writes them.
const (
	RoleVoter   = "voter"
	RoleStandBy = "stand-by"
	RoleSpare   = "spare"
)

// QuorumLost reports whether the voters that answer are no majority of the
// voters: then no database write can happen until recovery.
func QuorumLost(members []cluster.DqliteMember, answers map[string]bool) bool {
	voters, up := 0, 0
	for _, m := range members {
		if m.Role != RoleVoter {
			continue
		}

		voters++
		if answers[m.Name] {
			up++
		}
	}

	return voters > 0 && up <= voters/2
}

// Reconfigured is the membership that recovery gives a microcluster
// database: the kept members become voters, every other member a spare
// (microcluster keeps them in the database, from which removal then drops
// them). changed is false when the members already have these roles: the
// recovery was done before.
func Reconfigured(members []cluster.DqliteMember, keep []string) (out []cluster.DqliteMember, changed bool, err error) {
	kept := map[string]bool{}
	for _, name := range keep {
		kept[name] = true
	}

	found := 0
	for _, m := range members {
		role := RoleSpare
		if kept[m.Name] {
			role = RoleVoter
			found++
		}

		if m.Role != role {
			changed = true
		}

		m.Role = role
		out = append(out, m)
	}

	if found == 0 {
		return nil, false, fmt.Errorf("None of %s is a member of this database", strings.Join(keep, ", "))
	}

	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, changed, nil
}

// Lost are the members that recovery drops: those not kept.
func Lost(members []string, keep []string) []string {
	kept := map[string]bool{}
	for _, name := range keep {
		kept[name] = true
	}

	var out []string
	for _, name := range members {
		if !kept[name] {
			out = append(out, name)
		}
	}

	sort.Strings(out)
	return out
}

// CheckKeep refuses a set of members to keep that recovery cannot use:
// empty, without this machine, naming a machine that is not a member, one
// that does not answer (it would come back with a database that
// disagrees), or leaving out a member that answers.
func CheckKeep(members []string, answers map[string]bool, self string, keep []string) error {
	known := map[string]bool{}
	for _, name := range members {
		known[name] = true
	}

	if len(keep) == 0 {
		return fmt.Errorf("No member to keep")
	}

	hasSelf := false
	for _, name := range keep {
		switch {
		case !known[name]:
			return fmt.Errorf("--members: %q is not a member of this MicroCloud (members: %s)", name, strings.Join(members, ", "))
		case name == self:
			hasSelf = true
		case !answers[name]:
			return fmt.Errorf("--members: %q does not answer: only members that answer can be kept", name)
		}
	}

	if !hasSelf {
		return fmt.Errorf("--members: this machine (%s) must be one of the members kept: run the recovery on a member that stays", self)
	}

	kept := map[string]bool{}
	for _, name := range keep {
		kept[name] = true
	}

	for _, name := range members {
		if answers[name] && !kept[name] {
			return fmt.Errorf("%s answers but would be dropped: shut its MicroCloud services down first (microcluster's recovery refuses while a dropped member answers)", name)
		}
	}

	return nil
}
