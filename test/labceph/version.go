package labceph

import (
	"context"
	"fmt"
	"regexp"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

var cephVersionPattern = regexp.MustCompile(`ceph version (\d+\.\d+\.\d+)`)

// ParseCephVersion reads the release out of `ceph-mon --version`
// ("ceph version 16.2.15 (618f44…) pacific (stable)" -> "16.2.15"). The
// daemon reports exactly that, so that a client that takes the first
// \d+.\d+.\d+ of MicroCeph's version (as MicroCloud does) finds Ceph's.
func ParseCephVersion(out string) (string, error) {
	m := cephVersionPattern.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("No Ceph version in %q", out)
	}

	return m[1], nil
}

// installedVersion asks the installed ceph-mon for its version.
func installedVersion(ctx context.Context) (string, error) {
	out, err := labsvc.Run(ctx, "ceph-mon", "--version")
	if err != nil {
		return "", fmt.Errorf("Ceph is not installed (ceph-mon): %w", err)
	}

	return ParseCephVersion(out)
}
