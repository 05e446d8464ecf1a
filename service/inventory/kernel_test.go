package inventory

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestKernel(t *testing.T) {
	write := func(root string, path string, data string) {
		full := filepath.Join(root, path)
		err := os.MkdirAll(filepath.Dir(full), 0o755)
		if err == nil {
			err = os.WriteFile(full, []byte(data), 0o644)
		}

		if err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name  string
		setup func(root string)
		want  map[string]string
	}{
		{"no module support at all", func(root string) {
			write(root, "proc/filesystems", "nodev\tsysfs\n\text4\n")
		}, map[string]string{"rbd": "", "ceph": "", "dm_crypt": ""}},
		{"Ubuntu: loadable, rbd loads on first use", func(root string) {
			write(root, "proc/sys/kernel/osrelease", "6.8.0-45-generic\n")
			write(root, "lib/modules/6.8.0-45-generic/modules.dep",
				"kernel/drivers/block/rbd.ko.zst: kernel/net/ceph/libceph.ko.zst\nkernel/fs/ceph/ceph.ko.zst: kernel/net/ceph/libceph.ko.zst\nkernel/drivers/md/dm-crypt.ko.zst:\n")
		}, map[string]string{"rbd": "loadable", "ceph": "loadable", "dm_crypt": "loadable"}},
		{"loaded and built in", func(root string) {
			write(root, "proc/sys/kernel/osrelease", "6.1.0-26-amd64\n")
			write(root, "lib/modules/6.1.0-26-amd64/modules.builtin", "kernel/drivers/md/dm-crypt.ko\n")
			write(root, "sys/bus/rbd/add", "")
			write(root, "proc/filesystems", "nodev\tceph\n")
		}, map[string]string{"rbd": "loaded", "ceph": "loaded", "dm_crypt": "built in"}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			tt.setup(root)
			if got := Kernel(root); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}
