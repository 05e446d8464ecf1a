package labceph

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/canonical/microcluster/v2/state"
)

// Keys of the config table.
const (
	cfgFSID        = "fsid"
	cfgAdminKey    = "keyring.client.admin"
	cfgMonKey      = "keyring.mon."
	cfgPublicNet   = "public_network"
	cfgClusterNet  = "cluster_network"
	cfgV2Only      = "v2_only"
	cfgMonHostPref = "mon.host." // + member name: the monitor's address vector
)

// Ceph services a member can run.
const (
	svcMon = "mon"
	svcMgr = "mgr"
	svcMDS = "mds"
	svcOSD = "osd"
)

// maxMonMgr is how many members get a monitor and a manager: the first
// three, as MicroCeph does.
const maxMonMgr = 3

// ClusterState is the cluster database's content.
type ClusterState struct {
	Config   map[string]string
	Services []Service
	Disks    []Disk
}

// Bootstrapped reports whether the cluster has a Ceph cluster yet.
func (c ClusterState) Bootstrapped() bool { return c.Config[cfgFSID] != "" }

// Runs reports whether member runs service.
func (c ClusterState) Runs(member string, service string) bool {
	for _, s := range c.Services {
		if s.Location == member && s.Service == service {
			return true
		}
	}

	return false
}

// DisksOf lists member's OSDs.
func (c ClusterState) DisksOf(member string) []Disk {
	var out []Disk
	for _, d := range c.Disks {
		if d.Location == member {
			out = append(out, d)
		}
	}

	return out
}

// ConfParams is what ceph.conf needs. The monitors are the members that
// run one (a removed member's row goes with it), in name order.
func (c ClusterState) ConfParams() ConfParams {
	p := ConfParams{FSID: c.Config[cfgFSID], PublicNet: c.Config[cfgPublicNet], ClusterNet: c.Config[cfgClusterNet]}
	for _, s := range c.Services {
		addr := c.Config[cfgMonHostPref+s.Location]
		if s.Service == svcMon && addr != "" {
			p.MonHosts = append(p.MonHosts, addr)
		}
	}

	return p
}

func loadState(ctx context.Context, s state.State) (ClusterState, error) {
	st := ClusterState{Config: map[string]string{}}
	err := s.Database().Transaction(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		st, err = readState(ctx, tx)
		return err
	})
	if err != nil {
		return st, fmt.Errorf("Failed to read the cluster database: %w", err)
	}

	return st, nil
}

func readState(ctx context.Context, tx *sql.Tx) (ClusterState, error) {
	st := ClusterState{Config: map[string]string{}}
	rows, err := tx.QueryContext(ctx, `SELECT key, value FROM config`)
	if err != nil {
		return st, err
	}

	for rows.Next() {
		var k, v string
		err = rows.Scan(&k, &v)
		if err != nil {
			_ = rows.Close()
			return st, err
		}

		st.Config[k] = v
	}

	_ = rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT m.name, s.service FROM services s JOIN core_cluster_members m ON m.id = s.member_id ORDER BY s.service, m.name`)
	if err != nil {
		return st, err
	}

	for rows.Next() {
		var svc Service
		err = rows.Scan(&svc.Location, &svc.Service)
		if err != nil {
			_ = rows.Close()
			return st, err
		}

		st.Services = append(st.Services, svc)
	}

	_ = rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT d.osd, d.path, m.name FROM disks d JOIN core_cluster_members m ON m.id = d.member_id ORDER BY d.osd`)
	if err != nil {
		return st, err
	}

	defer rows.Close()
	for rows.Next() {
		var d Disk
		err = rows.Scan(&d.OSD, &d.Path, &d.Location)
		if err != nil {
			return st, err
		}

		st.Disks = append(st.Disks, d)
	}

	return st, rows.Err()
}

func setConfig(ctx context.Context, tx *sql.Tx, key string, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO config (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

func memberID(ctx context.Context, tx *sql.Tx, member string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM core_cluster_members WHERE name = ?`, member).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("Member %q is not in the cluster database", member)
	}

	return id, err
}

func addService(ctx context.Context, tx *sql.Tx, member string, service string) error {
	id, err := memberID(ctx, tx, member)
	if err != nil {
		return err
	}

	_, err = tx.ExecContext(ctx, `INSERT INTO services (member_id, service) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, service)
	return err
}

func removeService(ctx context.Context, tx *sql.Tx, member string, service string) error {
	id, err := memberID(ctx, tx, member)
	if err != nil {
		return err
	}

	_, err = tx.ExecContext(ctx, `DELETE FROM services WHERE member_id = ? AND service = ?`, id, service)
	return err
}

func countService(ctx context.Context, tx *sql.Tx, service string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM services WHERE service = ?`, service).Scan(&n)
	return n, err
}

func addDisk(ctx context.Context, tx *sql.Tx, member string, osd int64, path string) error {
	id, err := memberID(ctx, tx, member)
	if err != nil {
		return err
	}

	_, err = tx.ExecContext(ctx, `INSERT INTO disks (member_id, osd, path) VALUES (?, ?, ?)`, id, osd, path)
	if err != nil {
		return err
	}

	return addService(ctx, tx, member, svcOSD)
}

// removeDisk forgets an OSD; a member without OSDs no longer runs "osd".
func removeDisk(ctx context.Context, tx *sql.Tx, member string, osd int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM disks WHERE osd = ?`, osd)
	if err != nil {
		return err
	}

	id, err := memberID(ctx, tx, member)
	if err != nil {
		return err
	}

	var left int
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM disks WHERE member_id = ?`, id).Scan(&left)
	if err != nil || left > 0 {
		return err
	}

	return removeService(ctx, tx, member, svcOSD)
}
