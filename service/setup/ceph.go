package setup

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/canonical/lxd/shared/api"

	"github.com/microcloud-project/microcloud/service"
)

// MicroCeph's API as MicroCloud uses it (CONTRACTS.md §3.3).

// DisksPost adds disks as OSDs.
type DisksPost struct {
	Path    []string `json:"path"`
	Wipe    bool     `json:"wipe"`
	Encrypt bool     `json:"encrypt"`
}

// DiskAddResponse is MicroCeph's answer to DisksPost.
type DiskAddResponse struct {
	ValidationError string `json:"validation_error"`
	Reports         []struct {
		Path   string `json:"path"`
		Report string `json:"report"`
		Error  string `json:"error"`
	} `json:"report"`
}

// OSD is one entry of GET /1.0/disks.
type OSD struct {
	OSD      int64  `json:"osd"`
	Path     string `json:"path"`
	Location string `json:"location"`
}

// PoolPut sets the replication size of pools.
type PoolPut struct {
	Pools []string `json:"pools"`
	Size  int64    `json:"size"`
}

// cephOSDs lists the cluster's OSDs.
func cephOSDs(ctx context.Context, ceph *service.Microcluster) ([]OSD, error) {
	c, err := ceph.App().LocalClient()
	if err != nil {
		return nil, err
	}

	var out []OSD
	err = c.Query(ctx, "GET", "1.0", api.NewURL().Path("disks"), nil, &out)
	return out, err
}

// cephAddDisk adds one disk on the named member.
func cephAddDisk(ctx context.Context, ceph *service.Microcluster, member string, d DisksPost) error {
	c, err := ceph.App().LocalClient()
	if err != nil {
		return err
	}

	var resp DiskAddResponse
	err = c.UseTarget(member).Query(ctx, "POST", "1.0", api.NewURL().Path("disks"), d, &resp)
	if err != nil {
		return err
	}

	if resp.ValidationError != "" {
		return errors.New(resp.ValidationError)
	}

	var errs []string
	for _, r := range resp.Reports {
		if r.Error != "" {
			errs = append(errs, r.Path+": "+r.Error)
		}
	}

	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}

	return nil
}

// cephReplication sets the replication size of every pool, and the default
// for pools made later (LXD's).
func cephReplication(ctx context.Context, ceph *service.Microcluster, size int64) error {
	c, err := ceph.App().LocalClient()
	if err != nil {
		return err
	}

	return c.Query(ctx, "PUT", "1.0", api.NewURL().Path("pools-op"), PoolPut{Pools: []string{"*"}, Size: size}, nil)
}

// loopCount reads the OSD count of "loop,<size>,<count>".
func loopCount(path string) int {
	fields := strings.Split(path, ",")
	n, err := strconv.Atoi(fields[len(fields)-1])
	if err != nil {
		return 0
	}

	return n
}

// withCount rewrites "loop,<size>,<count>" with another count.
func withCount(path string, n int) string {
	fields := strings.Split(path, ",")
	fields[len(fields)-1] = fmt.Sprint(n)
	return strings.Join(fields, ",")
}
