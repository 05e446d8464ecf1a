package preseed

import (
	"strings"

	"github.com/microcloud-project/microcloud/service/plan"
)

// validateStorage checks the explicit disks' paths and the filters: their
// expressions and bounds, and whether any system is left for them.
func (f *File) validateStorage(ps *problems) {
	localGiven := 0
	for i, s := range f.Systems {
		if s.Storage.Local.given() {
			localGiven++
			checkDiskPath(ps, systemPath(i, "storage.local.path"), s.Storage.Local.Path, false)
		}

		for j, d := range s.Storage.Ceph {
			checkDiskPath(ps, indexPath(systemPath(i, "storage.ceph"), j, "path"), d.Path, true)
		}
	}

	// The local pool needs a disk on every system or none: with some named
	// and no filter to find the others, the rest cannot get one.
	if localGiven > 0 && localGiven < len(f.Systems) && len(f.Storage.Local) == 0 {
		for i, s := range f.Systems {
			if !s.Storage.Local.given() {
				ps.add(systemPath(i, "storage.local"), "missing: other systems have a local disk and no storage.local filter can find one for %q", s.Name)
			}
		}
	}

	f.validateFilters(ps, "storage.ceph", f.Storage.Ceph, true)
	f.validateFilters(ps, "storage.local", f.Storage.Local, false)
}

// checkDiskPath accepts a device path, and for Ceph MicroCeph's file-backed
// form "loop,<size>,<count>".
func checkDiskPath(ps *problems, path string, value string, ceph bool) {
	switch {
	case value == "":
		ps.add(path, "missing: a disk needs a path (like /dev/disk/by-id/...)")
	case strings.HasPrefix(value, "loop,") && !ceph:
		ps.add(path, "%q: file-backed disks are only for Ceph; leave the local disk out for a dir pool", value)
	case strings.HasPrefix(value, "loop,"):
		if !plan.IsLoopDisk(value) {
			ps.add(path, "%q is not a file-backed disk (loop,<size>,<count>, like loop,8GiB,1)", value)
		}

	case !strings.HasPrefix(value, "/"):
		ps.add(path, "%q is not a device path (like /dev/disk/by-id/...)", value)
	}
}

// validateFilters checks one list of filters. Ceph filters must ask for at
// least one disk (the reference's rule: distributed storage must not end up
// with none because a filter silently matched nothing).
func (f *File) validateFilters(ps *problems, list string, filters []DiskFilter, ceph bool) {
	if len(filters) == 0 {
		return
	}

	explicit := 0
	for _, s := range f.Systems {
		if (ceph && len(s.Storage.Ceph) > 0) || (!ceph && s.Storage.Local.given()) {
			explicit++
		}
	}

	if len(f.Systems) > 0 && explicit == len(f.Systems) {
		if ceph {
			ps.add(list, "Ceph disk filter cannot be used: all systems have explicitly specified disks")
		} else {
			ps.add(list, "local disk filter cannot be used: all systems have explicitly specified a disk")
		}
	}

	for i, flt := range filters {
		if strings.TrimSpace(flt.Find) == "" {
			ps.add(indexPath(list, i, "find"), "missing: the filter is empty")
		} else {
			m, err := ParseFilter(flt.Find)
			if err != nil {
				ps.add(indexPath(list, i, "find"), "invalid filter %q: %v", flt.Find, err)
			}

			filters[i].matcher = m
		}

		switch {
		case ceph && flt.FindMin < 1:
			ps.add(indexPath(list, i, "find_min"), "%d is less than 1: a Ceph filter must ask for at least one disk", flt.FindMin)
		case flt.FindMin < 0:
			ps.add(indexPath(list, i, "find_min"), "%d is negative", flt.FindMin)
		}

		switch {
		case flt.FindMax < 0:
			ps.add(indexPath(list, i, "find_max"), "%d is negative (leave it out for no maximum)", flt.FindMax)
		case flt.FindMax > 0 && flt.FindMax < flt.FindMin:
			ps.add(indexPath(list, i, "find_max"), "find_max (%d) is less than find_min (%d)", flt.FindMax, flt.FindMin)
		}
	}
}
