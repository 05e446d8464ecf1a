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
