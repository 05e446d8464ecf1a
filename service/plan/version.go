package plan

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Version is a release number read out of a service's version string. Services
// report versions in different shapes: LXD "5.0.2" or "5.21.3 LTS", MicroOVN
// "24.03" (the major.minor of its OVN build) or "23.03.1", MicroCeph
// "ceph-version: 19.2.0; microceph-git: 7b8a1c2" (its Ceph's), "19.2.0" or
// "ceph version 16.2.15 (...) pacific (stable)".
type Version struct {
	Major, Minor, Patch int
	Raw                 string
}

var versionPattern = regexp.MustCompile(`(\d+)\.(\d+)(?:\.(\d+))?`)

// ParseVersion finds the first major.minor[.patch] in s.
func ParseVersion(s string) (Version, error) {
	m := versionPattern.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("Version %q has no major.minor number", s)
	}

	v := Version{Raw: s}
	v.Major, _ = strconv.Atoi(m[1])
	v.Minor, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		v.Patch, _ = strconv.Atoi(m[3])
	}

	return v, nil
}

// String prints the normalised number.
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// Release is major.minor: members of one cluster must share it.
func (v Version) Release() string {
	return fmt.Sprintf("%d.%d", v.Major, v.Minor)
}

// Compare returns -1, 0 or 1.
func (v Version) Compare(o Version) int {
	for _, d := range []int{v.Major - o.Major, v.Minor - o.Minor, v.Patch - o.Patch} {
		if d < 0 {
			return -1
		}

		if d > 0 {
			return 1
		}
	}

	return 0
}

// VersionSkew compares the version of one service across machines (name ->
// version string). A different release (major.minor) on some machine is an
// error, since the service's cluster would refuse or wedge the join; a
// different patch level only a warning. Unparseable versions are errors.
// Messages name the machines.
func VersionSkew(service string, versions map[string]string) (errs []string, warnings []string) {
	names := make([]string, 0, len(versions))
	for name := range versions {
		names = append(names, name)
	}

	sort.Strings(names)

	byRelease := map[string][]string{}
	byPatch := map[string][]string{}
	for _, name := range names {
		v, err := ParseVersion(versions[name])
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s on %s: %v", service, name, err))
			continue
		}

		byRelease[v.Release()] = append(byRelease[v.Release()], name)
		byPatch[v.String()] = append(byPatch[v.String()], name)
	}

	if len(byRelease) > 1 {
		errs = append(errs, fmt.Sprintf("%s versions differ between systems (%s); all members must run the same release", service, describeGroups(byRelease)))
	} else if len(byPatch) > 1 {
		warnings = append(warnings, fmt.Sprintf("%s patch levels differ between systems (%s)", service, describeGroups(byPatch)))
	}

	return errs, warnings
}

func describeGroups(groups map[string][]string) string {
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}

	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s on %s", k, strings.Join(groups[k], ", ")))
	}

	return strings.Join(parts, "; ")
}
