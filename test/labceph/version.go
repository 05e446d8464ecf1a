package labceph

import (
	"context"
	"fmt"
	"regexp"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

var cephVersionPattern = regexp.MustCompile(`ceph version (\d+\.\d+\.\d+)`)

// ParseCephVersion reads the release out of `ceph-mon --version`
// ("ceph version 16.2.15 (618f44…) pacific (stable)" -> "16.2.15").
func ParseCephVersion(out string) (string, error) {
	m := cephVersionPattern.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("No Ceph version in %q", out)
	}

	return m[1], nil
}

// MicroCephVersion is the version MicroCeph reports: its Ceph's release
// and its own git commit ("ceph-version: 16.2.15; microceph-git: 69256ad"),
// in the real MicroCeph's shape.
func MicroCephVersion(ceph string, commit string) string {
	if commit == "" {
		commit = "unknown"
	}

	return fmt.Sprintf("ceph-version: %s; microceph-git: %s", ceph, commit)
}

// installedVersion asks the installed ceph-mon for its version.
func installedVersion(ctx context.Context) (string, error) {
	out, err := labsvc.Run(ctx, "ceph-mon", "--version")
	if err != nil {
		return "", fmt.Errorf("Ceph is not installed (ceph-mon): %w", err)
	}

	return ParseCephVersion(out)
}
