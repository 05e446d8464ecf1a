//go:build system

package system

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/test/harness"
)

// TestLabDownUnderKills tears the lab down while its processes die at random
// moments, as they do right after a test kills an initiator: `lab down` must
// exit 0 every time and leave nothing behind. The seed is logged, and
// LAB_RACE_SEED replays a run.
func TestLabDownUnderKills(t *testing.T) {
	harness.RequireRoot(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("LAB_RACE_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}

	t.Logf("seed %d (LAB_RACE_SEED replays it)", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	harness.LabDown(t)
	t.Cleanup(func() { harness.LabDown(t) })

	const rounds = 12
	for round := 0; round < rounds; round++ {
		// Every fifth round runs the lab MicroOVN and MicroCeph daemons
		// too, whose OVS, OVN and Ceph children die with them.
		services := "lxd,microcloud"
		if round%5 == 4 {
			services = "lxd,microcloud,microovn,microceph"
		}

		res := harness.Run(t, 3*time.Minute, harness.LabScript(), "up", "2", "--services", services)
		if res.Code != 0 {
			t.Fatalf("round %d: lab up failed: %s", round, res.Describe())
		}

		pids := recordedPIDs(t)
		nsInodes := map[string]bool{}
		for _, node := range []string{"micro01", "micro02"} {
			nsInodes[inode(t, "/run/netns/"+harness.NetnsName(node))] = true
		}

		nsInodes[inode(t, "/run/netns/"+harness.SwitchNetns())] = true

		// Kill some processes before down starts (the killed initiator),
		// then keep killing at random moments while it runs.
		victims := labVictims(t)
		for _, pid := range victims {
			if rng.IntN(3) == 0 {
				killOne(pid, rng)
			}
		}

		done := make(chan struct{})
		killed := make(chan int, 1)
		go func() {
			n := 0
			defer func() { killed <- n }()
			for {
				select {
				case <-done:
					return
				case <-time.After(time.Duration(rng.IntN(100)) * time.Millisecond):
				}

				if v := labVictims(t); len(v) > 0 {
					killOne(v[rng.IntN(len(v))], rng)
					n++
				}
			}
		}()

		start := time.Now()
		res = harness.Run(t, 3*time.Minute, harness.LabScript(), "down")
		close(done)
		n := <-killed
		if res.Code != 0 {
			t.Fatalf("round %d (%s): lab down failed while %d processes were killed under it: %s", round, services, n, res.Describe())
		}

		assertLabGone(t, pids, nsInodes)
		t.Logf("round %d (%s): down in %s, %d processes killed during it", round, services,
			time.Since(start).Round(10*time.Millisecond), n)
	}
}

// labVictims lists the lab's recorded daemons that still run (their start
// time checked, so a recycled PID is never touched) and their children.
func labVictims(t *testing.T) []int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(harness.LabDir(), "pids"))
	if err != nil {
		return nil
	}

	ours := map[int]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}

		pid, _ := strconv.Atoi(f[0])
		if st, ok := procStat(pid); ok && st[19] == f[1] {
			ours[pid] = true
		}
	}

	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []int
	for _, p := range stats {
		pid, _ := strconv.Atoi(strings.Split(p, "/")[2])
		st, ok := procStat(pid)
		if !ok {
			continue
		}

		ppid, _ := strconv.Atoi(st[1])
		if ours[pid] || ours[ppid] {
			out = append(out, pid)
		}
	}

	return out
}

// procStat is /proc/PID/stat after the command name: field 3 of the file
// is element 0.
func procStat(pid int) ([]string, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, false
	}

	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, false
	}

	f := strings.Fields(s[i+1:])
	return f, len(f) > 20
}

func killOne(pid int, rng *rand.Rand) {
	sig := syscall.SIGKILL
	if rng.IntN(2) == 0 {
		sig = syscall.SIGTERM
	}

	_ = syscall.Kill(pid, sig)
}
