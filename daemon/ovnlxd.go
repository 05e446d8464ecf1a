package daemon

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"

	"github.com/microcloud-project/microcloud/api/types"
)

// GET /1.0/ovn/lxd-routers: the logical routers OVN's northbound database
// lists when it is asked the way this machine's LXD asks it: LXD's
// northbound connection, and LXD's OVN certificates (its network.ovn.*
// keys, each falling back to the file in /etc/ovn, as LXD does). It proves
// that LXD really reaches the database, with what the product gave it.
func (d *Daemon) ovnLXDRoutersEndpoint() rest.Endpoint {
	return rest.Endpoint{
		Path: "ovn/lxd-routers",
		Get:  rest.EndpointAction{Handler: d.ovnLXDRoutersGet},
	}
}

func (d *Daemon) ovnLXDRoutersGet(_ state.State, r *http.Request) response.Response {
	c, err := lxd.ConnectLXDUnixWithContext(r.Context(), d.config.Paths.LXDSocket, nil)
	if err != nil {
		return response.SmartError(fmt.Errorf("Cannot reach LXD: %w", err))
	}

	server, _, err := c.GetServer()
	if err != nil {
		return response.SmartError(fmt.Errorf("Cannot read LXD's configuration: %w", err))
	}

	nb, _ := server.Config["network.ovn.northbound_connection"].(string)
	if nb == "" {
		return response.BadRequest(fmt.Errorf("LXD has no network.ovn.northbound_connection"))
	}

	dir, err := os.MkdirTemp("", "microcloud-lxd-ovn-")
	if err != nil {
		return response.SmartError(err)
	}

	defer func() { _ = os.RemoveAll(dir) }()
	files := map[string]string{}
	for _, k := range []struct{ key, fallback string }{
		{"network.ovn.ca_cert", lxdOVNFiles.ca},
		{"network.ovn.client_cert", lxdOVNFiles.cert},
		{"network.ovn.client_key", lxdOVNFiles.key},
	} {
		value, _ := server.Config[k.key].(string)
		path := filepath.Join(lxdOVNFiles.dir, k.fallback)
		if value != "" {
			path = filepath.Join(dir, k.fallback)
			err := os.WriteFile(path, []byte(value), 0o600)
			if err != nil {
				return response.SmartError(err)
			}
		}

		files[k.key] = path
	}

	routers, err := d.ovnCLI().Routers(r.Context(), nb, files["network.ovn.client_key"], files["network.ovn.client_cert"], files["network.ovn.ca_cert"])
	if err != nil {
		return response.SmartError(err)
	}

	return response.SyncResponse(true, types.OVNRouters{Northbound: nb, Routers: routers})
}
