package labceph

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/microcluster/v2/state"
	"github.com/gorilla/mux"
)

// EnableService is the body of PUT /1.0/services/{service} (MicroCeph's
// field names; the wait flag's JSON name really is "bool").
type EnableService struct {
	Name    string `json:"name"`
	Wait    bool   `json:"bool"`
	Payload string `json:"payload"`
}

// serviceEnable starts a monitor or a manager on this member (PUT
// /1.0/services/{mon|mgr}, honouring ?target like MicroCeph's): how a
// cluster that lost a monitor host gets back to three.
func (c *Ceph) serviceEnable(s state.State, r *http.Request) response.Response {
	svc := mux.Vars(r)["service"]
	if svc != svcMon && svc != svcMgr && svc != svcMDS {
		return response.BadRequest(fmt.Errorf("The lab's MicroCeph enables only %s, %s and %s, not %q", svcMon, svcMgr, svcMDS, svc))
	}

	var req EnableService
	err := decodeBody(r, &req)
	if err != nil {
		return response.BadRequest(err)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	name := s.Name()
	st, err := loadState(r.Context(), s)
	if err != nil {
		return response.SmartError(err)
	}

	if st.Runs(name, svc) {
		return response.SmartError(api.StatusErrorf(http.StatusConflict, "Service %s already runs on %s", svc, name))
	}

	addrVec, err := c.localMonAddr(st)
	if err != nil {
		return response.SmartError(err)
	}

	err = s.Database().Transaction(r.Context(), func(ctx context.Context, tx *sql.Tx) error {
		err := addService(ctx, tx, name, svc)
		if err != nil || svc != svcMon {
			return err
		}

		return setConfig(ctx, tx, cfgMonHostPref+name, addrVec)
	})
	if err != nil {
		return response.SmartError(err)
	}

	switch svc {
	case svcMon:
		err = c.createMon(r.Context(), st, name, addrVec, false)
		if err == nil {
			err = c.startMon(r.Context(), name, addrVec)
		}

	case svcMgr:
		err = c.createMgr(r.Context(), name)
		if err == nil {
			err = c.mgrProc(name).Start()
		}

	case svcMDS:
		err = c.createMDS(r.Context(), name)
		if err == nil {
			err = c.mdsProc(name).Start()
		}
	}

	if err != nil {
		return response.SmartError(err)
	}

	return response.EmptySyncResponse
}
