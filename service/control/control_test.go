package control

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A --service-control program gets "stop|start DAEMON", and its failure
// comes back with what it said.
func TestCommand(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	program := filepath.Join(dir, "control")
	script := "#!/bin/sh\necho \"$@\" >> " + log + "\n[ \"$2\" != lxd ] || { echo 'no LXD here' >&2; exit 3; }\n"
	err := os.WriteFile(program, []byte(script), 0o755)
	if err != nil {
		t.Fatal(err)
	}

	c := New(program)
	ctx := context.Background()
	if err := c.Stop(ctx, MicroOVN); err != nil {
		t.Fatal(err)
	}

	if err := c.Start(ctx, CephMon); err != nil {
		t.Fatal(err)
	}

	err = c.Stop(ctx, LXD)
	if err == nil || !strings.Contains(err.Error(), "stop lxd") || !strings.Contains(err.Error(), "no LXD here") {
		t.Fatalf("a failing program: %v", err)
	}

	calls, _ := os.ReadFile(log)
	if got := string(calls); got != "stop microovn\nstart microceph-mon\nstop lxd\n" {
		t.Fatalf("calls:\n%s", got)
	}
}

func TestSystemdUnits(t *testing.T) {
	if _, ok := New("").(Systemd); !ok {
		t.Fatal("no program: not systemd")
	}

	for _, d := range []Daemon{MicroCloud, MicroOVN, MicroOVNCentral, MicroCeph, CephMon, LXD} {
		units, err := snapUnits(d)
		if err != nil || len(units) == 0 {
			t.Fatalf("%s: %q %v", d, units, err)
		}

		for _, unit := range units {
			if !(strings.HasPrefix(unit, "snap.") || d == MicroCloud) || !strings.HasSuffix(unit, ".service") {
				t.Fatalf("%s: %q", d, unit)
			}
		}
	}

	if _, err := snapUnits("bogus"); err == nil {
		t.Fatal("an unknown daemon has a unit")
	}
}
