//go:build system

package system

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/test/harness"
)

// TestDebianPackage installs the package 'make deb' built (make check
// builds it first) with apt, verifies its systemd unit, forms a 3-node
// cloud in the lab with the installed binaries (not bin/), and purges it:
// no file of the package, and none of its state, is left behind.
func TestDebianPackage(t *testing.T) {
	harness.RequireRoot(t)
	debs, _ := filepath.Glob(filepath.Join(harness.RepoRoot(), "dist", "microcloud_*_amd64.deb"))
	if len(debs) != 1 {
		t.Fatalf("want one package in dist/ (run 'make deb'), found %v", debs)
	}

	res := harness.Run(t, 10*time.Minute, "apt-get", "install", "-y", "-q", "--no-install-recommends", debs[0])
	if res.Code != 0 {
		t.Fatalf("apt-get install %s (%d):\n%s%s", debs[0], res.Code, res.Stdout, res.Stderr)
	}

	listed := strings.Fields(harness.Run(t, time.Minute, "dpkg-query", "-L", "microcloud").Stdout)
	var files []string // the package's own files (its directories are shared: /lib, /usr/share)
	for _, f := range listed {
		if fi, err := os.Lstat(f); err == nil && fi.Mode().IsRegular() {
			files = append(files, f)
		}
	}

	t.Cleanup(func() {
		res := harness.Run(t, 5*time.Minute, "apt-get", "purge", "-y", "-q", "microcloud")
		if res.Code != 0 {
			t.Errorf("apt-get purge (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
			return
		}

		for _, f := range append(files, "/var/lib/microcloud", "/etc/systemd/system/multi-user.target.wants/microcloud.service") {
			if fi, err := os.Lstat(f); err == nil && !fi.IsDir() {
				t.Errorf("%s is left after the purge", f)
			}
		}

		for _, d := range []string{"/var/lib/microcloud", "/usr/share/doc/microcloud"} {
			if _, err := os.Stat(d); err == nil {
				t.Errorf("%s is left after the purge", d)
			}
		}
	})

	for _, want := range []string{"/usr/bin/microcloud", "/usr/sbin/microcloudd", "/lib/systemd/system/microcloud.service",
		"/usr/share/bash-completion/completions/microcloud", "/usr/share/man/man1/microcloud-init.1.gz", "/usr/share/man/man8/microcloudd.8.gz"} {
		if !strings.Contains(" "+strings.Join(files, " ")+" ", " "+want+" ") {
			t.Fatalf("the package lacks %s:\n%s", want, strings.Join(files, "\n"))
		}
	}

	res = harness.Run(t, time.Minute, "systemd-analyze", "verify", "/lib/systemd/system/microcloud.service")
	if res.Code != 0 || strings.TrimSpace(res.Stdout+res.Stderr) != "" {
		t.Fatalf("systemd-analyze verify (%d):\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	// The lab with the installed client and daemon, the lab's own MicroOVN
	// and MicroCeph beside them.
	labBin := t.TempDir()
	links := map[string]string{"microcloud": "/usr/bin/microcloud", "microcloudd": "/usr/sbin/microcloudd"}
	for _, svc := range []string{"lab-microovnd", "lab-microcephd"} {
		links[svc] = filepath.Join(harness.RepoRoot(), "bin", svc)
	}

	for name, target := range links {
		err := os.Symlink(target, filepath.Join(labBin, name))
		if err != nil {
			t.Fatal(err)
		}
	}

	t.Setenv("LAB_BIN", labBin)
	lab := harness.LabUp(t, 3, "")
	runInit(t, lab, cloudSpec{nodes: lab.Nodes, ovn: true, underlay: true, ipv4: true})
	assertCloud(t, lab, cloudSpec{nodes: lab.Nodes, ovn: true, underlay: true, ipv4: true})
	exe := strings.TrimSpace(lab.MustExec(t, 30*time.Second, "micro01", "sh", "-c", "readlink /proc/$(pgrep -o -x microcloudd)/exe; command -v microcloud | xargs readlink -f"))
	if exe != "/usr/sbin/microcloudd\n/usr/bin/microcloud" {
		t.Fatalf("the lab does not run the installed binaries:\n%s", exe)
	}
}
