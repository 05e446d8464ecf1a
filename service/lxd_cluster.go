package service

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/shared"
	"github.com/canonical/lxd/shared/api"
)

// LXDPort is LXD's cluster port.
const LXDPort = 8443

// LXDAddress is host:8443 with IPv6 in brackets.
func LXDAddress(ip string) string {
	return net.JoinHostPort(ip, strconv.Itoa(LXDPort))
}

// LXDBootstrap turns a standalone LXD into the first member of a cluster:
// it listens on address and enables clustering under name.
func LXDBootstrap(ctx context.Context, c lxd.InstanceServer, name string, address string) error {
	server, etag, err := c.GetServer()
	if err != nil {
		return err
	}

	if server.Environment.ServerClustered {
		return fmt.Errorf("LXD is already clustered")
	}

	put := server.Writable()
	if put.Config == nil {
		put.Config = map[string]any{}
	}

	put.Config["core.https_address"] = address
	put.Config["cluster.https_address"] = address
	err = c.UpdateServer(put, etag)
	if err != nil {
		return fmt.Errorf("Failed to set LXD's listen address: %w", err)
	}

	op, err := c.UpdateCluster(api.ClusterPut{Cluster: api.Cluster{ServerName: name, Enabled: true}}, "")
	if err != nil {
		return fmt.Errorf("Failed to enable LXD clustering: %w", err)
	}

	return waitOp(ctx, op)
}

// LXDIssueToken creates a join token for the named machine on a clustered LXD.
func LXDIssueToken(c lxd.InstanceServer, name string) (string, error) {
	op, err := c.CreateClusterMember(api.ClusterMembersPost{ServerName: name})
	if err != nil {
		return "", err
	}

	opAPI := op.Get()
	token, err := opAPI.ToClusterJoinToken()
	if err != nil {
		return "", fmt.Errorf("LXD returned no join token: %w", err)
	}

	return token.String(), nil
}

// LXDClusterCertificate returns the PEM cluster certificate of a clustered
// LXD, read over its own API (no network connection from the caller).
func LXDClusterCertificate(c lxd.InstanceServer) (string, error) {
	server, _, err := c.GetServer()
	if err != nil {
		return "", err
	}

	if !server.Environment.ServerClustered || server.Environment.Certificate == "" {
		return "", fmt.Errorf("LXD is not clustered")
	}

	return server.Environment.Certificate, nil
}

// LXDJoin makes a standalone LXD join the cluster named in the token.
//
// The sequence that works on LXD 5.0.2 as on 5.21+: the cluster certificate
// comes from a member (checked against the token's fingerprint), and the PUT
// /1.0/cluster carries the raw token as cluster_password, as `lxd init` does,
// plus as cluster_token when the joiner has the explicit_trust_token API
// extension (5.21+; the client library refuses the field otherwise). LXD 5.0.2
// only adds the joiner's certificate to the cluster's trust store when a
// password is given; a PUT with the token alone fails with "Failed to update
// cluster trust: Failed getting existing certificate: not authorized".
func LXDJoin(ctx context.Context, joiner lxd.InstanceServer, token string, clusterCertPEM string, address string, memberConfig []api.ClusterMemberConfigKey) error {
	joinToken, err := shared.JoinTokenDecode(token)
	if err != nil {
		return fmt.Errorf("Invalid LXD join token: %w", err)
	}

	block, _ := pem.Decode([]byte(clusterCertPEM))
	if block == nil {
		return errors.New("Invalid LXD cluster certificate")
	}

	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return fmt.Errorf("Invalid LXD cluster certificate: %w", err)
	}

	if shared.CertFingerprint(cert) != joinToken.Fingerprint {
		return fmt.Errorf("LXD cluster certificate does not match the join token's fingerprint")
	}

	if len(joinToken.Addresses) == 0 {
		return fmt.Errorf("LXD join token names no cluster member")
	}

	// Every member's answer is kept: the first one that took the token
	// consumes it, so the later ones only say "No matching cluster join
	// operation found" and the cause is in an earlier answer.
	var errs []string
	for _, clusterAddress := range joinToken.Addresses {
		put := api.ClusterPut{
			Cluster:            api.Cluster{ServerName: joinToken.ServerName, Enabled: true, MemberConfig: memberConfig},
			ClusterAddress:     clusterAddress,
			ClusterCertificate: clusterCertPEM,
			ServerAddress:      address,
			ClusterPassword:    token,
		}

		if joiner.HasExtension("explicit_trust_token") {
			put.ClusterToken = token
		}

		op, err := joiner.UpdateCluster(put, "")
		if err == nil {
			err = waitOp(ctx, op)
		}

		if err == nil {
			return nil
		}

		errs = append(errs, fmt.Sprintf("via %s: %v", clusterAddress, err))
	}

	return fmt.Errorf("Failed to join the LXD cluster %s", strings.Join(errs, "; "))
}

// waitOp waits for an LXD operation within ctx.
func waitOp(ctx context.Context, op lxd.Operation) error {
	return op.WaitContext(ctx)
}
