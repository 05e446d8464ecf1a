package labovn

import (
	"context"
	"database/sql"
	"errors"
	"net"

	"github.com/canonical/lxd/lxd/db/schema"
)

// OVN services a member can run.
const (
	ServiceCentral = "central"
	ServiceBGP     = "bgp"
	ServiceSwitch  = "switch"
	ServiceChassis = "chassis"
)

// configCentralIPs is the one config key of MicroOVN's config API: external
// central addresses, which replace the cluster's own central members.
const configCentralIPs = "ovn.central-ips"

// Internal config keys (not settable through the API).
const (
	configCACert = "internal.ca-cert"
	configCAKey  = "internal.ca-key"
)

// Schema is MicroOVN's: which member runs which service, and a config table.
var Schema = []schema.Update{
	func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
CREATE TABLE services (
  id         INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  member_id  INTEGER NOT NULL,
  service    TEXT    NOT NULL,
  FOREIGN KEY (member_id) REFERENCES core_cluster_members (id) ON DELETE CASCADE,
  UNIQUE (member_id, service)
);
CREATE TABLE config (
  id     INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  key    TEXT    NOT NULL,
  value  TEXT    NOT NULL,
  UNIQUE (key)
);`)
		return err
	},
}

// ServiceRow is one service placement.
type ServiceRow struct {
	Member  string
	Address string // the member's IP
	Service string
}

func listServices(ctx context.Context, tx *sql.Tx) ([]ServiceRow, error) {
	rows, err := tx.QueryContext(ctx, `
SELECT m.name, m.address, s.service FROM services s
JOIN core_cluster_members m ON m.id = s.member_id ORDER BY m.name, s.service`)
	if err != nil {
		return nil, err
	}

	defer rows.Close()
	var out []ServiceRow
	for rows.Next() {
		var r ServiceRow
		err := rows.Scan(&r.Member, &r.Address, &r.Service)
		if err != nil {
			return nil, err
		}

		host, _, err := net.SplitHostPort(r.Address)
		if err == nil {
			r.Address = host
		}

		out = append(out, r)
	}

	return out, rows.Err()
}

func addService(ctx context.Context, tx *sql.Tx, member string, service string) error {
	res, err := tx.ExecContext(ctx, `
INSERT OR IGNORE INTO services (member_id, service)
SELECT id, ? FROM core_cluster_members WHERE name = ?`, service, member)
	if err != nil {
		return err
	}

	_, err = res.RowsAffected()
	return err
}

func removeService(ctx context.Context, tx *sql.Tx, member string, service string) error {
	_, err := tx.ExecContext(ctx, `
DELETE FROM services WHERE service = ? AND member_id = (SELECT id FROM core_cluster_members WHERE name = ?)`, service, member)
	return err
}

func getConfig(ctx context.Context, tx *sql.Tx, key string) (string, bool, error) {
	var value string
	err := tx.QueryRowContext(ctx, `SELECT value FROM config WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}

	return value, err == nil, err
}

func setConfig(ctx context.Context, tx *sql.Tx, key string, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO config (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

func deleteConfig(ctx context.Context, tx *sql.Tx, key string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM config WHERE key = ?`, key)
	return err
}

// Placement is the cluster's service layout as one member sees it.
type Placement struct {
	Rows []ServiceRow

	// ExternalCentral holds ovn.central-ips when set.
	ExternalCentral []string
}

// Runs reports whether member runs service.
func (p Placement) Runs(member string, service string) bool {
	for _, r := range p.Rows {
		if r.Member == member && r.Service == service {
			return true
		}
	}

	return false
}

// CentralIPs are the addresses of the OVN databases: the external ones if
// configured, else those of the members running central.
func (p Placement) CentralIPs() []string {
	if len(p.ExternalCentral) > 0 {
		return p.ExternalCentral
	}

	var ips []string
	for _, r := range p.Rows {
		if r.Service == ServiceCentral {
			ips = append(ips, r.Address)
		}
	}

	return ips
}

// Count is how many members run service.
func (p Placement) Count(service string) int {
	n := 0
	for _, r := range p.Rows {
		if r.Service == service {
			n++
		}
	}

	return n
}
