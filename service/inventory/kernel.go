package inventory

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// Kernel features Ceph needs on a machine, by module name: rbd maps the
// remote pool's volumes for instances, ceph mounts CephFS (remote-fs),
// dm_crypt opens encrypted OSDs.
var kernelModules = []string{"rbd", "ceph", "dm_crypt"}

// How a kernel feature is available.
const (
	KernelBuiltIn  = "built in"
	KernelLoaded   = "loaded"
	KernelLoadable = "loadable"
)

// Kernel says, for each feature Ceph needs, how this machine's kernel has
// it (built in, loaded, loadable), or "" when it has not. root is "/" but
// for tests. A module that is only loadable counts: Ubuntu loads rbd on
// first use.
func Kernel(root string) map[string]string {
	release := strings.TrimSpace(readFile(filepath.Join(root, "proc/sys/kernel/osrelease")))
	modules := filepath.Join(root, "lib/modules", release)
	builtin := moduleSet(filepath.Join(modules, "modules.builtin"))
	loadable := moduleSet(filepath.Join(modules, "modules.dep"))
	filesystems := readFile(filepath.Join(root, "proc/filesystems"))

	out := map[string]string{}
	for _, m := range kernelModules {
		switch {
		case exists(filepath.Join(root, "sys/module", m)) && !builtin[m]:
			out[m] = KernelLoaded
		case builtin[m]:
			out[m] = KernelBuiltIn
		case m == "rbd" && exists(filepath.Join(root, "sys/bus/rbd")):
			out[m] = KernelLoaded
		case m == "ceph" && hasFilesystem(filesystems, "ceph"):
			out[m] = KernelLoaded
		case loadable[m]:
			out[m] = KernelLoadable
		default:
			out[m] = ""
		}
	}

	return out
}

// moduleSet reads modules.builtin or modules.dep: one module path per line
// ("kernel/drivers/md/dm-crypt.ko[.zst]: deps"), named by its file with
// dashes as underscores, as the kernel names modules.
func moduleSet(path string) map[string]bool {
	out := map[string]bool{}
	f, err := os.Open(path)
	if err != nil {
		return out
	}

	defer func() { _ = f.Close() }()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		file, _, _ := strings.Cut(scanner.Text(), ":")
		name := filepath.Base(strings.TrimSpace(file))
		name, _, _ = strings.Cut(name, ".ko")
		if name != "" {
			out[strings.ReplaceAll(name, "-", "_")] = true
		}
	}

	return out
}

func hasFilesystem(filesystems string, name string) bool {
	for _, line := range strings.Split(filesystems, "\n") {
		fields := strings.Fields(line)
		if len(fields) > 0 && fields[len(fields)-1] == name {
			return true
		}
	}

	return false
}

func readFile(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}

	return string(data)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
