package labceph

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"time"

	"github.com/canonical/lxd/shared/logger"
	"github.com/canonical/microcluster/v2/state"
)

// postJoin gives a new member the cluster's ceph.conf and admin keyring
// and, while fewer than three members run them, a monitor and a manager.
func (c *Ceph) postJoin(ctx context.Context, s state.State, _ map[string]string) error {
	c.mu.Lock()
	defer c.mu.Unlock()

	start := time.Now()
	name := s.Name()
	st, err := loadState(ctx, s)
	if err != nil {
		return err
	}

	if !st.Bootstrapped() {
		return fmt.Errorf("The cluster has no Ceph configuration yet (no fsid in its database)")
	}

	addrVec, err := c.localMonAddr(st)
	if err != nil {
		return err
	}

	// Deciding and recording the roles in one transaction keeps two
	// joiners from both taking the third monitor.
	var roles []string
	err = s.Database().Transaction(ctx, func(ctx context.Context, tx *sql.Tx) error {
		roles = nil
		for _, svc := range []string{svcMon, svcMgr, svcMDS} {
			n, err := countService(ctx, tx, svc)
			if err != nil {
				return err
			}

			if n >= maxMonMgr {
				continue
			}

			err = addService(ctx, tx, name, svc)
			if err != nil {
				return err
			}

			roles = append(roles, svc)
			if svc == svcMon {
				err = setConfig(ctx, tx, cfgMonHostPref+name, addrVec)
				if err != nil {
					return err
				}
			}
		}

		return nil
	})
	if err != nil {
		return fmt.Errorf("Failed to record the Ceph services of %s: %w", name, err)
	}

	st, err = loadState(ctx, s)
	if err != nil {
		return err
	}

	err = c.writeClientFiles(st)
	if err != nil {
		return err
	}

	for _, role := range roles {
		switch role {
		case svcMon:
			err = c.createMon(ctx, st, name, addrVec, false)
			if err == nil {
				err = c.startMon(ctx, name, addrVec)
			}

		case svcMgr:
			err = c.createMgr(ctx, name)
			if err == nil {
				err = c.mgrProc(name).Start()
			}

		case svcMDS:
			err = c.createMDS(ctx, name)
			if err == nil {
				err = c.mdsProc(name).Start()
			}
		}

		if err != nil {
			return err
		}
	}

	logger.Info("Joined the Ceph cluster", logger.Ctx{"services": roles, "duration": time.Since(start).Round(time.Millisecond).String()})
	return nil
}

// localMonAddr is this member's monitor address vector: its first address
// in the cluster's public network (where its OSDs listen too).
func (c *Ceph) localMonAddr(st ClusterState) (string, error) {
	subnet, err := netip.ParsePrefix(st.Config[cfgPublicNet])
	if err != nil {
		return "", fmt.Errorf("The cluster's public network %q is not a subnet", st.Config[cfgPublicNet])
	}

	local, err := localAddrs()
	if err != nil {
		return "", err
	}

	ip, ok := AddrInSubnet(local, subnet)
	if !ok {
		return "", fmt.Errorf("No address of this system is in the Ceph public network %s", subnet)
	}

	return MonAddrVec(ip, st.Config[cfgV2Only] == "true"), nil
}
