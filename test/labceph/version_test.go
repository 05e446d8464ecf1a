package labceph

import "testing"

func TestParseCephVersion(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"ceph version 16.2.15 (618f440892089921c3e944a991122ddc44e60516) pacific (stable)", "16.2.15", true},
		{"ceph version 19.2.0-0ubuntu0.24.04.1 (abc) squid (stable)\n", "19.2.0", true},
		{"ceph version 17.2 (x)", "", false},
		{"", "", false},
		{"something else 1.2.3", "", false},
	}

	for _, tt := range tests {
		got, err := ParseCephVersion(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseCephVersion(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestMicroCephVersion(t *testing.T) {
	if got := MicroCephVersion("16.2.15", "69256ad"); got != "ceph-version: 16.2.15; microceph-git: 69256ad" {
		t.Fatalf("got %q", got)
	}
}
