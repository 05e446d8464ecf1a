package microceph

import (
	"context"
	"errors"
	"strings"

	"github.com/canonical/lxd/shared/api"
	mcclient "github.com/canonical/microcluster/v2/client"
)

// Client makes MicroCeph's calls through one member's microcluster client
// (the initiator's, or a tunnel to another member).
type Client struct {
	c *mcclient.Client
}

// New wraps a microcluster client of MicroCeph.
func New(c *mcclient.Client) *Client {
	return &Client{c: c}
}

// OSDs lists the cluster's OSDs (GET /1.0/disks).
func (m *Client) OSDs(ctx context.Context) ([]Disk, error) {
	var out []Disk
	err := m.c.Query(ctx, "GET", "1.0", api.NewURL().Path("disks"), nil, &out)
	return out, err
}

// AddDisk adds disks as OSDs on the named member (POST /1.0/disks). A
// validation error or a failed path is an error, with MicroCeph's words.
func (m *Client) AddDisk(ctx context.Context, member string, d DisksPost) error {
	var resp DiskAddResponse
	err := m.c.UseTarget(member).Query(ctx, "POST", "1.0", api.NewURL().Path("disks"), d, &resp)
	if err != nil {
		return err
	}

	return resp.Err()
}

// SetReplication sets the replication size of every pool, and the default
// of pools made later, such as LXD's (PUT /1.0/pools-op).
func (m *Client) SetReplication(ctx context.Context, size int64) error {
	return m.c.Query(ctx, "PUT", "1.0", api.NewURL().Path("pools-op"), PoolPut{Pools: []string{"*"}, Size: size}, nil)
}

// Err is the response's failure: the request's validation error, else every
// path that failed, or nil.
func (r DiskAddResponse) Err() error {
	if r.ValidationError != "" {
		return errors.New(r.ValidationError)
	}

	var errs []string
	for _, rep := range r.Reports {
		if rep.Error != "" {
			errs = append(errs, rep.Path+": "+rep.Error)
		}
	}

	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}

	return nil
}
