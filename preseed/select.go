package preseed

import (
	"fmt"
	"strings"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
)

// disks is what disk selection gives each system, by name.
type disks struct {
	local map[string]*plan.Disk
	ceph  map[string][]plan.Disk
}

// selectDisks decides every system's disks: first the ones the file names;
// then the Ceph filters, in order, across all systems that name no Ceph
// disk (a filter's find_min/find_max count disks over all of them), each
// matched disk leaving the pool of free disks; then the local filters, for
// systems that name no local disk: each such system gets the first free
// disk that the first matching filter finds. Only free disks are
// candidates: eligible ones, or with wipe also ones that merely hold old
// data (never mounted, held or unreadable ones).
func selectDisks(f *File, facts plan.Facts, ps *problems) disks {
	out := disks{local: map[string]*plan.Disk{}, ceph: map[string][]plan.Disk{}}
	free := map[string][]types.Disk{}
	for _, s := range f.Systems {
		named := map[string]bool{}
		if s.Storage.Local.given() {
			d := s.Storage.Local
			out.local[s.Name] = &plan.Disk{Path: d.Path, Wipe: d.Wipe, Encrypt: d.Encrypt}
			named[d.Path] = true
		}

		for _, d := range s.Storage.Ceph {
			out.ceph[s.Name] = append(out.ceph[s.Name], plan.Disk{Path: d.Path, Wipe: d.Wipe, Encrypt: d.Encrypt})
			named[d.Path] = true
		}

		// A disk the file names, by any of its names, is never also picked
		// by a filter.
		for _, d := range facts.Systems[s.Name].Inventory.Disks {
			if !named[d.Path] && !named["/dev/"+d.ID] && !named["/dev/disk/by-id/"+d.DeviceID] && !named["/dev/disk/by-path/"+d.DevicePath] {
				free[s.Name] = append(free[s.Name], d)
			}
		}
	}

	selectCeph(f, free, out, ps)
	selectLocal(f, facts, free, out, ps)
	return out
}

func selectCeph(f *File, free map[string][]types.Disk, out disks, ps *problems) {
	if len(f.Storage.Ceph) == 0 {
		return
	}

	var targets []string
	for _, s := range f.Systems {
		if len(s.Storage.Ceph) == 0 {
			targets = append(targets, s.Name)
		}
	}

	if len(targets) == 0 {
		ps.add("storage.ceph", "Ceph disk filter cannot be used: all systems have explicitly specified disks")
		return
	}

	for i, flt := range f.Storage.Ceph {
		path := indexPath("storage.ceph", i, "")
		matcher, ok := compileFilter(flt, path, ps)
		if !ok {
			continue
		}

		found := 0
		for _, name := range targets {
			var rest []types.Disk
			for _, d := range free[name] {
				if plan.DiskUsable(d, d.Ceph, flt.Wipe) && matches(matcher, d, path, ps) {
					out.ceph[name] = append(out.ceph[name], plan.Disk{Path: d.Path, Wipe: flt.Wipe, Encrypt: flt.Encrypt})
					found++
					continue
				}

				rest = append(rest, d)
			}

			free[name] = rest
		}

		checkCount(ps, path, flt, flt.FindMin, found)
	}
}

func selectLocal(f *File, facts plan.Facts, free map[string][]types.Disk, out disks, ps *problems) {
	if len(f.Storage.Local) == 0 {
		return
	}

	var targets []string
	for _, s := range f.Systems {
		if !s.Storage.Local.given() {
			targets = append(targets, s.Name)
		}
	}

	if len(targets) == 0 {
		ps.add("storage.local", "local disk filter cannot be used: all systems have explicitly specified a disk")
		return
	}

	matchers := make([]*Filter, len(f.Storage.Local))
	valid := true
	for i, flt := range f.Storage.Local {
		var ok bool
		matchers[i], ok = compileFilter(flt, indexPath("storage.local", i, ""), ps)
		valid = valid && ok
	}

	if !valid {
		return
	}

	found := make([]int, len(f.Storage.Local))
	var without []string
	for _, name := range targets {
		if _, ok := facts.Systems[name]; !ok {
			continue
		}

		if !pickLocal(f, name, matchers, free, out, found, ps) {
			without = append(without, name)
		}
	}

	for i, flt := range f.Storage.Local {
		// A local filter finds at least one disk unless it says otherwise.
		checkCount(ps, indexPath("storage.local", i, ""), flt, max(flt.FindMin, 1), found[i])
	}

	if len(without) > 0 && len(out.local) > 0 {
		ps.add("storage.local", "failed to find at least 1 disk on each machine for local storage pool configuration (none for %s)", strings.Join(without, ", "))
	}
}

// pickLocal gives one system the first free disk that the first matching
// filter finds, and reports whether there was one.
func pickLocal(f *File, name string, matchers []*Filter, free map[string][]types.Disk, out disks, found []int, ps *problems) bool {
	for i, flt := range f.Storage.Local {
		for j, d := range free[name] {
			if !plan.DiskUsable(d, d.Local, flt.Wipe) || !matches(matchers[i], d, indexPath("storage.local", i, ""), ps) {
				continue
			}

			out.local[name] = &plan.Disk{Path: d.Path, Wipe: flt.Wipe, Encrypt: flt.Encrypt}
			free[name] = append(free[name][:j:j], free[name][j+1:]...)
			found[i]++
			return true
		}
	}

	return false
}

// compileFilter is the filter's matcher: the one validation compiled, or
// (for a file that was not validated) compiled now.
func compileFilter(flt DiskFilter, path string, ps *problems) (*Filter, bool) {
	if flt.matcher != nil {
		return flt.matcher, true
	}

	matcher, err := ParseFilter(flt.Find)
	if err != nil {
		ps.add(path+".find", "invalid filter %q: %v", flt.Find, err)
		return nil, false
	}

	return matcher, true
}

func matches(matcher *Filter, d types.Disk, path string, ps *problems) bool {
	ok, err := matcher.Match(d)
	if err != nil {
		ps.add(path+".find", "cannot match disk %s: %v", d.Path, err)
		return false
	}

	return ok
}

func checkCount(ps *problems, path string, flt DiskFilter, least int, found int) {
	switch {
	case found < least:
		ps.add(path, "failed to find at least %s for filter %q (found %d)", countDisks(least), flt.Find, found)
	case flt.FindMax > 0 && found > flt.FindMax:
		ps.add(path, "found more than %s for filter %q (found %d)", countDisks(flt.FindMax), flt.Find, found)
	}
}

func countDisks(n int) string {
	if n == 1 {
		return "1 disk"
	}

	return fmt.Sprintf("%d disks", n)
}
