package labovn

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/microcluster/v2/client"
	"github.com/canonical/microcluster/v2/state"
	"github.com/gorilla/mux"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

// SchemaVersionResult is one member's row of
// GET /1.0/ovsdb/schema/{db}/expected/all, as MicroOVN's (error 0 is none,
// 1 a failure, 2 a member that does not serve the endpoint).
type SchemaVersionResult struct {
	Host          string `json:"host"`
	SchemaVersion string `json:"schemaVersion"`
	Error         int    `json:"error"`
}

// schemaDB is one database whose schema version MicroOVN reports.
type schemaDB struct {
	name    string
	schema  string
	central bool
}

func schemaDBOf(r *http.Request) (schemaDB, error) {
	switch strings.ToLower(mux.Vars(r)["db"]) {
	case "nb":
		return schemaDB{"OVN_Northbound", nbSchema, true}, nil
	case "sb":
		return schemaDB{"OVN_Southbound", sbSchema, true}, nil
	case "switch":
		return schemaDB{"Open_vSwitch", switchSchema, false}, nil
	}

	return schemaDB{}, api.StatusErrorf(http.StatusBadRequest, "DB '%s' not supported", mux.Vars(r)["db"])
}

func centralDBOf(name string) centralDB {
	for _, db := range centralDBs {
		if db.name == name {
			return db
		}
	}

	return centralDBs[0]
}

// localExpectedSchema is the schema version this member's OVN build ships
// for the request's database, or the response that says why not.
func localExpectedSchema(r *http.Request) (string, response.Response) {
	db, err := schemaDBOf(r)
	if err != nil {
		return "", response.SmartError(err)
	}

	out, err := labsvc.Run(r.Context(), "ovsdb-tool", "schema-version", db.schema)
	if err != nil {
		return "", response.InternalError(fmt.Errorf("internal server error"))
	}

	return strings.TrimSpace(out), nil
}

// schemaExpected is the schema version this member's OVN build ships.
func (d *Daemon) schemaExpected(s state.State, r *http.Request) response.Response {
	version, failed := localExpectedSchema(r)
	if failed != nil {
		return failed
	}

	return response.SyncResponse(true, version)
}

// schemaExpectedAll asks every member for its expected version.
func (d *Daemon) schemaExpectedAll(s state.State, r *http.Request) response.Response {
	version, failed := localExpectedSchema(r)
	if failed != nil {
		return failed
	}

	out := []SchemaVersionResult{{Host: s.Address().Hostname(), SchemaVersion: version}}
	cluster, err := s.Cluster(false)
	if err != nil {
		return response.InternalError(fmt.Errorf("internal server error"))
	}

	_ = cluster.Query(r.Context(), true, func(ctx context.Context, c *client.Client) error {
		u := c.URL()
		row := SchemaVersionResult{Host: u.Hostname()}
		err := c.Query(ctx, "GET", "1.0", api.NewURL().Path("ovsdb", "schema", mux.Vars(r)["db"], "expected"), nil, &row.SchemaVersion)
		if err != nil {
			row.Error = 1
			if api.StatusErrorCheck(err, http.StatusNotFound) {
				row.Error = 2
			}
		}

		out = append(out, row)
		return nil
	})

	return response.SyncResponse(true, &out)
}

// schemaActive is the schema version the running database has: read on a
// member that runs it, forwarded there by one that does not.
func (d *Daemon) schemaActive(s state.State, r *http.Request) response.Response {
	db, err := schemaDBOf(r)
	if err != nil {
		return response.SmartError(err)
	}

	p, _, err := d.load(r.Context(), s)
	if err != nil {
		return response.SmartError(err)
	}

	n := d.node(s)
	socket := n.layout.SwitchSocket()
	if db.central {
		if !p.Runs(s.Name(), ServiceCentral) {
			return d.forwardSchemaActive(s, r, p)
		}

		socket = n.dbSocket(centralDBOf(db.name))
	}

	out, err := labsvc.Run(r.Context(), "ovsdb-client", "--timeout=30", "get-schema-version", "unix:"+socket, db.name)
	if err != nil {
		return response.InternalError(fmt.Errorf("internal server error"))
	}

	return response.SyncResponse(true, strings.TrimSpace(out))
}

func (d *Daemon) forwardSchemaActive(s state.State, r *http.Request, p Placement) response.Response {
	cluster, err := s.Cluster(false)
	if err != nil {
		return response.InternalError(fmt.Errorf("internal server error"))
	}

	for _, c := range cluster {
		u := c.URL()
		for _, row := range p.Rows {
			if row.Service != ServiceCentral || row.Address != u.Hostname() {
				continue
			}

			var version string
			err := c.Query(r.Context(), "GET", "1.0", api.NewURL().Path("ovsdb", "schema", mux.Vars(r)["db"], "active"), nil, &version)
			if err == nil {
				return response.SyncResponse(true, version)
			}
		}
	}

	return response.InternalError(fmt.Errorf("internal server error"))
}
