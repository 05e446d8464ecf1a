package preseed

import (
	"net"
	"reflect"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
)

// FuzzParse feeds arbitrary files through everything a file goes through.
// Nothing may panic; and a file that yields a plan plan.Validate accepts
// must survive FromPlan and back unchanged.
//
//	go test -tags libsqlite3 -run='^$' -fuzz=FuzzParse -fuzztime=20s ./preseed/
func FuzzParse(f *testing.F) {
	for _, name := range []string{"example-a-1x-init.yaml", "example-b-init.yaml", "example-c-add.yaml"} {
		f.Add(readExample(f, name))
	}

	for _, tc := range badPreseeds {
		f.Add([]byte(tc.yaml))
	}

	facts := testFacts(4)
	local := []net.IP{net.ParseIP("10.93.0.12")}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, ps := Load(data, "")
		if file == nil {
			if len(ps) == 0 {
				t.Fatal("no file and no problem")
			}

			return
		}

		_, _ = file.Role("micro01", local)
		_, _ = file.LocalAddress("micro01", local)
		_ = file.Mode("")
		_, _ = file.Timeouts()
		p, planProblems := ToPlan(file, facts, "micro01")
		if len(ps) > 0 || len(planProblems) > 0 {
			return
		}

		errs, _ := plan.Validate(p, facts)
		if len(errs) > 0 {
			return
		}

		// Unicast form: the addresses are written, so the round trip does
		// not depend on the facts.
		session := SessionOptions{Passphrase: "fuzz"}
		if p.Mode == plan.ModeAdd {
			session.InitiatorAddress = "10.93.0.12"
		}

		out, err := FromPlan(p, session)
		if err != nil {
			t.Fatalf("FromPlan of a valid plan: %v", err)
		}

		again, ps := Load(out, "")
		if len(ps) > 0 {
			t.Fatalf("FromPlan wrote a file with problems: %v\n%s", ps, out)
		}

		p2, ps := ToPlan(again, facts, "micro01")
		if len(ps) > 0 || !reflect.DeepEqual(p, p2) {
			t.Fatalf("round trip changed the plan (%v):\n got %+v\nwant %+v\n%s", ps, p2, p, out)
		}
	})
}

// FuzzFilter feeds arbitrary expressions to the filter language: no panic,
// and an expression that parses matches every disk without error.
//
//	go test -tags libsqlite3 -run='^$' -fuzz=FuzzFilter -fuzztime=20s ./preseed/
func FuzzFilter(f *testing.F) {
	for _, seed := range []string{
		"device_id == *lxd_disk1",
		"size > 10GiB && type == nvme",
		"! read_only == true || model == 'QEMU HARDDISK'",
		`model == "Samsung SSD 970 EVO Plus (1TB)"`,
		`used_by == '["held by dm-0"]'`,
		"id == sd[b-d] && numa_node <= 1",
		"device_path == pci-% && size >= 512MB",
		"serial != ^S4 && wwn == .*",
		"type == nvme &&",
		`model == "unterminated`,
		"size.x == 1",
	} {
		f.Add(seed)
	}

	held := freeDisk(2)
	held.UsedBy = []string{"held by dm-0"}
	disks := []types.Disk{{}, rootDisk(), freeDisk(1), held}
	f.Fuzz(func(t *testing.T, expr string) {
		flt, err := ParseFilter(expr)
		if err != nil {
			return
		}

		if flt.String() != expr {
			t.Fatalf("String() = %q, want %q", flt.String(), expr)
		}

		for _, d := range disks {
			_, err := flt.Match(d)
			if err != nil {
				t.Fatalf("%q parsed but cannot match %s: %v", expr, d.ID, err)
			}
		}
	})
}
