package daemon

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/canonical/lxd/lxd/db/schema"
	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"

	"github.com/microcloud-project/microcloud/api/types"
)

// schemaUpdates are microcloudd's tables in MicroCloud's cluster database.
// member_settings keeps what the cloud was set up to be, per member (such
// as the OVN encapsulation IP it was given), so that any member can later
// tell when a service drifted from it; a member's rows go with it. Append
// only: never edit or reorder an entry.
var schemaUpdates = []schema.Update{
	func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
CREATE TABLE member_settings (
  id         INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  member_id  INTEGER NOT NULL,
  key        TEXT    NOT NULL,
  value      TEXT    NOT NULL,
  FOREIGN KEY (member_id) REFERENCES core_cluster_members(id) ON DELETE CASCADE,
  UNIQUE(member_id, key)
);
`)
		return err
	},
}

// GET /1.0/settings: every member's settings.
// PUT /1.0/settings: set some (an empty value deletes the key).
func (d *Daemon) settingsEndpoint() rest.Endpoint {
	return rest.Endpoint{
		Path: "settings",
		Get:  rest.EndpointAction{Handler: d.settingsGet},
		Put:  rest.EndpointAction{Handler: d.settingsPut},
	}
}

func (d *Daemon) settingsGet(s state.State, r *http.Request) response.Response {
	out := types.MemberSettings{}
	err := s.Database().Transaction(r.Context(), func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT core_cluster_members.name, member_settings.key, member_settings.value
FROM member_settings JOIN core_cluster_members ON member_settings.member_id = core_cluster_members.id`)
		if err != nil {
			return err
		}

		defer rows.Close()
		for rows.Next() {
			var member, key, value string
			err := rows.Scan(&member, &key, &value)
			if err != nil {
				return err
			}

			if out[member] == nil {
				out[member] = map[string]string{}
			}

			out[member][key] = value
		}

		return rows.Err()
	})
	if err != nil {
		return response.SmartError(err)
	}

	return response.SyncResponse(true, out)
}

func (d *Daemon) settingsPut(s state.State, r *http.Request) response.Response {
	var req types.MemberSettings
	err := json.NewDecoder(r.Body).Decode(&req)
	if err != nil {
		return response.BadRequest(fmt.Errorf("Invalid request body: %w", err))
	}

	err = s.Database().Transaction(r.Context(), func(ctx context.Context, tx *sql.Tx) error {
		for member, settings := range req {
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM core_cluster_members WHERE name = ?`, member).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return api.StatusErrorf(http.StatusNotFound, "%s is not a MicroCloud member", member)
			}

			if err != nil {
				return err
			}

			for key, value := range settings {
				if value == "" {
					_, err = tx.ExecContext(ctx, `DELETE FROM member_settings WHERE member_id = ? AND key = ?`, id, key)
				} else {
					_, err = tx.ExecContext(ctx, `INSERT INTO member_settings (member_id, key, value) VALUES (?, ?, ?)
ON CONFLICT(member_id, key) DO UPDATE SET value = excluded.value`, id, key, value)
				}

				if err != nil {
					return err
				}
			}
		}

		return nil
	})
	if err != nil {
		return response.SmartError(err)
	}

	return response.EmptySyncResponse
}
