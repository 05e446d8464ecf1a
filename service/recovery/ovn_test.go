package recovery

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestRaftAddress(t *testing.T) {
	for _, tc := range []struct {
		ip   string
		port int
		want string
	}{
		{"10.99.0.11", 6643, "ssl:10.99.0.11:6643"},
		{"fd99::11", 6644, "ssl:[fd99::11]:6644"},
	} {
		if got := RaftAddress(tc.ip, tc.port); got != tc.want {
			t.Errorf("RaftAddress(%q, %d) = %q, want %q", tc.ip, tc.port, got, tc.want)
		}
	}
}

func TestCentralDBsOf(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
		want  string
	}{
		{"no central", nil, ""},
		{"both databases", []string{"ovnnb_db.db", "ovnsb_db.db"}, "northbound:6643 southbound:6644"},
		{"only the switch's", []string{"conf.db"}, ""},
		{"one left between the steps", []string{"ovnnb_db.db", "ovnsb_db.db.before-recovery"}, "northbound:6643 southbound:6644"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "data", "central", "db")
			err := os.MkdirAll(dir, 0o700)
			if err != nil {
				t.Fatal(err)
			}

			for _, f := range tc.files {
				err := os.WriteFile(filepath.Join(dir, f), nil, 0o600)
				if err != nil {
					t.Fatal(err)
				}
			}

			var got []string
			for _, db := range CentralDBsOf(filepath.Join(root, "state")) {
				if filepath.Dir(db.File) != dir {
					t.Fatalf("%s is not in %s", db.File, dir)
				}

				got = append(got, db.Name+":"+strconv.Itoa(db.RaftPort))
			}

			if strings.Join(got, " ") != tc.want {
				t.Fatalf("got %q, want %q", strings.Join(got, " "), tc.want)
			}
		})
	}
}
