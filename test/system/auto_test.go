//go:build system

package system

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/test/harness"
)

// runAuto runs `microcloud init --auto` on micro01 while the other nodes
// join with the passphrase, and returns its output.
func runAuto(t *testing.T, lab *harness.Lab, args ...string) string {
	t.Helper()
	joiners := joinAll(t, lab.Nodes[1:])
	// --auto takes whoever is verified when its window closes: the joiners
	// are announcing before it opens.
	for _, j := range joiners {
		harness.Eventually(t, time.Minute, 50*time.Millisecond, "a joiner announcing itself", func() error {
			if !strings.Contains(j.Output(), "Joining as") {
				return fmt.Errorf("not yet:\n%s", j.Output())
			}

			return nil
		})
	}

	res := lab.Exec(t, 10*time.Minute, "micro01", append([]string{"microcloud", "init", "--auto", "--passphrase", passphrase, "--lookup-timeout", "8s", "--address", harness.MgmtIP("micro01")}, args...)...)
	if res.Code != 0 {
		t.Fatalf("init --auto failed (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	for _, j := range joiners {
		if exited, err := j.Wait(30 * time.Second); !exited || err != nil {
			t.Fatalf("joiner: %v %v\n%s", exited, err, j.Output())
		}
	}

	return res.Stdout
}

// TestInitAuto: three machines join with the passphrase and --auto forms
// the cloud with the defaults, printing the plan it chose first.
func TestInitAuto(t *testing.T) {
	lab := harness.LabUp(t, 3, "lxd,microcloud,microovn")
	out := runAuto(t, lab, "--ovn-ipv4-gateway", "10.96.0.1/24", "--ovn-ipv4-range", "10.96.0.100-10.96.0.150")
	for _, want := range []string{"Chosen: distributed networking: OVN on each system's only eligible uplink interface", "MicroCloud will be formed of 3 systems", "MicroCloud is ready"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}

	if strings.Index(out, "MicroCloud will be formed") > strings.Index(out, "bootstrapping") {
		t.Fatalf("the plan was not printed before the work:\n%s", out)
	}

	assertCloud(t, lab, cloudSpec{nodes: lab.Nodes, ovn: true, ipv4: true})
}

// TestInitAutoBridgeFallback: a machine whose only uplink candidate has an
// address cannot carry OVN; --auto says so and gives every machine a bridge.
func TestInitAutoBridgeFallback(t *testing.T) {
	lab := harness.LabUp(t, 2, "lxd,microcloud,microovn")
	lab.MustExec(t, 30*time.Second, "micro02", "ip", "addr", "add", "10.96.0.202/24", "dev", "uplink0")
	out := runAuto(t, lab, "--ovn-ipv4-gateway", "10.96.0.1/24", "--ovn-ipv4-range", "10.96.0.100-10.96.0.150")
	if !strings.Contains(out, "no distributed networking: not exactly one eligible uplink interface on micro02; a local bridge is used") {
		t.Fatalf("the fallback is not stated:\n%s", out)
	}

	assertCloud(t, lab, cloudSpec{nodes: lab.Nodes})
}
