package daemon

import (
	"net/http"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"

	"github.com/microcloud-project/microcloud/service/inventory"
)

// GET /1.0/system: this machine's interfaces and disks with their eligibility.
func (d *Daemon) systemEndpoint() rest.Endpoint {
	return rest.Endpoint{
		Path:              "system",
		AllowedBeforeInit: true,
		Get:               rest.EndpointAction{Handler: d.systemGet},
	}
}

func (d *Daemon) systemGet(s state.State, r *http.Request) response.Response {
	sys, err := inventory.Gather(r.Context(), d.config.Paths.LXDSocket, inventory.KernelProber{})
	if err != nil {
		return response.SmartError(err)
	}

	return response.SyncResponse(true, sys)
}
