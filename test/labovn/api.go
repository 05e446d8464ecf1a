package labovn

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/lxd/shared/logger"
	"github.com/canonical/microcluster/v2/client"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"
	"github.com/gorilla/mux"

	"github.com/microcloud-project/microcloud/service/microovn"
)

// The lab serves MicroOVN's API with the product's own wire types.
type (
	ServiceEntry    = microovn.ServiceEntry
	ServiceResponse = microovn.ServiceResponse
	ServiceWarnings = microovn.ServiceWarnings
	ServiceDisable  = microovn.ServiceDisable
	ConfigRequest   = microovn.ConfigRequest
	ConfigResponse  = microovn.ConfigResponse
)

// RegenerateEnvResponse answers POST /1.0/env, as MicroOVN's: whether this
// member rewrote its ovn.env, and what failed on the others.
type RegenerateEnvResponse struct {
	Success bool     `json:"success"`
	Errors  []string `json:"error"`
}

func (d *Daemon) servers() map[string]rest.Server {
	target := func(h func(state.State, *http.Request) response.Response) rest.EndpointAction {
		return rest.EndpointAction{Handler: h, ProxyTarget: true}
	}

	return map[string]rest.Server{
		"microovn": {
			CoreAPI:   true,
			ServeUnix: true,
			Resources: []rest.Resources{{
				PathPrefix: "1.0",
				Endpoints: []rest.Endpoint{
					{Path: "services", Get: target(d.servicesGet)},
					{Path: "service/{service}", Put: target(d.serviceEnable), Delete: target(d.serviceDisable)},
					{Path: "config", Get: target(d.configGet), Post: target(d.configSet), Delete: target(d.configDelete)},
					{Path: "env", Post: target(d.envPost)},
					{Path: "certificates/{service}", Put: target(d.certificatePut)},
					{Path: "certificates", Put: target(d.certificatesPut)},
					{Path: "ca", Get: target(d.caGet)},
					{Path: "ovsdb/schema/{db}/expected", Get: rest.EndpointAction{Handler: d.schemaExpected}},
					{Path: "ovsdb/schema/{db}/expected/all", Get: rest.EndpointAction{Handler: d.schemaExpectedAll}},
					{Path: "ovsdb/schema/{db}/active", Get: rest.EndpointAction{Handler: d.schemaActive}},
					{Path: "refresh", Post: rest.EndpointAction{Handler: d.refreshPost}},
				},
			}},
		},
	}
}

func (d *Daemon) servicesGet(s state.State, r *http.Request) response.Response {
	p, _, err := d.load(r.Context(), s)
	if err != nil {
		return response.SmartError(err)
	}

	out := []ServiceEntry{}
	for _, row := range p.Rows {
		out = append(out, ServiceEntry{Service: row.Service, Location: row.Member})
	}

	return response.SyncResponse(true, out)
}

func serviceName(r *http.Request) (string, error) {
	name := mux.Vars(r)["service"]
	switch name {
	case ServiceCentral, ServiceSwitch, ServiceChassis, ServiceBGP:
		return name, nil
	}

	return "", api.StatusErrorf(http.StatusBadRequest, "Unknown service %q (central, switch, chassis or bgp)", name)
}

func (d *Daemon) serviceEnable(s state.State, r *http.Request) response.Response {
	name, err := serviceName(r)
	if err != nil {
		return response.SmartError(err)
	}

	p, _, err := d.load(r.Context(), s)
	if err != nil {
		return response.SmartError(err)
	}

	if p.Runs(s.Name(), name) {
		return response.SmartError(api.StatusErrorf(http.StatusConflict, "Service %s is already enabled on %s", name, s.Name()))
	}

	if name == ServiceBGP {
		return response.NotImplemented(fmt.Errorf("The lab MicroOVN does not run the bgp service"))
	}

	err = s.Database().Transaction(r.Context(), func(ctx context.Context, tx *sql.Tx) error {
		return addService(ctx, tx, s.Name(), name)
	})
	if err != nil {
		return response.SmartError(err)
	}

	err = d.reconcile(r.Context(), s, false)
	if err != nil {
		return response.SmartError(err)
	}

	d.notifyRefresh(r.Context(), s)
	return response.SyncResponse(true, ServiceResponse{Message: "Service " + name + " enabled", Warnings: centralWarnings(p.Count(ServiceCentral) + 1)})
}

func (d *Daemon) serviceDisable(s state.State, r *http.Request) response.Response {
	name, err := serviceName(r)
	if err != nil {
		return response.SmartError(err)
	}

	req := ServiceDisable{}
	_ = json.NewDecoder(r.Body).Decode(&req)
	p, _, err := d.load(r.Context(), s)
	if err != nil {
		return response.SmartError(err)
	}

	if !p.Runs(s.Name(), name) {
		return response.SmartError(api.StatusErrorf(http.StatusNotFound, "Service %s is not enabled on %s", name, s.Name()))
	}

	left := p.Count(name) - 1
	if name == ServiceCentral && left == 0 && !req.AllowDisableLastCentral {
		return response.BadRequest(fmt.Errorf("Refusing to disable the last central service (set allowDisableLastCentral)"))
	}

	n := d.node(s)
	d.mu.Lock()
	switch name {
	case ServiceCentral:
		n.stopCentral(r.Context(), left > 0)
	case ServiceSwitch:
		n.stopSwitch()
	case ServiceChassis:
		n.stopChassis(r.Context(), true)
	}
	d.mu.Unlock()

	err = s.Database().Transaction(r.Context(), func(ctx context.Context, tx *sql.Tx) error {
		return removeService(ctx, tx, s.Name(), name)
	})
	if err != nil {
		return response.SmartError(err)
	}

	d.notifyRefresh(r.Context(), s)
	warnings := ServiceWarnings{}
	if name == ServiceCentral {
		warnings = centralWarnings(left)
	}

	return response.SyncResponse(true, ServiceResponse{Message: "Service " + name + " disabled", Warnings: warnings})
}

