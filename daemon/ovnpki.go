package daemon

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"

	"github.com/microcloud-project/microcloud/api/types"
)

// GET /1.0/ovn-pki: MicroOVN's client certificate, key and CA on this
// machine, which LXD needs (network.ovn.*) to reach the OVN databases over
// TLS. MicroOVN keeps them in <its common dir>/data/pki, next to its state
// dir (/var/snap/microovn/common/data/pki for the snap).
func (d *Daemon) ovnPKIEndpoint() rest.Endpoint {
	return rest.Endpoint{
		Path: "ovn-pki",
		Get:  rest.EndpointAction{Handler: d.ovnPKIGet},
	}
}

func (d *Daemon) ovnPKIGet(s state.State, r *http.Request) response.Response {
	dir := filepath.Join(filepath.Dir(d.config.Paths.MicroOVNStateDir), "data", "pki")
	var out types.OVNPKI
	for file, dst := range map[string]*string{"cacert.pem": &out.CACert, "client-cert.pem": &out.ClientCert, "client-privkey.pem": &out.ClientKey} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			return response.SmartError(api.StatusErrorf(http.StatusNotFound, "MicroOVN's client PKI is not in %s: %v", dir, err))
		}

		*dst = string(data)
	}

	if out.CACert == "" {
		return response.SmartError(fmt.Errorf("MicroOVN's CA in %s is empty", dir))
	}

	return response.SyncResponse(true, out)
}
