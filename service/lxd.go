package service

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"fmt"
	"sort"
	"strings"
	"time"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/shared"
	"github.com/canonical/lxd/shared/api"

	"github.com/microcloud-project/microcloud/api/types"
)

// LXD is an LXD server through the LXD client library.
type LXD struct {
	client lxd.InstanceServer
}

// NewLXD wraps an LXD client.
func NewLXD(c lxd.InstanceServer) *LXD {
	return &LXD{client: c}
}

// Client is the LXD client, for pools, networks and profiles.
func (l *LXD) Client() lxd.InstanceServer {
	return l.client
}

// Type implements Service.
func (l *LXD) Type() types.ServiceType {
	return types.LXD
}

// Status implements Service.
func (l *LXD) Status(ctx context.Context) (types.ServiceState, error) {
	server, _, err := l.client.GetServer()
	if err != nil {
		return types.ServiceState{}, fmt.Errorf("LXD did not answer: %w", err)
	}

	clustered := server.Environment.ServerClustered || l.joining()
	return types.ServiceState{Type: types.LXD, Present: true, Version: server.Environment.ServerVersion, Extensions: server.APIExtensions, Clustered: clustered}, nil
}

// lxdJoinDescription is how LXD describes the operation of a member
// joining a cluster (operationtype.ClusterJoin).
const lxdJoinDescription = "Joining cluster"

// joining reports whether LXD is in the middle of joining a cluster: it
// calls itself clustered only once the join is over, and a second join
// started meanwhile (a run killed after it sent the first, then run
// again) fails in confusing ways ("Config key \"source\" is cluster member
// specific", then "This server is already clustered").
func (l *LXD) joining() bool {
	ops, err := l.client.GetOperations()
	if err != nil {
		return false
	}

	for _, op := range ops {
		if op.Class == api.OperationClassTask && op.StatusCode == api.Running && op.Description == lxdJoinDescription {
			return true
		}
	}

	return false
}

// Bootstrap implements Service (config is unused: LXD's bootstrap takes
// none).
func (l *LXD) Bootstrap(ctx context.Context, name string, address string, config map[string]string) error {
	return LXDBootstrap(ctx, l.client, name, address)
}

// IssueToken implements Service.
func (l *LXD) IssueToken(ctx context.Context, name string) (string, error) {
	_ = l.RevokeToken(ctx, name)
	return LXDIssueToken(l.client, name)
}

// RevokeToken implements Service: LXD's tokens are pending operations.
func (l *LXD) RevokeToken(ctx context.Context, name string) error {
	ops, err := l.client.GetOperations()
	if err != nil {
		return err
	}

	for _, op := range ops {
		if op.Class != api.OperationClassToken || op.StatusCode != api.Running {
			continue
		}

		token, err := op.ToClusterJoinToken()
		if err == nil && token.ServerName == name {
			err := l.client.DeleteOperation(op.ID)
			if err != nil {
				return err
			}
		}
	}

	return nil
}

// LXDMemberConfigKey names, in a Join's config, one member-specific key of
// an existing pool or network ("storage-pool", "local", "source"): a
// member joining a cluster that already has them must bring its own.
func LXDMemberConfigKey(entity string, name string, key string) string {
	return entity + "/" + name + "/" + key
}

// lxdMemberConfig turns Join's config (LXDMemberConfigKey: value) into
// LXD's member configuration.
func lxdMemberConfig(config map[string]string) []api.ClusterMemberConfigKey {
	var out []api.ClusterMemberConfigKey
	for k, v := range config {
		parts := strings.SplitN(k, "/", 3)
		if len(parts) == 3 {
			out = append(out, api.ClusterMemberConfigKey{Entity: parts[0], Name: parts[1], Key: parts[2], Value: v})
		}
	}

	sort.Slice(out, func(i, j int) bool {
		return out[i].Entity+out[i].Name+out[i].Key < out[j].Entity+out[j].Name+out[j].Key
	})
	return out
}

// Join implements Service. The cluster certificate is fetched from a
// member named in the token and checked against the token's fingerprint, as
// `lxd init` does. config holds the member's own keys of the cluster's
// existing pools and networks (LXDMemberConfigKey).
func (l *LXD) Join(ctx context.Context, name string, address string, token string, config map[string]string) error {
	joinToken, err := shared.JoinTokenDecode(token)
	if err != nil {
		return fmt.Errorf("Invalid LXD join token: %w", err)
	}

	var certPEM string
	var lastErr error
	for _, addr := range joinToken.Addresses {
		certPEM, lastErr = remoteCertificate(ctx, addr)
		if lastErr == nil {
			break
		}
	}

	if certPEM == "" {
		return fmt.Errorf("No LXD cluster member in the token answered: %w", lastErr)
	}

	return LXDJoin(ctx, l.client, token, certPEM, address, lxdMemberConfig(config))
}

// remoteCertificate reads the certificate an LXD member presents.
func remoteCertificate(ctx context.Context, address string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	d := tls.Dialer{Config: &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}}} // Checked against the token below.
	conn, err := d.DialContext(ctx, "tcp", address)
	if err != nil {
		return "", err
	}

	defer conn.Close()
	certs := conn.(*tls.Conn).ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return "", fmt.Errorf("%s presented no certificate", address)
	}

	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certs[0].Raw})), nil
}

// Members implements Service.
func (l *LXD) Members(ctx context.Context) ([]Member, error) {
	server, _, err := l.client.GetServer()
	if err != nil {
		return nil, err
	}

	if !server.Environment.ServerClustered {
		return nil, nil
	}

	return LXDMembers(l.client)
}

// RemoveMember implements Service.
//
// LXD's database may change leaders while a member leaves (right after a
// recovery from quorum loss, a restarted member takes the lead again);
// "server has lost leadership" is tried again for a while.
func (l *LXD) RemoveMember(ctx context.Context, name string, force bool) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := l.client.DeleteClusterMember(name, force)
		if err == nil || !strings.Contains(err.Error(), "lost leadership") || time.Now().After(deadline) {
			return err
		}

		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Second):
		}
	}
}
