package labovn

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"time"

	"github.com/canonical/lxd/shared/logger"
	"github.com/canonical/microcluster/v2/rest/types"
	"github.com/canonical/microcluster/v2/state"
)

// labCAName names the CA the lab makes itself (not given in initConfig).
const labCAName = "MicroOVN lab CA"

func (d *Daemon) hooks() *state.Hooks {
	return &state.Hooks{
		PreInit:       d.preInit,
		PostBootstrap: d.postBootstrap,
		PreJoin:       d.preJoin,
		OnStart:       d.onStart,
		OnNewMember: func(ctx context.Context, s state.State, _ types.ClusterMemberLocal) error {
			d.refreshAsync(s)
			return nil
		},
		PostRemove: func(ctx context.Context, s state.State, _ bool) error {
			d.refreshAsync(s)
			return nil
		},
		PreRemove: func(ctx context.Context, s state.State, force bool) error {
			d.stopAll(ctx, s, !force)
			return nil
		},
	}
}

// preInit reads initConfig before anything is created: the encapsulation
// IP (taken as given, like MicroOVN), a custom CA and the requested
// services. MicroOVN refuses bad services in its bootstrap and join hooks;
// the lab refuses them here, before the member is in the cluster at all.
func (d *Daemon) preInit(ctx context.Context, s state.State, bootstrap bool, initConfig map[string]string) error {
	n := d.node(s)
	encap := EncapIP(initConfig, n.ip)
	if bootstrap {
		_, err := customCA(initConfig)
		if err != nil {
			return err
		}
	}

	_, _, err := RequestedServices(initConfig)
	if err != nil {
		return err
	}

	return writeFile(d.layout.EncapIPFile(), encap+"\n")
}

// customCA reads the CA given in initConfig (file paths), if any.
func customCA(initConfig map[string]string) (*CA, error) {
	certPath, keyPath := initConfig[keyCACert], initConfig[keyCAKey]
	if certPath == "" && keyPath == "" {
		return nil, nil
	}

	if certPath == "" || keyPath == "" {
		return nil, fmt.Errorf("initConfig needs both %q and %q for a custom CA", keyCACert, keyCAKey)
	}

	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, fmt.Errorf("initConfig %q: %w", keyCACert, err)
	}

	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, fmt.Errorf("initConfig %q: %w", keyCAKey, err)
	}

	ca, err := LoadCA(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("initConfig %q/%q: %w", keyCACert, keyCAKey, err)
	}

	return ca, nil
}

// postBootstrap makes the first member: CA, all three services, the raft
// clusters with their listeners.
func (d *Daemon) postBootstrap(ctx context.Context, s state.State, initConfig map[string]string) error {
	ca, err := customCA(initConfig)
	if err != nil {
		return err
	}

	if ca == nil {
		ca, err = NewCA(labCAName, time.Now())
		if err != nil {
			return err
		}
	}

	err = s.Database().Transaction(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for key, value := range map[string]string{configCACert: string(ca.CertPEM), configCAKey: string(ca.KeyPEM)} {
			err := setConfig(ctx, tx, key, value)
			if err != nil {
				return err
			}
		}

		services := []string{ServiceCentral, ServiceSwitch, ServiceChassis}
		if requested, ok, _ := RequestedServices(initConfig); ok {
			services = requested
		}

		for _, svc := range services {
			err := addService(ctx, tx, s.Name(), svc)
			if err != nil {
				return err
			}
		}

		return nil
	})
	if err != nil {
		return err
	}

	return d.reconcile(ctx, s, true)
}

// preJoin places the new member (central only while fewer than three members
// run it and no external central is configured; switch and chassis always;
// exactly the "ovn-services" listed, when given)
// in one transaction, so that concurrent joins cannot make a fourth central,
// then starts its programs.
func (d *Daemon) preJoin(ctx context.Context, s state.State, initConfig map[string]string) error {
	err := s.Database().Transaction(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := listServices(ctx, tx)
		if err != nil {
			return err
		}

		external, _, err := getConfig(ctx, tx, configCentralIPs)
		if err != nil {
			return err
		}

		services := []string{ServiceSwitch, ServiceChassis}
		if external == "" && (Placement{Rows: rows}).Count(ServiceCentral) < 3 {
			services = append(services, ServiceCentral)
		}

		if requested, ok, _ := RequestedServices(initConfig); ok {
			services = requested
		}

		for _, svc := range services {
			err := addService(ctx, tx, s.Name(), svc)
			if err != nil {
				return err
			}
		}

		return nil
	})
	if err != nil {
		return err
	}

	return d.reconcile(ctx, s, false)
}

// onStart restarts this member's programs after a daemon restart; programs
// that kept running are left alone.
func (d *Daemon) onStart(ctx context.Context, s state.State) error {
	if s.Database().IsOpen(ctx) != nil {
		return nil
	}

	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		err := d.reconcile(ctx, s, false)
		if err != nil {
			logger.Error("Failed to restart OVN programs", logger.Ctx{"err": err})
		}
	}()

	return nil
}
