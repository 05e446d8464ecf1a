package daemon

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"

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

// POST /1.0/ovn-pki/lxd: place this machine's MicroOVN client PKI where an
// LXD without the ovn_ssl_config extension reads it (/etc/ovn), since
// MicroOVN does not and no snap plumbing does it outside snaps. Files that
// already hold the same content are left alone.
func (d *Daemon) ovnPKIForLXDEndpoint() rest.Endpoint {
	return rest.Endpoint{
		Path: "ovn-pki/lxd",
		Post: rest.EndpointAction{Handler: d.ovnPKIForLXDPost},
	}
}

// lxdOVNFiles are where LXD falls back to for the OVN client PKI when its
// network.ovn.* keys are unset.
var lxdOVNFiles = struct{ dir, ca, cert, key string }{"/etc/ovn", "ovn-central.crt", "cert_host", "key_host"}

func (d *Daemon) ovnPKIGet(s state.State, r *http.Request) response.Response {
	pki, err := d.readOVNPKI()
	if err != nil {
		return response.SmartError(err)
	}

	return response.SyncResponse(true, pki)
}

func (d *Daemon) readOVNPKI() (*types.OVNPKI, error) {
	dir := d.config.Paths.OVNPKIDir()
	var out types.OVNPKI
	for file, dst := range map[string]*string{"cacert.pem": &out.CACert, "client-cert.pem": &out.ClientCert, "client-privkey.pem": &out.ClientKey} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			return nil, api.StatusErrorf(http.StatusNotFound, "MicroOVN's client PKI is not in %s: %v", dir, err)
		}

		*dst = string(data)
	}

	if out.CACert == "" {
		return nil, fmt.Errorf("MicroOVN's CA in %s is empty", dir)
	}

	return &out, nil
}

func (d *Daemon) ovnPKIForLXDPost(s state.State, r *http.Request) response.Response {
	pki, err := d.readOVNPKI()
	if err != nil {
		return response.SmartError(err)
	}

	changed, err := placeOVNPKIForLXD(pki)
	if err != nil {
		return response.SmartError(err)
	}

	return response.SyncResponse(true, changed)
}

// placeOVNPKIForLXD writes the PKI where LXD falls back to, leaving files
// that already hold it alone; it returns the files it changed.
func placeOVNPKIForLXD(pki *types.OVNPKI) ([]string, error) {
	err := os.MkdirAll(lxdOVNFiles.dir, 0o755)
	if err != nil {
		return nil, err
	}

	changed := []string{}
	for name, content := range map[string]string{lxdOVNFiles.ca: pki.CACert, lxdOVNFiles.cert: pki.ClientCert, lxdOVNFiles.key: pki.ClientKey} {
		path := filepath.Join(lxdOVNFiles.dir, name)
		old, err := os.ReadFile(path)
		if err == nil && string(old) == content {
			continue
		}

		err = writeFileAtomic(path, []byte(content), 0o600)
		if err != nil {
			return nil, fmt.Errorf("Failed to place MicroOVN's PKI for LXD: %w", err)
		}

		changed = append(changed, path)
	}

	sort.Strings(changed)
	return changed, nil
}

// writeFileAtomic replaces a file in one step: LXD never reads half of it.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	err := os.WriteFile(tmp, data, mode)
	if err != nil {
		return err
	}

	return os.Rename(tmp, path)
}
