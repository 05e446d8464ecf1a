package service

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"testing"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/shared"
	"github.com/canonical/lxd/shared/api"
)

// joinerLXD records the join request; it has explicit_trust_token or not.
type joinerLXD struct {
	lxd.InstanceServer
	trustToken bool
	put        api.ClusterPut
}

func (j *joinerLXD) HasExtension(name string) bool {
	return name == "explicit_trust_token" && j.trustToken
}

func (j *joinerLXD) UpdateCluster(put api.ClusterPut, _ string) (lxd.Operation, error) {
	j.put = put
	return doneOp{}, nil
}

type doneOp struct{ lxd.Operation }

func (doneOp) WaitContext(context.Context) error { return nil }

// TestLXDJoinSendsTheTokenBothWays: the token goes as cluster_password to
// every LXD (5.0.2 adds the joiner's certificate only then), and also as
// cluster_token to one with explicit_trust_token (5.21.3+; the client
// library refuses the field without it). The lab's LXD 5.0.2 proves the
// first side for real (TestLabLXDCluster, TestLabLXDBareTokenJoin).
func TestLXDJoinSendsTheTokenBothWays(t *testing.T) {
	certPEM, _, err := shared.GenerateMemCert(false, shared.CertOptions{CommonName: "micro01"})
	if err != nil {
		t.Fatal(err)
	}

	block, _ := pem.Decode(certPEM)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}

	token := (&api.ClusterMemberJoinToken{ServerName: "micro02", Fingerprint: shared.CertFingerprint(cert),
		Addresses: []string{"10.99.0.11:8443"}, Secret: "s3cret"}).String()
	for _, tc := range []struct {
		name       string
		trustToken bool
		wantToken  string
	}{
		{"LXD 5.0.2 and 5.21.0: no explicit_trust_token", false, ""},
		{"LXD 5.21.3+: explicit_trust_token", true, token},
	} {
		t.Run(tc.name, func(t *testing.T) {
			joiner := &joinerLXD{trustToken: tc.trustToken}
			err := LXDJoin(context.Background(), joiner, token, string(certPEM), "10.99.0.12:8443", nil)
			if err != nil {
				t.Fatal(err)
			}

			if joiner.put.ClusterPassword != token || joiner.put.ClusterToken != tc.wantToken {
				t.Fatalf("cluster_password %q, cluster_token %q", joiner.put.ClusterPassword, joiner.put.ClusterToken)
			}

			if joiner.put.ServerName != "micro02" || joiner.put.ClusterAddress != "10.99.0.11:8443" || joiner.put.ServerAddress != "10.99.0.12:8443" {
				t.Fatalf("join request %+v", joiner.put)
			}
		})
	}
}
