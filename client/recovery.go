package client

import (
	"context"
	"time"

	"github.com/canonical/lxd/shared/api"

	"github.com/microcloud-project/microcloud/api/types"
)

// recoverTimeout bounds one recovery step: it stops, rewrites and starts a
// service, and waits for it.
const recoverTimeout = 10 * time.Minute

// Recovery reads what this machine knows of each service's members, from
// files (no quorum needed).
func (c *Client) Recovery(ctx context.Context) (types.RecoveryReport, error) {
	var out types.RecoveryReport
	err := c.admin(ctx, "GET", api.NewURL().Path("recover"), nil, &out)
	return out, err
}

// Recover makes the kept members the only voters of one service on this
// machine (MicroOVN, MicroCeph or LXD).
func (c *Client) Recover(ctx context.Context, t types.ServiceType, keep []string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, recoverTimeout)
	defer cancel()
	var out types.RecoveryResult
	err := c.mc.Query(ctx, "POST", types.APIVersion, api.NewURL().Path("recover", string(t)), types.RecoveryRequest{Keep: keep}, &out)
	if err != nil {
		return nil, c.explain(err)
	}

	return out.Changes, nil
}
