package daemon

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/microceph"
	"github.com/microcloud-project/microcloud/service/microovn"
)

// The administration endpoints run Ceph's and OVN's command lines on this
// machine, for what MicroCeph's and MicroOVN's APIs do not offer: status
// reads health and chassis, remove --force forgets a dead member.

// GET /1.0/ceph: Ceph's health, monitors and OSD tree.
// POST /1.0/ceph/forget: drop a dead member's monitor, OSDs and CRUSH host.
func (d *Daemon) cephEndpoints() []rest.Endpoint {
	return []rest.Endpoint{
		{Path: "ceph", Get: rest.EndpointAction{Handler: d.cephGet}},
		{Path: "ceph/forget", Post: rest.EndpointAction{Handler: d.cephForget}},
	}
}

// GET /1.0/ovn[?southbound=...]: the chassis and this central's raft servers.
// POST /1.0/ovn/forget: drop a dead member's chassis and raft seats.
// GET /1.0/ovn/encap-ip: this machine's chassis' encapsulation IP, from its
// Open vSwitch database (MicroOVN's API does not say).
func (d *Daemon) ovnEndpoints() []rest.Endpoint {
	return []rest.Endpoint{
		{Path: "ovn", Get: rest.EndpointAction{Handler: d.ovnGet}},
		{Path: "ovn/forget", Post: rest.EndpointAction{Handler: d.ovnForget}},
		{Path: "ovn/encap-ip", Get: rest.EndpointAction{Handler: d.ovnEncapIPGet}},
	}
}

// ovnCLI runs OVN's tools with this machine's MicroOVN files.
func (d *Daemon) ovnCLI() microovn.CLI {
	return microovn.CLI{PKI: d.config.Paths.OVNPKIDir(), Run: d.config.Paths.OVNRunDir()}
}

func (d *Daemon) ovnEncapIPGet(_ state.State, r *http.Request) response.Response {
	ip, err := d.ovnCLI().LocalEncapIP(r.Context())
	if err != nil {
		return response.SmartError(err)
	}

	return response.SyncResponse(true, types.OVNEncap{IP: ip})
}

func (d *Daemon) cephGet(_ state.State, r *http.Request) response.Response {
	cli, err := microceph.FindCLI(d.config.Paths.CephConfDirs())
	if err != nil {
		return response.NotFound(err)
	}

	report, err := cli.Report(r.Context())
	if err != nil {
		return response.SmartError(err)
	}

	return response.SyncResponse(true, report)
}

func (d *Daemon) cephForget(_ state.State, r *http.Request) response.Response {
	req, err := decodeForget(r)
	if err != nil {
		return response.BadRequest(err)
	}

	cli, err := microceph.FindCLI(d.config.Paths.CephConfDirs())
	if err != nil {
		return response.NotFound(err)
	}

	actions, err := cli.Forget(r.Context(), req.Member)
	if err != nil {
		return response.SmartError(err)
	}

	return response.SyncResponse(true, types.ForgetResult{Actions: actions})
}

func (d *Daemon) ovnGet(_ state.State, r *http.Request) response.Response {
	report, err := d.ovnCLI().Report(r.Context(), r.URL.Query().Get("southbound"))
	if err != nil {
		return response.SmartError(err)
	}

	return response.SyncResponse(true, report)
}

func (d *Daemon) ovnForget(_ state.State, r *http.Request) response.Response {
	req, err := decodeForget(r)
	if err != nil {
		return response.BadRequest(err)
	}

	actions, err := d.ovnCLI().Forget(r.Context(), req)
	if err != nil {
		return response.SmartError(err)
	}

	return response.SyncResponse(true, types.ForgetResult{Actions: actions})
}

func decodeForget(r *http.Request) (types.Forget, error) {
	var req types.Forget
	err := json.NewDecoder(r.Body).Decode(&req)
	if err != nil {
		return req, fmt.Errorf("Invalid request body: %w", err)
	}

	if req.Member == "" {
		return req, fmt.Errorf("No member given")
	}

	return req, nil
}
