//go:build system

package system

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/canonical/lxd/shared/api"

	"github.com/microcloud-project/microcloud/test/harness"
	"github.com/microcloud-project/microcloud/test/labovn"
)

// assertLXDFollowsOVNCertificates has a member's MicroOVN issue itself a new
// client certificate, as 'microovn certificates reissue client' does, and
// checks that the member's microcloudd gives it to LXD (the lab's Debian
// LXD reads /etc/ovn) and that LXD's files still reach the northbound
// database with it.
func assertLXDFollowsOVNCertificates(t *testing.T, lab *harness.Lab, node string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := ovnApp(t, lab, node).LocalClient()
	if err != nil {
		t.Fatal(err)
	}

	pki := filepath.Join(lab.NodeDir(node), "microovn", "data", "pki", "client-cert.pem")
	before, err := os.ReadFile(pki)
	if err != nil {
		t.Fatal(err)
	}

	var issued labovn.IssueCertificateResponse
	err = c.Query(ctx, "PUT", "1.0", api.NewURL().Path("certificates", "client"), nil, &issued)
	if err != nil || len(issued.Success) != 1 || issued.Success[0] != "client" {
		t.Fatalf("reissue the client certificate: %+v, %v", issued, err)
	}

	after, err := os.ReadFile(pki)
	if err != nil || string(after) == string(before) {
		t.Fatalf("MicroOVN's client certificate did not change (%v)", err)
	}

	start := time.Now()
	harness.Eventually(t, 30*time.Second, 500*time.Millisecond, "LXD's /etc/ovn/cert_host on "+node+" to be the new certificate", func() error {
		placed := lab.MustExec(t, 10*time.Second, node, "cat", "/etc/ovn/cert_host")
		if strings.TrimSpace(placed) != strings.TrimSpace(string(after)) {
			return fmt.Errorf("still the old one")
		}

		return nil
	})
	t.Logf("LXD had MicroOVN's new client certificate after %s", time.Since(start).Round(100*time.Millisecond))

	nb := lab.MustExec(t, 10*time.Second, node, "lxc", "config", "get", "network.ovn.northbound_connection")
	routers := lab.MustExec(t, 30*time.Second, node, "ovn-nbctl", "--db="+strings.TrimSpace(nb), "-p", "/etc/ovn/key_host",
		"-c", "/etc/ovn/cert_host", "-C", "/etc/ovn/ovn-central.crt", "--timeout=20", "lr-list")
	if !strings.Contains(routers, "lxd-net") {
		t.Fatalf("LXD's certificates list no LXD router:\n%s", routers)
	}
}