// centralWarnings flags central counts that weaken raft: fewer than three,
// or an even number.
func centralWarnings(count int) ServiceWarnings {
	return ServiceWarnings{FewCentral: count < 3, EvenCentral: count > 0 && count%2 == 0}
}

// configFailure answers a config request that failed as MicroOVN does: a
// sync response marked as failed, with the error in its body.
func configFailure(out ConfigResponse, err error) response.Response {
	out.Error = err.Error()
	return response.SyncResponse(false, &out)
}

func decodeConfig(r *http.Request) (ConfigRequest, error) {
	req := ConfigRequest{}
	err := json.NewDecoder(r.Body).Decode(&req)
	if err != nil {
		return req, fmt.Errorf("failed to decode config request: %v", err)
	}

	if req.Key != configCentralIPs {
		return req, fmt.Errorf("config key '%s' is not a recognized config option", req.Key)
	}

	return req, nil
}

func (d *Daemon) configGet(s state.State, r *http.Request) response.Response {
	var out ConfigResponse
	req, err := decodeConfig(r)
	if err != nil {
		return configFailure(out, err)
	}

	err = s.Database().Transaction(r.Context(), func(ctx context.Context, tx *sql.Tx) error {
		out.Value, out.IsSet, err = getConfig(ctx, tx, req.Key)
		return err
	})
	if err != nil {
		return configFailure(out, fmt.Errorf("Error occurred while getting config: %v", err))
	}

	return response.SyncResponse(true, &out)
}

func (d *Daemon) configSet(s state.State, r *http.Request) response.Response {
	var out ConfigResponse
	req, err := decodeConfig(r)
	if err != nil {
		return configFailure(out, err)
	}

	ips := splitIPs(req.Value)
	if len(ips) == 0 {
		return configFailure(out, fmt.Errorf("configuration for key '%s' not valid: it needs at least one IP address", req.Key))
	}

	for _, ip := range ips {
		if net.ParseIP(ip) == nil {
			return configFailure(out, fmt.Errorf("configuration for key '%s' not valid: %q is not an IP address", req.Key, ip))
		}
	}

	err = s.Database().Transaction(r.Context(), func(ctx context.Context, tx *sql.Tx) error {
		return setConfig(ctx, tx, req.Key, req.Value)
	})
	if err != nil {
		return configFailure(out, fmt.Errorf("Error occurred while setting config: %v", err))
	}

	return d.configChanged(s, r, out)
}

func (d *Daemon) configDelete(s state.State, r *http.Request) response.Response {
	var out ConfigResponse
	req, err := decodeConfig(r)
	if err != nil {
		return configFailure(out, err)
	}

	err = s.Database().Transaction(r.Context(), func(ctx context.Context, tx *sql.Tx) error {
		return deleteConfig(ctx, tx, req.Key)
	})
	if err != nil {
		return configFailure(out, fmt.Errorf("Error occurred while deleting config: %v", err))
	}

	return d.configChanged(s, r, out)
}

// configChanged makes every member follow a changed ovn.central-ips.
func (d *Daemon) configChanged(s state.State, r *http.Request, out ConfigResponse) response.Response {
	d.notifyRefresh(r.Context(), s)
	err := d.refresh(r.Context(), s)
	if err != nil {
		return configFailure(out, fmt.Errorf("Error occurred while handling config change: %v", err))
	}

	return response.SyncResponse(true, map[string]string{"error": ""})
}

// envPost rewrites ovn.env on this member and, unless the request is
// itself the notification, on every other; what fails elsewhere is listed.
func (d *Daemon) envPost(s state.State, r *http.Request) response.Response {
	out := RegenerateEnvResponse{Errors: []string{}}
	if !client.IsNotification(r) {
		cluster, err := s.Cluster(true)
		if err != nil {
			return response.SyncResponse(false, &out)
		}

		out.Success = true
		_ = cluster.Query(r.Context(), true, func(ctx context.Context, c *client.Client) error {
			err := c.Query(ctx, "POST", "1.0", api.NewURL().Path("env"), nil, nil)
			if err != nil {
				u := c.URL()
				out.Errors = append(out.Errors, fmt.Sprintf("Failed to contact cluster member with address %q: %s", u.String(), err))
			}

			return nil
		})
	}

	err := d.refresh(r.Context(), s)
	if err != nil {
		out.Success = false
		out.Errors = append(out.Errors, err.Error())
		return response.SyncResponse(false, &out)
	}

	out.Success = true
	return response.SyncResponse(true, &out)
}

func (d *Daemon) refreshPost(s state.State, r *http.Request) response.Response {
	err := d.refresh(r.Context(), s)
	if err != nil {
		return response.SmartError(err)
	}

	return response.EmptySyncResponse
}

// notifyRefresh asks every other member to follow a placement change.
func (d *Daemon) notifyRefresh(ctx context.Context, s state.State) {
	cluster, err := s.Cluster(true)
	if err != nil {
		logger.Warn("Cannot reach the other members to refresh them", logger.Ctx{"err": err})
		return
	}

	err = cluster.Query(ctx, true, func(ctx context.Context, c *client.Client) error {
		return c.Query(ctx, "POST", "1.0", api.NewURL().Path("refresh"), nil, nil)
	})
	if err != nil {
		logger.Warn("Some members did not refresh", logger.Ctx{"err": err})
	}
}
