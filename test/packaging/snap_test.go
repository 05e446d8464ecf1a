// Package packaging checks the packaging files against the code they ship:
// the snap's apps and plugs, which cannot be built on these machines.
package packaging

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/microcloud-project/microcloud/service"
)

type snapcraft struct {
	Name  string `yaml:"name"`
	Plugs map[string]struct {
		Interface string `yaml:"interface"`
		Target    string `yaml:"target"`
	} `yaml:"plugs"`
	Apps map[string]struct {
		Command   string   `yaml:"command"`
		Daemon    string   `yaml:"daemon"`
		Completer string   `yaml:"completer"`
		Plugs     []string `yaml:"plugs"`
	} `yaml:"apps"`
	Parts map[string]struct {
		OverrideBuild string `yaml:"override-build"`
	} `yaml:"parts"`
}

func readSnap(t *testing.T) snapcraft {
	t.Helper()
	data, err := os.ReadFile("../../snap/snapcraft.yaml")
	if err != nil {
		t.Fatal(err)
	}

	var s snapcraft
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	err = dec.Decode(&s)
	if err != nil {
		t.Fatalf("snap/snapcraft.yaml: %v", err)
	}

	return s
}

// makefileBinaries are the BINARIES the Makefile builds.
func makefileBinaries(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}

	m := regexp.MustCompile(`(?m)^BINARIES\s*:=\s*(.+)$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("the Makefile has no BINARIES line")
	}

	return strings.Fields(string(m[1]))
}

// TestSnapAppsRunBuiltBinaries: every app's command is a binary the
// Makefile builds, installed by the part; the daemon is a service.
func TestSnapAppsRunBuiltBinaries(t *testing.T) {
	s := readSnap(t)
	binaries := makefileBinaries(t)
	build := ""
	for _, p := range s.Parts {
		build += p.OverrideBuild
	}

	for name, app := range s.Apps {
		bin := filepath.Base(app.Command)
		if !slices.Contains(binaries, bin) {
			t.Errorf("app %s runs %s, which the Makefile does not build (BINARIES: %v)", name, app.Command, binaries)
		}

		if !strings.Contains(build, "$CRAFT_PART_INSTALL/"+app.Command) {
			t.Errorf("app %s runs %s, which no part installs", name, app.Command)
		}

		if app.Completer != "" && !strings.Contains(build, "$CRAFT_PART_INSTALL/"+app.Completer) {
			t.Errorf("app %s completes with %s, which no part installs", name, app.Completer)
		}
	}

	if s.Apps["daemon"].Daemon == "" || filepath.Base(s.Apps["daemon"].Command) != "microcloudd" {
		t.Errorf("the daemon app must run microcloudd as a service: %+v", s.Apps["daemon"])
	}
}

// TestSnapPlugsMatchWhatTheDaemonReads: every content plug's target is a
// directory the daemon reads under a snap, and every one it reads is
// mounted; the daemon plugs the interfaces of the services it reaches
// (LXD, MicroOVN, MicroCeph) and every plug it declares.
func TestSnapPlugsMatchWhatTheDaemonReads(t *testing.T) {
	s := readSnap(t)
	var targets []string
	for name, plug := range s.Plugs {
		if plug.Interface != "content" {
			continue
		}

		target, ok := strings.CutPrefix(plug.Target, "$SNAP_DATA/")
		if !ok {
			t.Errorf("plug %s mounts at %s, outside $SNAP_DATA, where the daemon does not look", name, plug.Target)
			continue
		}

		targets = append(targets, target)
	}

	want := service.SnapPlugTargets()
	sort.Strings(targets)
	sort.Strings(want)
	if !slices.Equal(targets, want) {
		t.Errorf("content plug targets %v, but the daemon reads %v (service/paths.go)", targets, want)
	}

	daemon := s.Apps["daemon"].Plugs
	for _, p := range []string{"lxd", "microovn", "microceph", "network", "network-bind"} {
		if !slices.Contains(daemon, p) {
			t.Errorf("the daemon does not plug %s", p)
		}
	}

	for name := range s.Plugs {
		if !slices.Contains(daemon, name) {
			t.Errorf("plug %s is declared but the daemon does not use it", name)
		}
	}

	// Under the snap the daemon's defaults are the other snaps' paths.
	t.Setenv("SNAP_COMMON", "/var/snap/microcloud/common")
	t.Setenv("SNAP_DATA", "/var/snap/microcloud/x1")
	t.Setenv("MICROCLOUD_STATE_DIR", "")
	p := service.DefaultPaths()
	if p.MicroCloudStateDir != service.SnapMicroCloudStateDir || p.MicroOVNStateDir != service.SnapMicroOVNStateDir || p.MicroCephStateDir != service.SnapMicroCephStateDir {
		t.Errorf("snap defaults %+v", p)
	}

	if got := p.OVNPKIDirs()[0]; got != "/var/snap/microcloud/x1/"+service.SnapOVNCertificatesTarget+"/pki" {
		t.Errorf("MicroOVN's certificates are first looked for in %s", got)
	}

	if got := p.CephConfDirs()[0]; got != "/var/snap/microcloud/x1/"+service.SnapCephConfTarget+"/conf" {
		t.Errorf("MicroCeph's conf is first looked for in %s", got)
	}
}
