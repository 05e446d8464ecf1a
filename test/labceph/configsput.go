package labceph

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/lxd/shared/logger"
	"github.com/canonical/microcluster/v2/client"
	"github.com/canonical/microcluster/v2/state"
)

// restartTimeout bounds a cluster-wide restart after a configuration change.
const restartTimeout = 2 * time.Minute

// configsPut sets a key in Ceph's configuration database and, unless
// skip_restart, restarts the daemons that read it only at start on every
// member (MicroCeph's behaviour); with wait the answer comes after the
// restarts. Members receive the restart as a notification.
func (c *Ceph) configsPut(s state.State, r *http.Request) response.Response {
	var req Config
	err := decodeBody(r, &req)
	if err != nil {
		return response.BadRequest(err)
	}

	err = CheckConfigKey(req.Key)
	if err != nil {
		return response.BadRequest(err)
	}

	key := configKeys[req.Key]
	if client.IsNotification(r) {
		err = c.restartLocal(r.Context(), s, key.daemons)
		if err != nil {
			return response.InternalError(err)
		}

		return response.EmptySyncResponse
	}

	_, err = c.ceph(r.Context(), "config", "set", key.who, req.Key, req.Value)
	if err != nil {
		return response.BadRequest(err)
	}

	// The networks are also in every member's ceph.conf.
	if req.Key == cfgPublicNet || req.Key == cfgClusterNet {
		err = s.Database().Transaction(r.Context(), func(ctx context.Context, tx *sql.Tx) error {
			return setConfig(ctx, tx, req.Key, req.Value)
		})
		if err != nil {
			return response.SmartError(err)
		}
	}

	if req.SkipRestart || len(key.daemons) == 0 {
		return response.EmptySyncResponse
	}

	restart := func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, restartTimeout)
		defer cancel()
		err := c.restartLocal(ctx, s, key.daemons)
		if err != nil {
			return err
		}

		cluster, err := s.Cluster(true)
		if err != nil {
			return err
		}

		return cluster.Query(ctx, true, func(ctx context.Context, cl *client.Client) error {
			u := cl.URL()
			if u.URL.Host == s.Address().URL.Host {
				return nil
			}

			return cl.Query(ctx, http.MethodPut, "1.0", api.NewURL().Path("configs"), req, nil)
		})
	}

	if !req.Wait {
		go func() {
			err := restart(context.Background())
			if err != nil {
				logger.Warn("Failed to restart Ceph daemons after a configuration change", logger.Ctx{"key": req.Key, "err": err})
			}
		}()

		return response.EmptySyncResponse
	}

	err = restart(r.Context())
	if err != nil {
		return response.InternalError(err)
	}

	return response.EmptySyncResponse
}

func (c *Ceph) restartLocal(ctx context.Context, s state.State, daemons []string) error {
	st, err := loadState(ctx, s)
	if err != nil {
		return err
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	return c.restartDaemons(st, s.Name(), daemons)
}
