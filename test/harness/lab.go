package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/client"
)

// LabDir is where the lab keeps its state (the lab script's LAB_DIR).
func LabDir() string {
	if dir := os.Getenv("LAB_DIR"); dir != "" {
		return dir
	}

	return "/var/lib/microcloud-lab" + labSuffix()
}

// labSuffix distinguishes side-by-side labs (LAB_ID).
func labSuffix() string {
	if id := os.Getenv("LAB_ID"); id != "" {
		return "-" + id
	}

	return ""
}

// NetnsName is the network namespace of a node ("micro01", or "<LAB_ID>-micro01").
func NetnsName(node string) string {
	if id := os.Getenv("LAB_ID"); id != "" {
		return id + "-" + node
	}

	return node
}

// NSDir holds the files that keep the nodes' mount and UTS namespaces.
func NSDir() string {
	return "/run/microcloud-lab" + labSuffix()
}

// SwitchNetns is the lab's switch namespace.
func SwitchNetns() string {
	return "mclab-sw" + labSuffix()
}

// Lab is a running lab of nodes micro01..micro0N.
type Lab struct {
	Nodes []string
}

// LabScript is the lab's command.
func LabScript() string {
	return filepath.Join(RepoRoot(), "test", "lab", "lab")
}

// LabUp brings up a fresh lab of n nodes (after clearing any leftover one)
// and tears it down when the test ends. services is the lab's --services
// list; empty means every service that is built. Set LAB_KEEP=1 to keep the
// lab after a failed test for inspection.
func LabUp(t testing.TB, n int, services string) *Lab {
	t.Helper()
	RequireRoot(t)
	LabDown(t)

	args := []string{"up", fmt.Sprint(n)}
	if services != "" {
		args = append(args, "--services", services)
	}

	start := time.Now()
	res := Run(t, 5*time.Minute, LabScript(), args...)
	if res.Code != 0 {
		t.Fatalf("lab up failed: %s", res.Describe())
	}

	t.Logf("lab up %d: %s", n, time.Since(start).Round(10*time.Millisecond))
	lab := &Lab{}
	for i := 1; i <= n; i++ {
		lab.Nodes = append(lab.Nodes, fmt.Sprintf("micro%02d", i))
	}

	t.Cleanup(func() {
		if t.Failed() {
			lab.DumpLogs(t)
			if os.Getenv("LAB_KEEP") != "" {
				t.Logf("LAB_KEEP set: lab left up")
				return
			}
		}

		LabDown(t)
	})

	return lab
}

// LabDown tears the lab down (idempotent).
func LabDown(t testing.TB) {
	t.Helper()
	res := Run(t, 3*time.Minute, LabScript(), "down")
	if res.Code != 0 {
		t.Fatalf("lab down failed: %s", res.Describe())
	}
}

// NodeDir is a node's private directory.
func (l *Lab) NodeDir(node string) string {
	return filepath.Join(LabDir(), "nodes", node)
}

// Exec runs a command inside a node (its network, mounts and host name).
func (l *Lab) Exec(t testing.TB, timeout time.Duration, node string, args ...string) Result {
	t.Helper()
	return Run(t, timeout, LabScript(), append([]string{"exec", node}, args...)...)
}

// MustExec is Exec that fails the test on a non-zero status.
func (l *Lab) MustExec(t testing.TB, timeout time.Duration, node string, args ...string) string {
	t.Helper()
	res := l.Exec(t, timeout, node, args...)
	if res.Code != 0 {
		t.Fatalf("%s: %s failed (%d):\n%s%s", node, strings.Join(args, " "), res.Code, res.Stdout, res.Stderr)
	}

	return res.Stdout
}

// Client talks to a node's microcloudd over its control socket (a unix
// socket, so it is safe from the root namespace).
func (l *Lab) Client(t testing.TB, node string) *client.Client {
	t.Helper()
	c, err := client.Local(filepath.Join(l.NodeDir(node), "microcloud"))
	if err != nil {
		t.Fatal(err)
	}

	return c
}

// MgmtIP is a node's management address.
func MgmtIP(node string) string {
	var i int
	_, _ = fmt.Sscanf(node, "micro%d", &i)
	return fmt.Sprintf("10.99.0.%d", 10+i)
}

// DumpLogs prints the tail of every daemon log of every node.
func (l *Lab) DumpLogs(t testing.TB) {
	for _, node := range l.Nodes {
		logs, _ := filepath.Glob(filepath.Join(l.NodeDir(node), "log", "*.log"))
		more, _ := filepath.Glob(filepath.Join(l.NodeDir(node), "*", "logs", "*"))
		logs = append(logs, more...)
		for _, f := range logs {
			data, err := os.ReadFile(f)
			if err != nil {
				continue
			}

			lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
			if len(lines) > 40 {
				lines = lines[len(lines)-40:]
			}

			t.Logf("==> %s/%s <==\n%s", node, filepath.Base(f), strings.Join(lines, "\n"))
		}
	}
}
