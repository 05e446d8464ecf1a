//go:build system

package system

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/test/harness"
)

// TestJoinPicksTheAddressInTheInitiatorsSubnet: a machine with four
// addresses and no default route runs 'microcloud join' without
// --address; it announces itself on each, and once the initiator finds it,
// takes the address in the initiator's subnet and says so.
func TestJoinPicksTheAddressInTheInitiatorsSubnet(t *testing.T) {
	lab := harness.LabUp(t, 2, "lxd,microcloud")
	routes := lab.MustExec(t, 30*time.Second, "micro02", "ip", "route", "show", "default")
	if strings.TrimSpace(routes) != "" {
		lab.MustExec(t, 30*time.Second, "micro02", "ip", "route", "del", "default")
	}

	addrs := strings.Fields(lab.MustExec(t, 30*time.Second, "micro02", "sh", "-c", "ip -o addr show scope global | awk '{print $4}'"))
	if len(addrs) < 4 {
		t.Fatalf("micro02 has %d global addresses, want at least 4: %v", len(addrs), addrs)
	}

	joiner := harness.Start(t, filepath.Join(t.TempDir(), "micro02-join.log"), harness.LabScript(), "exec", "micro02", "microcloud", "join", "--passphrase", passphrase)
	preseed := writePreseed(t, fmt.Sprintf("lookup_subnet: 10.99.0.0/24\ninitiator: micro01\nsession_passphrase: %s\nlookup_timeout: 30\nsystems:\n- name: micro01\n- name: micro02\n", passphrase))
	lab.MustExec(t, 5*time.Minute, "micro01", "microcloud", "init", "--preseed", preseed)
	if exited, err := joiner.Wait(30 * time.Second); !exited || err != nil {
		t.Fatalf("the join (%v, %v):\n%s", exited, err, joiner.Output())
	}

	if !strings.Contains(joiner.Output(), "Using "+harness.MgmtIP("micro02")+" on mgmt0 for MicroCloud: the address in the initiator's subnet") {
		t.Fatalf("the joiner does not say which address it took:\n%s", joiner.Output())
	}

	members := lab.MustExec(t, 30*time.Second, "micro01", "microcloud", "cluster", "list", "-f", "csv")
	if !strings.Contains(members, "micro02,"+harness.MgmtIP("micro02")+":9443") {
		t.Fatalf("micro02's member address:\n%s", members)
	}
}
