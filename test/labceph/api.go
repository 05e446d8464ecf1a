package labceph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"
)

// endpoints are the /1.0 endpoints of MicroCeph (service/microceph) that MicroCloud
// uses. Every action honours ?target=<member>, like MicroCeph's.
func (c *Ceph) endpoints() []rest.Endpoint {
	action := func(h func(state.State, *http.Request) response.Response) rest.EndpointAction {
		return rest.EndpointAction{Handler: h, ProxyTarget: true}
	}

	return []rest.Endpoint{
		{Name: "disks", Path: "disks", Get: action(c.disksGet), Post: action(c.disksPost)},
		{Name: "disk", Path: "disks/{osdid}", Delete: action(c.diskDelete)},
		{Name: "services", Path: "services", Get: action(c.servicesGet)},
		{Name: "service", Path: "services/{service}", Put: action(c.serviceEnable)},
		{Name: "pools", Path: "pools", Get: action(c.poolsGet)},
		{Name: "pools-op", Path: "pools-op", Put: action(c.poolsOpPut)},
		{Name: "configs", Path: "configs", Get: action(c.configsGet), Put: action(c.configsPut)},
	}
}

// decodeBody decodes a JSON body; an empty body leaves out untouched
// (GET /1.0/configs and DELETE /1.0/disks/{osdid} may come without one).
func decodeBody(r *http.Request, out any) error {
	if r.Body == nil {
		return nil
	}

	err := json.NewDecoder(r.Body).Decode(out)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("Invalid request body: %w", err)
	}

	return nil
}

func (c *Ceph) servicesGet(s state.State, r *http.Request) response.Response {
	st, err := loadState(r.Context(), s)
	if err != nil {
		return response.SmartError(err)
	}

	out := st.Services
	if out == nil {
		out = []Service{}
	}

	return response.SyncResponse(true, out)
}

func (c *Ceph) poolsGet(_ state.State, r *http.Request) response.Response {
	pools, err := c.listPools(r.Context())
	if err != nil {
		return response.InternalError(err)
	}

	return response.SyncResponse(true, pools)
}

// poolsOpPut sets the replication size (PUT /1.0/pools-op): the request is
// checked in full before Ceph is touched.
func (c *Ceph) poolsOpPut(_ state.State, r *http.Request) response.Response {
	var req PoolPut
	err := decodeBody(r, &req)
	if err != nil {
		return response.BadRequest(err)
	}

	pools, err := c.listPools(r.Context())
	if err != nil {
		return response.InternalError(err)
	}

	names := make([]string, 0, len(pools))
	for _, p := range pools {
		names = append(names, p.Pool)
	}

	targets, err := PlanPoolsOp(req, names)
	if err != nil {
		return response.BadRequest(err)
	}

	err = c.setReplication(r.Context(), req.Size, targets)
	if err != nil {
		return response.InternalError(err)
	}

	return response.EmptySyncResponse
}

func (c *Ceph) configsGet(_ state.State, r *http.Request) response.Response {
	var req Config
	err := decodeBody(r, &req)
	if err != nil {
		return response.BadRequest(err)
	}

	err = checkOptionalKey(req.Key)
	if err != nil {
		return response.BadRequest(err)
	}

	configs, err := c.getConfigs(r.Context(), req.Key)
	if err != nil {
		return response.InternalError(err)
	}

	return response.SyncResponse(true, configs)
}

func checkOptionalKey(key string) error {
	if key == "" {
		return nil
	}

	return CheckConfigKey(key)
}

// forward sends a request to the member that must handle it (an OSD can
// only be removed where it runs).
func forward(ctx context.Context, s state.State, member string, method string, path *api.URL, in any, out any) error {
	remote, ok := s.Remotes().RemotesByName()[member]
	if !ok {
		return fmt.Errorf("Member %q is not in the cluster", member)
	}

	cluster, err := s.Cluster(false)
	if err != nil {
		return err
	}

	for _, cl := range cluster {
		u := cl.URL()
		if u.URL.Host == remote.Address.String() {
			return cl.Query(ctx, method, "1.0", path, in, out)
		}
	}

	return fmt.Errorf("No client for member %q", member)
}
