// Package arch holds the architecture test: the import graph of the
// product's packages must point down the layers, and the packages of pure
// logic must not depend on cgo.
package arch

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/microcloud-project/microcloud/"

// layers, lowest first. A package may import packages of its own layer or
// of lower ones, never of a higher one. Every product package must be
// listed, so that a new one is placed on purpose.
var layers = [][]string{
	// Wire types and leaves: no I/O of the product's own.
	{"api/types", "version", "multicast", "daemon/trust"},
	// Rules: the Plan and its validator, facts about machines, reports.
	{"service/plan", "service/inventory", "service/report"},
	// Formats that become Plans.
	{"preseed"},
	// Clients of the daemon and adapters of the services.
	{"client", "service", "service/microceph", "service/microovn", "service/control", "service/recovery"},
	// Use cases: gathering facts and executing Plans.
	{"service/setup", "service/shrink", "service/health"},
	// Front ends of the terminal.
	{"tui", "tui/wizard", "tui/clidoc"},
	// The use cases of the cloud's life, over the front ends.
	{"lifecycle"},
	// The daemon.
	{"daemon/session", "daemon"},
	// Binaries.
	{"cmd/microcloud", "cmd/microcloudd"},
}

// pure packages must build and test without cgo (CGO_ENABLED=0).
var pure = []string{"api/types", "service/plan", "service/report", "preseed", "tui", "tui/wizard", "tui/clidoc"}

type pkg struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

func list(t *testing.T, args ...string) []pkg {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json"}, args...)...)
	cmd.Dir = "../.."
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, errOut.String())
	}

	var pkgs []pkg
	dec := json.NewDecoder(&out)
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}

		pkgs = append(pkgs, p)
	}

	return pkgs
}

func TestImportsPointDown(t *testing.T) {
	layerOf := map[string]int{}
	for i, l := range layers {
		for _, p := range l {
			layerOf[p] = i
		}
	}

	for _, p := range list(t, "./...") {
		name := strings.TrimPrefix(p.ImportPath, module)
		if strings.HasPrefix(name, "test/") {
			continue
		}

		own, ok := layerOf[name]
		if !ok {
			t.Errorf("%s is in no layer: add it to the layers of this test", name)
			continue
		}

		for _, imp := range append(append(p.Imports, p.TestImports...), p.XTestImports...) {
			if !strings.HasPrefix(imp, module) {
				continue
			}

			dep := strings.TrimPrefix(imp, module)
			if strings.HasPrefix(dep, "test/") {
				t.Errorf("%s imports the test package %s", name, dep)
				continue
			}

			if layerOf[dep] > own {
				t.Errorf("%s (layer %d) imports %s from the higher layer %d", name, own, dep, layerOf[dep])
			}
		}
	}
}

// TestPurePackagesNeedNoCgo type-checks the pure packages and their tests
// with cgo off: a dependency on dqlite, microcluster or anything else that
// needs cgo fails here. (Optional cgo files, as in LXD's shared package, do
// not count: those packages build without them.)
func TestPurePackagesNeedNoCgo(t *testing.T) {
	args := []string{"vet"}
	for _, p := range pure {
		args = append(args, "./"+p)
	}

	cmd := exec.Command("go", args...)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("with CGO_ENABLED=0, go vet %v: %v\n%s", pure, err, out)
	}
}
