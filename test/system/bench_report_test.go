//go:build system

package system

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/test/harness"
)

// benchRow is one figure: its samples (seconds, or MB for memory), with
// their median, min and max.
type benchRow struct {
	Kind    string    `json:"kind"` // floor, product, ratio, derived, memory
	Name    string    `json:"name"`
	N       int       `json:"n"`
	Unit    string    `json:"unit"`
	Samples []float64 `json:"samples"`
	Median  float64   `json:"median"`
	Min     float64   `json:"min"`
	Max     float64   `json:"max"`
	// Target is the bound for this figure, if it has one.
	Target string `json:"target,omitempty"`
}

type benchReport struct {
	Commit string     `json:"commit"`
	Date   string     `json:"date"`
	Repeat int        `json:"repeat"`
	Rows   []benchRow `json:"rows"`
}

func (r *benchReport) row(kind string, name string, n int, unit string) *benchRow {
	for i := range r.Rows {
		if row := &r.Rows[i]; row.Kind == kind && row.Name == name && row.N == n {
			return row
		}
	}

	r.Rows = append(r.Rows, benchRow{Kind: kind, Name: name, N: n, Unit: unit})
	return &r.Rows[len(r.Rows)-1]
}

func (r *benchReport) add(kind string, name string, n int, d time.Duration) {
	r.addValue(kind, name, n, "s", d.Seconds())
}

func (r *benchReport) addValue(kind string, name string, n int, unit string, v float64) {
	row := r.row(kind, name, n, unit)
	row.Samples = append(row.Samples, v)
	row.summarise()
}

func (b *benchRow) summarise() {
	s := append([]float64(nil), b.Samples...)
	sort.Float64s(s)
	b.Min, b.Max = s[0], s[len(s)-1]
	b.Median = s[len(s)/2]
	if len(s)%2 == 0 {
		b.Median = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
}

func (r *benchReport) find(kind string, name string, n int) (benchRow, bool) {
	for _, row := range r.Rows {
		if row.Kind == kind && row.Name == name && row.N == n {
			return row, true
		}
	}

	return benchRow{}, false
}

// derive adds the ratios of product to floor, the marginal cost of a node
// between the two largest OVN-only sizes, and the targets.
func (r *benchReport) derive(cfg benchConfig) {
	var ratios []benchRow
	for _, row := range r.Rows {
		if row.Kind != "product" || !strings.HasPrefix(row.Name, "init") {
			continue
		}

		floor, ok := r.find("floor", row.Name, row.N)
		if !ok || floor.Median == 0 {
			continue
		}

		ratio := benchRow{Kind: "ratio", Name: row.Name + ": product / floor", N: row.N, Unit: "×"}
		for i := range row.Samples {
			if i < len(floor.Samples) {
				ratio.Samples = append(ratio.Samples, row.Samples[i]/floor.Samples[i])
			}
		}

		ratio.summarise()
		if row.Name == "init full stack" {
			ratio.Target = "≤ 0.8"
		}

		ratios = append(ratios, ratio)
	}

	r.Rows = append(r.Rows, ratios...)
	sizes := append([]int(nil), cfg.sizes...)
	sort.Ints(sizes)
	if len(sizes) >= 2 {
		a, b := sizes[len(sizes)-2], sizes[len(sizes)-1]
		for _, kind := range []string{"floor", "product"} {
			ra, okA := r.find(kind, "init OVN only", a)
			rb, okB := r.find(kind, "init OVN only", b)
			if !okA || !okB {
				continue
			}

			m := benchRow{Kind: "derived", Name: fmt.Sprintf("%s: marginal cost per node, OVN only, N %d→%d", kind, a, b), N: b, Unit: "s"}
			for i := range rb.Samples {
				if i < len(ra.Samples) {
					m.Samples = append(m.Samples, (rb.Samples[i]-ra.Samples[i])/float64(b-a))
				}
			}

			m.summarise()
			if kind == "product" {
				m.Target = "≤ 1 s at N = 16"
			}

			r.Rows = append(r.Rows, m)
		}
	}

	for i := range r.Rows {
		row := &r.Rows[i]
		switch {
		case row.Name == "discovery: all listed" && row.N == 16:
			row.Target = "≤ 1 s"
		case row.Name == "microcloudd peak RSS, joiners":
			row.Target = "≤ 64 MB"
		case row.Name == "microcloudd idle RSS, joiners":
			row.Target = "≤ 50 MB"
		}
	}
}

// memSample is one microcloudd's memory and CPU after a product init.
type memSample struct {
	Initiator      bool
	PeakMB, IdleMB float64
	IdleCPU        float64 // percent of one core
}

// benchIdle is how long microcloudd is left alone before its idle memory
// and CPU are read, and the window the CPU is measured over.
const (
	benchIdle      = 30 * time.Second
	benchCPUWindow = 10 * time.Second
)

// sampleMemory reads every node's microcloudd after a quiet while: its
// RSS and CPU use then, and its peak RSS (VmHWM) over its whole life.
func sampleMemory(t *testing.T, lab *harness.Lab, nodes []string) []memSample {
	t.Helper()
	pids := map[string]int{}
	for _, node := range nodes {
		pids[node] = labPID(t, node, "microcloudd")
	}

	time.Sleep(benchIdle)
	before := map[string]float64{}
	for _, node := range nodes {
		before[node] = procCPUSeconds(t, pids[node])
	}

	time.Sleep(benchCPUWindow)
	var out []memSample
	for _, node := range nodes {
		cpu := (procCPUSeconds(t, pids[node]) - before[node]) / benchCPUWindow.Seconds() * 100
		out = append(out, memSample{Initiator: node == nodes[0], PeakMB: procStatusMB(t, pids[node], "VmHWM"), IdleMB: procStatusMB(t, pids[node], "VmRSS"), IdleCPU: cpu})
	}

	return out
}

func procStatusMB(t *testing.T, pid int, field string) float64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}

	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseFloat(strings.Fields(rest)[0], 64)
			if err != nil {
				t.Fatal(err)
			}

			return kb / 1024
		}
	}

	t.Fatalf("/proc/%d/status has no %s", pid, field)
	return 0
}

