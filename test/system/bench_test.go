//go:build system

package system

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/test/harness"
)

// The benchmark (`make bench`, root, the lab): init against the raw floor,
// add, discovery and microcloudd's memory, each figure repeated on fresh
// labs, written as a table (bench.md), JSON (bench.json) and a plot of init
// time against N (bench.png) into $BENCH_OUT. $BENCH_REPEAT (3) and
// $BENCH_SIZES (the OVN-only Ns, "3,5,8,16") and $BENCH_DISCOVERY (the
// joiner counts, "3,8,16") shape it. TestBenchSmoke runs the same code
// once at N = 2 in `make check`, so that it cannot rot.

// benchConfig is what one benchmark run measures.
type benchConfig struct {
	repeat    int
	fullN     int   // the full-stack init, floor against product
	sizes     []int // the OVN-only inits
	discovery []int // joiner counts
	add       bool  // add of 1 and 2 machines to a full-stack cloud of fullN
}

func TestBench(t *testing.T) {
	out := os.Getenv("BENCH_OUT")
	if out == "" {
		t.Skip("BENCH_OUT is not set: run 'make bench'")
	}

	cfg := benchConfig{repeat: 3, fullN: 3, sizes: []int{3, 5, 8, 16}, discovery: []int{3, 8, 16}, add: true}
	if v := os.Getenv("BENCH_REPEAT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("BENCH_REPEAT=%q: not a positive number", v)
		}

		cfg.repeat = n
	}

	cfg.sizes = benchInts(t, "BENCH_SIZES", cfg.sizes)
	cfg.discovery = benchInts(t, "BENCH_DISCOVERY", cfg.discovery)
	// Written after every round, so that a long run that fails late
	// still leaves what it measured.
	runBench(t, cfg, func(r benchReport) { writeBench(t, out, r) })
}

// TestBenchReplot rewrites bench.md and bench.png in $BENCH_OUT from its
// bench.json (BENCH_REPLOT=1), after a change to how they are drawn.
func TestBenchReplot(t *testing.T) {
	out := os.Getenv("BENCH_OUT")
	if out == "" || os.Getenv("BENCH_REPLOT") == "" {
		t.Skip("BENCH_OUT and BENCH_REPLOT are not set")
	}

	data, err := os.ReadFile(filepath.Join(out, "bench.json"))
	if err != nil {
		t.Fatal(err)
	}

	var r benchReport
	err = json.Unmarshal(data, &r)
	if err != nil {
		t.Fatal(err)
	}

	writeBench(t, out, r)
}

// TestBenchSmoke: the benchmark's every kind of figure, once, at N = 2.
func TestBenchSmoke(t *testing.T) {
	dir := t.TempDir()
	report := runBench(t, benchConfig{repeat: 1, fullN: 2, sizes: []int{2}, discovery: []int{1}}, func(r benchReport) { writeBench(t, dir, r) })
	for _, name := range []string{"bench.md", "bench.json", "bench.png"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Fatalf("%s not written: %v", name, err)
		}
	}

	for _, r := range report.Rows {
		// An idle daemon may use no CPU tick at all in the 10 s window
		// (a joiner measured 0.0 %); every other figure is positive.
		if len(r.Samples) == 0 || r.Median < 0 || (r.Median == 0 && r.Unit != "%") {
			t.Fatalf("row %q has no figure: %+v", r.Name, r)
		}
	}
}

func benchInts(t *testing.T, env string, def []int) []int {
	v := os.Getenv(env)
	if v == "" {
		return def
	}

	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: %q is not a positive number", env, v, f)
		}

		out = append(out, n)
	}

	return out
}

// runBench measures every figure of cfg, each on its own fresh lab, and
// hands the report so far to done after every round.
func runBench(t *testing.T, cfg benchConfig, done func(benchReport)) benchReport {
	report := benchReport{Commit: benchCommit(t), Date: time.Now().UTC().Format(time.RFC3339), Repeat: cfg.repeat}
	full := func(n int) cloudSpec {
		nodes := benchNodes(n)
		return cloudSpec{nodes: nodes, ovn: true, underlay: true, ipv4: true, ceph: nodes}
	}

	ovnOnly := func(n int) cloudSpec {
		return cloudSpec{nodes: benchNodes(n), ovn: true, underlay: true, ipv4: true}
	}

	var rss []memSample
	for i := 0; i < cfg.repeat; i++ {
		for _, n := range cfg.discovery {
			listed, verified := benchDiscovery(t, n)
			report.add("product", "discovery: all listed", n, listed)
			report.add("product", "discovery: all verified", n, verified)
		}

		report.add("floor", "init full stack", cfg.fullN, benchInit(t, cfg.fullN, full(cfg.fullN), true, nil))
		report.add("product", "init full stack", cfg.fullN, benchInit(t, cfg.fullN, full(cfg.fullN), false, &rss))
		for _, n := range cfg.sizes {
			report.add("floor", "init OVN only", n, benchInit(t, n, ovnOnly(n), true, nil))
			report.add("product", "init OVN only", n, benchInit(t, n, ovnOnly(n), false, nil))
		}

		if cfg.add {
			for _, k := range []int{1, 2} {
				report.add("product", fmt.Sprintf("add %d to full stack", k), cfg.fullN, benchAdd(t, full(cfg.fullN), k))
			}
		}

		done(report.finished(cfg, rss))
	}

	return report.finished(cfg, rss)
}

