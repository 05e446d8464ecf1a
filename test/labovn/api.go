package labovn

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"

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

// EnvResponse answers GET /1.0/env (a lab addition): the connection strings
// and the paths of the PKI files LXD needs for network.ovn.*.
type EnvResponse struct {
	NBConnect  string `json:"nb_connect"`
	SBConnect  string `json:"sb_connect"`
	EncapIP    string `json:"encap_ip"`
	CACert     string `json:"ca_cert"`
	ClientCert string `json:"client_cert"`
	ClientKey  string `json:"client_key"`
	SwitchDB   string `json:"switch_db"`
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
					{Path: "env", Get: target(d.envGet)},
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
	case ServiceCentral, ServiceSwitch, ServiceChassis:
		return name, nil
	}

	return "", api.StatusErrorf(http.StatusBadRequest, "Unknown service %q (central, switch or chassis)", name)
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

func decodeConfig(r *http.Request) (ConfigRequest, error) {
	req := ConfigRequest{}
	err := json.NewDecoder(r.Body).Decode(&req)
	if err != nil {
		return req, api.StatusErrorf(http.StatusBadRequest, "Invalid request body: %v", err)
	}

	if req.Key != configCentralIPs {
		return req, api.StatusErrorf(http.StatusBadRequest, "Unknown config key %q (only %q)", req.Key, configCentralIPs)
	}

	return req, nil
}

func (d *Daemon) configGet(s state.State, r *http.Request) response.Response {
	req, err := decodeConfig(r)
	if err != nil {
		return response.SmartError(err)
	}

	var out ConfigResponse
	err = s.Database().Transaction(r.Context(), func(ctx context.Context, tx *sql.Tx) error {
		out.Value, out.IsSet, err = getConfig(ctx, tx, req.Key)
		return err
	})
	if err != nil {
		return response.SmartError(err)
	}

	return response.SyncResponse(true, out)
}

func (d *Daemon) configSet(s state.State, r *http.Request) response.Response {
	req, err := decodeConfig(r)
	if err != nil {
		return response.SmartError(err)
	}

	ips := splitIPs(req.Value)
	if len(ips) == 0 {
		return response.BadRequest(fmt.Errorf("%s needs at least one IP address", configCentralIPs))
	}

	for _, ip := range ips {
		if net.ParseIP(ip) == nil {
			return response.BadRequest(fmt.Errorf("%s: %q is not an IP address", configCentralIPs, ip))
		}
	}

	err = s.Database().Transaction(r.Context(), func(ctx context.Context, tx *sql.Tx) error {
		return setConfig(ctx, tx, req.Key, req.Value)
	})
	if err != nil {
		return response.SmartError(err)
	}

	d.notifyRefresh(r.Context(), s)
	err = d.refresh(r.Context(), s)
	if err != nil {
		return response.SmartError(err)
	}

	return response.SyncResponse(true, map[string]string{"error": ""})
}

func (d *Daemon) configDelete(s state.State, r *http.Request) response.Response {
	req, err := decodeConfig(r)
	if err != nil {
		return response.SmartError(err)
	}

	err = s.Database().Transaction(r.Context(), func(ctx context.Context, tx *sql.Tx) error {
		return deleteConfig(ctx, tx, req.Key)
	})
	if err != nil {
		return response.SmartError(err)
	}

	d.notifyRefresh(r.Context(), s)
	err = d.refresh(r.Context(), s)
	if err != nil {
		return response.SmartError(err)
	}

	return response.EmptySyncResponse
}

func (d *Daemon) envGet(s state.State, r *http.Request) response.Response {
	p, _, err := d.load(r.Context(), s)
	if err != nil {
		return response.SmartError(err)
	}

	n := d.node(s)
	env := Env{CentralIPs: p.CentralIPs(), LocalIP: n.ip}
	cert, key := d.layout.Cert("client")
	return response.SyncResponse(true, EnvResponse{
		NBConnect:  env.NBConnect(),
		SBConnect:  env.SBConnect(),
		EncapIP:    n.encapIP(),
		CACert:     d.layout.CACert(),
		ClientCert: cert,
		ClientKey:  key,
		SwitchDB:   "unix:" + filepath.Join(OVSRunDir, "db.sock"),
	})
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