// procCPUSeconds is a process' user and system time (utime, stime: the
// 14th and 15th fields of /proc/PID/stat, in clock ticks of 1/100 s).
func procCPUSeconds(t *testing.T, pid int) float64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}

	// The command name may hold spaces: count from its closing parenthesis.
	fields := strings.Fields(string(data)[strings.LastIndex(string(data), ")")+2:])
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	return (utime + stime) / 100
}

// memory adds the memory rows: initiator and joiners apart.
func (r *benchReport) memory(samples []memSample) {
	for _, s := range samples {
		who := "joiners"
		if s.Initiator {
			who = "initiator"
		}

		r.addValue("memory", "microcloudd peak RSS, "+who, 0, "MB", s.PeakMB)
		r.addValue("memory", "microcloudd idle RSS, "+who, 0, "MB", s.IdleMB)
		r.addValue("memory", "microcloudd idle CPU, "+who, 0, "%", s.IdleCPU)
	}
}

// writeBench writes the report as bench.md, bench.json and bench.png.
func writeBench(t *testing.T, dir string, r benchReport) {
	t.Helper()
	err := os.MkdirAll(dir, 0o755)
	if err != nil {
		t.Fatal(err)
	}

	table := r.table()
	t.Logf("\n%s", table)
	data, err := json.MarshalIndent(r, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "bench.json"), append(data, '\n'), 0o644)
	}

	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "bench.md"), []byte(table), 0o644)
	}

	if err == nil {
		err = writeBenchPlot(filepath.Join(dir, "bench.png"), r)
	}

	if err != nil {
		t.Fatal(err)
	}
}

func (r benchReport) table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Benchmark at commit %s, %s; each figure the median of %d run(s), each on a fresh lab.\n\n", r.Commit, r.Date, r.Repeat)
	b.WriteString("| what | N | median | min | max | target |\n|---|---|---|---|---|---|\n")
	for _, row := range r.Rows {
		n := ""
		if row.N > 0 {
			n = strconv.Itoa(row.N)
		}

		name := row.Name
		if row.Kind == "floor" || row.Kind == "product" {
			name = row.Kind + ": " + name
		}

		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", name, n, benchFmt(row.Median, row.Unit), benchFmt(row.Min, row.Unit), benchFmt(row.Max, row.Unit), row.Target)
	}

	return b.String()
}

func benchFmt(v float64, unit string) string {
	switch unit {
	case "×":
		return fmt.Sprintf("%.2f×", v)
	case "%":
		return fmt.Sprintf("%.1f %%", v)
	case "MB":
		return fmt.Sprintf("%.0f MB", v)
	}

	return fmt.Sprintf("%.2f s", v)
}
