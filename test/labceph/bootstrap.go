package labceph

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/canonical/lxd/shared/logger"
	"github.com/canonical/microcluster/v2/state"
)

// preInit checks a bootstrap's initConfig before microcluster creates
// anything, so that a bad key fails the request cleanly (MicroCeph's
// prechecks). A join has nothing to check yet: the public network is only
// known from the cluster database.
func (c *Ceph) preInit(_ context.Context, s state.State, bootstrap bool, initConfig map[string]string) error {
	if !bootstrap {
		return nil
	}

	_, err := c.plan(s, initConfig)
	return err
}

// plan applies PlanBootstrap to this system.
func (c *Ceph) plan(s state.State, initConfig map[string]string) (BootstrapPlan, error) {
	local, err := localAddrs()
	if err != nil {
		return BootstrapPlan{}, err
	}

	listen, _ := netip.ParseAddr(s.Address().URL.Hostname())
	return PlanBootstrap(initConfig, local, listen)
}

// postBootstrap creates the Ceph cluster on the first member: fsid and
// keys, recorded in the cluster database; the first monitor and manager;
// the public and cluster networks in Ceph's configuration database.
func (c *Ceph) postBootstrap(ctx context.Context, s state.State, initConfig map[string]string) error {
	c.mu.Lock()
	defer c.mu.Unlock()

	start := time.Now()
	plan, err := c.plan(s, initConfig)
	if err != nil {
		return err
	}

	fsid, err := NewUUID()
	if err != nil {
		return err
	}

	monKey, err := NewKey()
	if err != nil {
		return err
	}

	adminKey, err := NewKey()
	if err != nil {
		return err
	}

	name := s.Name()
	addrVec := MonAddrVec(plan.MonIP, plan.V2Only)
	err = s.Database().Transaction(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for k, v := range map[string]string{
			cfgFSID:               fsid,
			cfgMonKey:             monKey,
			cfgAdminKey:           adminKey,
			cfgPublicNet:          plan.PublicNet.String(),
			cfgClusterNet:         plan.ClusterNet.String(),
			cfgV2Only:             strconv.FormatBool(plan.V2Only),
			cfgMonHostPref + name: addrVec,
		} {
			err := setConfig(ctx, tx, k, v)
			if err != nil {
				return err
			}
		}

		for _, svc := range []string{svcMon, svcMgr, svcMDS} {
			err := addService(ctx, tx, name, svc)
			if err != nil {
				return err
			}
		}

		return nil
	})
	if err != nil {
		return fmt.Errorf("Failed to record the new Ceph cluster: %w", err)
	}

	st, err := loadState(ctx, s)
	if err != nil {
		return err
	}

	err = c.writeClientFiles(st)
	if err != nil {
		return err
	}

	err = c.createMon(ctx, st, name, addrVec, true)
	if err != nil {
		return err
	}

	err = c.startMon(ctx, name, addrVec)
	if err != nil {
		return err
	}

	// As MicroCeph does: the networks and RBD features go into Ceph's
	// configuration database, where clients (and GET /1.0/configs) find them.
	for _, kv := range [][2]string{
		{cfgPublicNet, plan.PublicNet.String()},
		{cfgClusterNet, plan.ClusterNet.String()},
		{"rbd_default_features", "63"},
	} {
		_, err = c.ceph(ctx, "config", "set", "global", kv[0], kv[1])
		if err != nil {
			return err
		}
	}

	err = c.createMgr(ctx, name)
	if err != nil {
		return err
	}

	err = c.mgrProc(name).Start()
	if err != nil {
		return err
	}

	err = c.createMDS(ctx, name)
	if err == nil {
		err = c.mdsProc(name).Start()
	}

	if err != nil {
		return err
	}

	logger.Info("Ceph cluster bootstrapped", logger.Ctx{"fsid": fsid, "mon": addrVec, "public_network": plan.PublicNet.String(), "cluster_network": plan.ClusterNet.String(), "duration": time.Since(start).Round(time.Millisecond).String()})
	return nil
}
