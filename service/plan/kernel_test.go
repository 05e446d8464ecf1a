package plan

import (
	"fmt"
	"strings"
	"testing"
)

var sprintf = fmt.Sprintf

func TestValidateKernel(t *testing.T) {
	none := map[string]string{"rbd": "", "ceph": "", "dm_crypt": ""}
	all := map[string]string{"rbd": "loadable", "ceph": "loaded", "dm_crypt": "built in"}
	cases := []struct {
		name     string
		kernel   map[string]string
		mutate   func(*Plan)
		errs     []string
		warnings []string
	}{
		{"not looked at", nil, func(p *Plan) { p.Systems[1].CephDisks[0].Encrypt = true }, nil, nil},
		{"everything there", all, func(p *Plan) { p.Systems[1].CephDisks[0].Encrypt = true; p.Ceph.CephFS = true }, nil, nil},
		{"no rbd", none, func(p *Plan) {}, nil, []string{
			"systems[micro02].kernel: the kernel of micro02 has no rbd (not built in, loaded or loadable): the remote pool is created, but instances and volumes on it cannot start there"}},
		{"encryption without dm_crypt", map[string]string{"rbd": "loaded", "ceph": "", "dm_crypt": ""}, func(p *Plan) { p.Systems[1].CephDisks[0].Encrypt = true }, []string{
			"systems[micro02].storage.ceph: loop,2G,1 cannot be encrypted: the kernel of micro02 has no dm_crypt (not built in, loaded or loadable)"}, nil},
		{"CephFS without the ceph module", map[string]string{"rbd": "loaded", "ceph": "", "dm_crypt": ""}, func(p *Plan) { p.Ceph.CephFS = true }, []string{
			"systems[micro02].kernel: CephFS (remote-fs) needs the kernel's ceph module, which micro02 does not have (not built in, loaded or loadable)"}, nil},
		{"no Ceph, nothing asked", none, func(p *Plan) {
			p.Ceph = nil
			for i := range p.Systems {
				p.Systems[i].CephDisks = nil
			}
		}, nil, nil},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := goodPlan()
			f := labFacts("micro01", "micro02", "micro03")
			sys := f.Systems["micro02"]
			sys.Inventory.Kernel = c.kernel
			f.Systems["micro02"] = sys
			c.mutate(&p)
			var errs, warnings []string
			validateKernel(p, f, func(path string, format string, args ...any) {
				errs = append(errs, NewProblem(path, sprintf(format, args...)).String())
			}, func(path string, format string, args ...any) {
				warnings = append(warnings, NewProblem(path, sprintf(format, args...)).String())
			})

			if strings.Join(errs, "\n") != strings.Join(c.errs, "\n") || strings.Join(warnings, "\n") != strings.Join(c.warnings, "\n") {
				t.Fatalf("errors:\n%s\nwarnings:\n%s", strings.Join(errs, "\n"), strings.Join(warnings, "\n"))
			}
		})
	}
}
