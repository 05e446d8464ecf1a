package preseed

import (
	"fmt"
	"strings"

	"github.com/microcloud-project/microcloud/service/plan"
)

// problems collects every problem of a file, so that an operator fixes a
// file in one go instead of one error per run.
type problems []plan.Problem

func (ps *problems) add(path string, format string, args ...any) {
	*ps = append(*ps, plan.NewProblem(path, fmt.Sprintf(format, args...)))
}

// Paths name places in the file the way an operator reads it: by position,
// which stays meaningful even when a name is missing or duplicated.

func systemPath(i int, field string) string {
	if field == "" {
		return fmt.Sprintf("systems[%d]", i)
	}

	return fmt.Sprintf("systems[%d].%s", i, field)
}

func indexPath(list string, i int, field string) string {
	if field == "" {
		return fmt.Sprintf("%s[%d]", list, i)
	}

	return fmt.Sprintf("%s[%d].%s", list, i, field)
}

// within reports whether path is at or below parent ("systems[1].name" is
// within "systems[1]", "systems[10]" is not).
func within(path string, parent string) bool {
	if parent == "" || path == parent {
		return true
	}

	return strings.HasPrefix(path, parent+".") || strings.HasPrefix(path, parent+"[")
}

// InFile names a plan's problem the way the file does: a system's setting
// "systems[micro02].ovn_uplink_interface" becomes "systems[1].ovn_uplink_interface",
// the system's place in the file, so that the operator finds the line to fix.
// The problem keeps its system and field; other problems are unchanged.
func (f *File) InFile(p plan.Problem) plan.Problem {
	i := f.systemIndex(p.System)
	if p.System == "" || i < 0 {
		return p
	}

	p.Path = fmt.Sprintf("systems[%d]", i)
	if p.Field != "" {
		p.Path += "." + string(p.Field)
	}

	return p
}
