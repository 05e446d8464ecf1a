package microceph

import (
	"context"
	"errors"
	"strconv"
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

// Pools lists the cluster's OSD pools with their replication (GET /1.0/pools).
func (m *Client) Pools(ctx context.Context) ([]Pool, error) {
	var out []Pool
	err := m.c.Query(ctx, "GET", "1.0", api.NewURL().Path("pools"), nil, &out)
	return out, err
}

// SetPoolSize sets the replication size of the named pools, and the default
// of pools made later (PUT /1.0/pools-op).
func (m *Client) SetPoolSize(ctx context.Context, pools []string, size int64) error {
	if len(pools) == 0 {
		pools = []string{""}
	}

	return m.c.Query(ctx, "PUT", "1.0", api.NewURL().Path("pools-op"), PoolPut{Pools: pools, Size: size}, nil)
}

// Services lists which member runs which Ceph daemon (GET /1.0/services).
func (m *Client) Services(ctx context.Context) ([]Service, error) {
	var out []Service
	err := m.c.Query(ctx, "GET", "1.0", api.NewURL().Path("services"), nil, &out)
	return out, err
}

// RemoveDisk takes an OSD out of the cluster on the member that holds it
// (DELETE /1.0/disks/{osdid}); MicroCeph waits until its data lives on
// elsewhere unless the request bypasses the safety checks.
func (m *Client) RemoveDisk(ctx context.Context, member string, req DisksDelete) error {
	path := api.NewURL().Path("disks", strconv.FormatInt(req.OSD, 10))
	return m.c.UseTarget(member).Query(ctx, "DELETE", "1.0", path, req, nil)
}

// EnableService starts a Ceph daemon (mon, mgr, ...) on a member and waits
// for it (PUT /1.0/services/{service}).
func (m *Client) EnableService(ctx context.Context, member string, service string) error {
	body := EnableService{Name: service, Wait: true}
	return m.c.UseTarget(member).Query(ctx, "PUT", "1.0", api.NewURL().Path("services", service), body, nil)
}
