package labovn

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/microcluster/v2/state"
	"github.com/gorilla/mux"
)

// IssueCertificateResponse answers PUT /1.0/certificates[/{service}], as
// MicroOVN's: the services whose certificates were (not) issued anew.
type IssueCertificateResponse struct {
	Success []string `json:"success"`
	Failed  []string `json:"failed"`
}

// CAInfo answers GET /1.0/ca, as MicroOVN's.
type CAInfo struct {
	AutoRenew bool   `json:"auto_renew"`
	Error     string `json:"error"`
}

// certificateServices are the certificates a member holds for what it
// runs, named as MicroOVN names them: the central's three with central, the
// chassis' with switch (as MicroOVN decides), and always the client's.
func certificateServices(p Placement, member string) []string {
	var out []string
	if p.Runs(member, ServiceCentral) {
		out = append(out, "ovnnb", "ovnsb", "ovn-northd")
	}

	if p.Runs(member, ServiceSwitch) {
		out = append(out, "ovn-controller")
	}

	return append(out, "client")
}

// certificatePut issues a new certificate for one service on this member;
// a service that does not run here is a 404 naming the ones that do.
func (d *Daemon) certificatePut(s state.State, r *http.Request) response.Response {
	name, err := url.PathUnescape(mux.Vars(r)["service"])
	if err != nil {
		return response.BadRequest(err)
	}

	p, ca, err := d.load(r.Context(), s)
	if err != nil {
		return response.SmartError(err)
	}

	eligible := certificateServices(p, s.Name())
	found := false
	for _, svc := range eligible {
		found = found || svc == name
	}

	if !found {
		return response.NotFound(fmt.Errorf("can't issue certificate for service '%s', service is not enabled on this member, enabled services: %s", name, strings.Join(eligible, ", ")))
	}

	return d.reissue(s, ca, []string{name})
}

// certificatesPut issues new certificates for every service of this member.
func (d *Daemon) certificatesPut(s state.State, r *http.Request) response.Response {
	p, ca, err := d.load(r.Context(), s)
	if err != nil {
		return response.SmartError(err)
	}

	return d.reissue(s, ca, certificateServices(p, s.Name()))
}

func (d *Daemon) reissue(s state.State, ca *CA, services []string) response.Response {
	d.mu.Lock()
	defer d.mu.Unlock()

	n := d.node(s)
	out := IssueCertificateResponse{}
	for _, svc := range services {
		err := n.issue(ca, svc)
		if err != nil {
			n.warn("Failed to issue a certificate for " + svc + ": " + err.Error())
			out.Failed = append(out.Failed, svc)
			continue
		}

		out.Success = append(out.Success, svc)
	}

	return response.SyncResponse(len(out.Failed) == 0, &out)
}

// caGet says whether the CA renews itself: MicroOVN renews a CA it made,
// not one given at init.
func (d *Daemon) caGet(s state.State, r *http.Request) response.Response {
	_, ca, err := d.load(r.Context(), s)
	if err != nil {
		return response.SyncResponse(false, CAInfo{Error: "Failed to get CA renewability. See logs for more details."})
	}

	return response.SyncResponse(true, CAInfo{AutoRenew: ca.Cert.Subject.CommonName == labCAName})
}