// finished is a copy of the report with the memory rows and the derived
// figures added.
func (r benchReport) finished(cfg benchConfig, rss []memSample) benchReport {
	out := r
	out.Rows = nil
	for _, row := range r.Rows {
		row.Samples = append([]float64(nil), row.Samples...)
		out.Rows = append(out.Rows, row)
	}

	if len(out.Rows) > 0 {
		out.Repeat = len(out.Rows[0].Samples)
	}

	out.memory(rss)
	out.derive(cfg)
	return out
}

func benchNodes(n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("micro%02d", i))
	}

	return out
}

func benchCommit(t *testing.T) string {
	res := harness.Run(t, 10*time.Second, "git", "-C", filepath.Dir(harness.LabScript()), "rev-parse", "--short", "HEAD")
	return strings.TrimSpace(res.Stdout)
}

// benchInit forms spec's cloud on a fresh lab, the raw way or with the
// product's `init --preseed`, and returns the wall time of that alone. The
// product's run also samples every microcloudd's memory into rss.
func benchInit(t *testing.T, labN int, spec cloudSpec, floor bool, rss *[]memSample) time.Duration {
	var took time.Duration
	name := fmt.Sprintf("product-%d", len(spec.nodes))
	if floor {
		name = fmt.Sprintf("floor-%d", len(spec.nodes))
	}

	t.Run(name, func(t *testing.T) {
		services := "lxd,microcloud,microovn"
		if len(spec.ceph) > 0 {
			services += ",microceph"
		}

		lab := harness.LabUp(t, labN, services)
		if floor {
			took = floorInit(t, lab, spec)
		} else {
			_, took = runInit(t, lab, spec)
			if rss != nil {
				*rss = append(*rss, sampleMemory(t, lab, spec.nodes)...)
			}
		}

		t.Logf("%s: %s", name, took.Round(10*time.Millisecond))
	})

	if took == 0 {
		t.FailNow()
	}

	return took
}

// benchAdd forms spec's cloud and times `microcloud add --preseed` of k
// more machines.
func benchAdd(t *testing.T, spec cloudSpec, k int) time.Duration {
	var took time.Duration
	t.Run(fmt.Sprintf("add-%d", k), func(t *testing.T) {
		n := len(spec.nodes)
		lab := harness.LabUp(t, n+k, "")
		runInit(t, lab, spec)
		added := lab.Nodes[n:]
		path := writePreseed(t, addPreseedOf(added))
		var joiners []*harness.Process
		for _, node := range added {
			joiners = append(joiners, harness.Start(t, filepath.Join(t.TempDir(), node+"-add.log"), harness.LabScript(), "exec", node, "microcloud", "init", "--preseed", path))
		}

		start := time.Now()
		res := lab.Exec(t, 10*time.Minute, "micro01", "microcloud", "add", "--preseed", path)
		took = time.Since(start)
		if res.Code != 0 {
			t.Fatalf("add failed (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
		}

		for _, j := range joiners {
			if exited, err := j.Wait(30 * time.Second); !exited || err != nil {
				t.Fatalf("a new machine did not join (%v, %v):\n%s", exited, err, j.Output())
			}
		}

		t.Logf("add of %d: %s", k, took.Round(10*time.Millisecond))
	})

	if took == 0 {
		t.FailNow()
	}

	return took
}

// addPreseedOf grows micro01's cloud by nodes, each as addPreseed has it.
func addPreseedOf(nodes []string) string {
	text := addPreseed(nodes[0])
	for _, node := range nodes[1:] {
		one := addPreseed(node)
		text += one[strings.Index(one, "- name: "):]
	}

	return text
}

// benchDiscovery starts n joiners, then the initiator's session, and times
// from the session's start until every joiner is listed, and verified.
func benchDiscovery(t *testing.T, n int) (listed time.Duration, verified time.Duration) {
	t.Run(fmt.Sprintf("discovery-%d", n), func(t *testing.T) {
		lab := harness.LabUp(t, n+1, "lxd,microcloud")
		joiners := lab.Nodes[1:]
		for _, node := range joiners {
			join(t, node, "--passphrase", passphrase, "--address", harness.MgmtIP(node))
		}

		// Every joiner is looking for its initiator before the session
		// starts: the figure is the initiator's part alone.
		time.Sleep(2 * time.Second)
		start := time.Now()
		init := startInitiator(t, lab, types.SessionStart{Address: harness.MgmtIP("micro01"), Passphrase: passphrase})
		init.waitVerified(joiners...)
		init.mu.Lock()
		for _, node := range joiners {
			listed = max(listed, init.listed[node].Sub(start))
			verified = max(verified, init.when[node].Sub(start))
		}

		init.mu.Unlock()
		t.Logf("%d joiners: all listed after %s, all verified after %s", n, listed.Round(time.Millisecond), verified.Round(time.Millisecond))
	})

	if verified == 0 {
		t.FailNow()
	}

	return listed, verified
}
