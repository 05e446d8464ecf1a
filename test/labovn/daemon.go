package labovn

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/canonical/lxd/shared/logger"
	"github.com/canonical/microcluster/v2/state"
)

// Daemon is the lab MicroOVN's shared state.
type Daemon struct {
	layout Layout

	// mu serialises changes to this member's programs.
	mu sync.Mutex
}

func (d *Daemon) node(s state.State) *Node {
	ip := s.Address().Hostname()
	return &Node{layout: d.layout, name: s.Name(), ip: ip}
}

// load reads the placement and the CA from the cluster database.
func (d *Daemon) load(ctx context.Context, s state.State) (Placement, *CA, error) {
	var p Placement
	var certPEM, keyPEM string
	err := s.Database().Transaction(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		p.Rows, err = listServices(ctx, tx)
		if err != nil {
			return err
		}

		external, _, err := getConfig(ctx, tx, configCentralIPs)
		if err != nil {
			return err
		}

		p.ExternalCentral = splitIPs(external)
		certPEM, _, err = getConfig(ctx, tx, configCACert)
		if err != nil {
			return err
		}

		keyPEM, _, err = getConfig(ctx, tx, configCAKey)
		return err
	})
	if err != nil {
		return p, nil, err
	}

	if certPEM == "" {
		return p, nil, fmt.Errorf("The cluster has no OVN CA yet")
	}

	ca, err := LoadCA([]byte(certPEM), []byte(keyPEM))
	return p, ca, err
}

// reconcile brings this member's OVN programs to what the cluster database
// says it runs. first is true only on the bootstrap member, which creates the
// raft clusters and their client listeners.
func (d *Daemon) reconcile(ctx context.Context, s state.State, first bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()

	p, ca, err := d.load(ctx, s)
	if err != nil {
		return err
	}

	n := d.node(s)
	central := p.Runs(n.name, ServiceCentral)
	chassis := p.Runs(n.name, ServiceChassis)
	err = n.writePKI(ca, pkiServices(central, chassis))
	if err != nil {
		return err
	}

	centralIPs := p.CentralIPs()
	if central {
		var peers []string
		for _, ip := range centralIPs {
			if ip != n.ip {
				peers = append(peers, ip)
			}
		}

		if first {
			peers = nil
		}

		err = n.ensureCentralDBs(ctx, peers)
		if err != nil {
			return fmt.Errorf("Failed to set up the OVN databases: %w", err)
		}

		err = n.startCentral(ctx, centralIPs)
		if err != nil {
			return err
		}

		if first {
			err = n.listenCentral(ctx)
			if err != nil {
				return err
			}
		}
	}

	if p.Runs(n.name, ServiceSwitch) {
		err = n.startSwitch(ctx)
		if err != nil {
			return err
		}

		err = n.attachUnderlay(ctx, n.encapIP(), filepath.Join(d.layout.Data, "underlay"))
		if err != nil {
			return fmt.Errorf("Failed to attach the underlay: %w", err)
		}
	}

	if chassis {
		err = n.configureChassis(ctx, n.encapIP(), centralIPs)
		if err != nil {
			return err
		}

		err = n.startChassis()
		if err != nil {
			return err
		}
	}

	return n.publish(centralIPs)
}

// refresh follows a change of membership or placement elsewhere: new central
// addresses for ovn-controller, LXD and ovn-northd.
func (d *Daemon) refresh(ctx context.Context, s state.State) error {
	d.mu.Lock()
	defer d.mu.Unlock()

	p, _, err := d.load(ctx, s)
	if err != nil {
		return err
	}

	n := d.node(s)
	centralIPs := p.CentralIPs()
	if p.Runs(n.name, ServiceChassis) {
		err = n.setRemote(ctx, centralIPs)
		if err != nil {
			return err
		}
	}

	if p.Runs(n.name, ServiceCentral) && n.northdProc(nil).Alive() {
		err = n.restartNorthd(centralIPs)
		if err != nil {
			return err
		}
	}

	return n.publish(centralIPs)
}

// refreshAsync runs refresh in the background: membership hooks must not
// hold up the member that triggered them.
func (d *Daemon) refreshAsync(s state.State) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		err := d.refresh(ctx, s)
		if err != nil {
			logger.Error("OVN refresh failed", logger.Ctx{"err": err})
		}
	}()
}

// stopAll stops every OVN program of this member.
func (d *Daemon) stopAll(ctx context.Context, s state.State, leave bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := d.node(s)
	n.stopChassis(ctx, leave)
	n.stopSwitch()
	n.stopCentral(ctx, leave)
}

func splitIPs(value string) []string {
	var out []string
	for _, f := range strings.Split(value, ",") {
		f = strings.TrimSpace(f)
		if f != "" {
			out = append(out, f)
		}
	}

	return out
}

func writeFile(path string, data string) error {
	err := os.MkdirAll(filepath.Dir(path), 0o755)
	if err != nil {
		return err
	}

	return os.WriteFile(path, []byte(data), 0o600)
}
