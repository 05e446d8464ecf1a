package daemon

import (
	"context"
	"net/http"
	"path/filepath"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/version"
)

// GET /1.0/services: the services of this machine, detected afresh on every
// call (a few socket requests) so the answer is never stale.
func (d *Daemon) servicesEndpoint() rest.Endpoint {
	return rest.Endpoint{
		Path:              "services",
		AllowedBeforeInit: true,
		Get:               rest.EndpointAction{Handler: d.servicesGet},
	}
}

func (d *Daemon) servicesGet(s state.State, r *http.Request) response.Response {
	return response.SyncResponse(true, d.services(r.Context(), s))
}

// services is MicroCloud itself followed by the detected services.
func (d *Daemon) services(ctx context.Context, s state.State) []types.ServiceState {
	self := types.ServiceState{
		Type:       types.MicroCloud,
		Present:    true,
		Version:    version.Version(),
		Extensions: version.APIExtensions,
		Clustered:  s != nil && s.Database().IsOpen(ctx) == nil,
		Endpoint:   filepath.Join(d.config.Paths.MicroCloudStateDir, "control.socket"),
	}

	return append([]types.ServiceState{self}, service.Detect(ctx, d.config.Paths)...)
}
