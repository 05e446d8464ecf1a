package labceph

import (
	"context"
	"database/sql"

	"github.com/canonical/lxd/lxd/db/schema"
)

// schemaUpdates are the cluster database tables, shared by all members
// through dqlite like MicroCeph's: config holds cluster-wide facts (fsid,
// keys, networks, monitor addresses), services which member runs which
// Ceph daemon, disks which OSD lives where. Append only: never edit or
// reorder an entry.
var schemaUpdates = []schema.Update{
	schemaCreateTables,
}

func schemaCreateTables(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `
CREATE TABLE config (
  id     INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  key    TEXT    NOT NULL,
  value  TEXT    NOT NULL,
  UNIQUE(key)
);
CREATE TABLE services (
  id         INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  member_id  INTEGER NOT NULL,
  service    TEXT    NOT NULL,
  FOREIGN KEY (member_id) REFERENCES core_cluster_members(id) ON DELETE CASCADE,
  UNIQUE(member_id, service)
);
CREATE TABLE disks (
  id         INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  member_id  INTEGER NOT NULL,
  osd        INTEGER NOT NULL,
  path       TEXT    NOT NULL,
  FOREIGN KEY (member_id) REFERENCES core_cluster_members(id) ON DELETE CASCADE,
  UNIQUE(osd),
  UNIQUE(member_id, path)
);
`)
	return err
}
