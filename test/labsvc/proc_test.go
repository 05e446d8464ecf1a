package labsvc

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A supervised program is found through its PID file, even though the file
// only names it by PID and start time, and is stopped.
func TestProcLifecycle(t *testing.T) {
	dir := t.TempDir()
	p := Proc{Name: "sleeper", PidFile: filepath.Join(dir, "p.pid"), LogFile: filepath.Join(dir, "p.log"), Command: []string{"sleep", "60"}}
	if p.Alive() {
		t.Fatal("alive before start")
	}

	err := p.Start()
	if err != nil {
		t.Fatal(err)
	}

	pid, ok := p.Pid()
	if !ok {
		t.Fatal("not found after start")
	}

	err = p.Start()
	if err != nil {
		t.Fatal(err)
	}

	if again, _ := p.Pid(); again != pid {
		t.Fatal("a second start replaced the running program")
	}

	// A PID file naming a live process with another start time is stale.
	err = os.WriteFile(filepath.Join(dir, "stale.pid"), []byte("1 12345\n"), 0o600)
	if err != nil {
		t.Fatal(err)
	}

	stale := Proc{Name: "stale", PidFile: filepath.Join(dir, "stale.pid"), Command: []string{"init"}}
	if stale.Alive() {
		t.Fatal("PID 1 with a wrong start time taken for ours")
	}

	err = p.Stop(5 * time.Second)
	if err != nil || p.Alive() {
		t.Fatalf("stop: %v", err)
	}

	failing := Proc{Name: "false", PidFile: filepath.Join(dir, "f.pid"), LogFile: filepath.Join(dir, "f.log"), Command: []string{"false"}}
	if err := failing.Start(); err == nil {
		t.Fatal("a program that exits at once must fail Start")
	}
}
