//go:build system

package system

import (
	"context"
	"errors"
	"time"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/shared"
	"github.com/canonical/lxd/shared/api"
)

// bareTokenJoin is the join that fails on LXD 5.0.2: the token only as
// cluster_token, no cluster_password.
func bareTokenJoin(ctx context.Context, joiner lxd.InstanceServer, token string, cert string, address string) error {
	joinToken, err := shared.JoinTokenDecode(token)
	if err != nil {
		return err
	}

	// Raw, as the client library would not send cluster_token to 5.0.2.
	resp, _, err := joiner.RawQuery("PUT", "/1.0/cluster", api.ClusterPut{
		Cluster:            api.Cluster{ServerName: joinToken.ServerName, Enabled: true},
		ClusterAddress:     joinToken.Addresses[0],
		ClusterCertificate: cert,
		ServerAddress:      address,
		ClusterToken:       token,
	}, "")
	if err != nil {
		return err
	}

	op, err := resp.MetadataAsOperation()
	if err != nil {
		return err
	}

	deadline, _ := ctx.Deadline()
	opAPI, _, err := joiner.GetOperationWait(op.ID, int(time.Until(deadline).Seconds()))
	if err != nil {
		return err
	}

	if opAPI.Err != "" {
		return errors.New(opAPI.Err)
	}

	return nil
}
