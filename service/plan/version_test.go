package plan

import (
	"reflect"
	"testing"
)

func TestParseVersion(t *testing.T) {
	cases := []struct {
		in      string
		want    string
		release string
	}{
		{"5.0.2", "5.0.2", "5.0"},
		{"5.21.3 LTS", "5.21.3", "5.21"},
		{"24.03", "24.3.0", "24.3"},
		{"23.03.1", "23.3.1", "23.3"},
		{"ceph version 16.2.15 (618f440892089921c3e944a991122ddc44e60516) pacific (stable)", "16.2.15", "16.2"},
		{"19.2.0", "19.2.0", "19.2"},
		{"ceph-version: 19.2.0; microceph-git: 7b8a1c2e4f", "19.2.0", "19.2"},
		{"ceph-version: 16.2.15; microceph-git: 0123abc", "16.2.15", "16.2"},
		{"0.1.0", "0.1.0", "0.1"},
	}

	for _, tc := range cases {
		v, err := ParseVersion(tc.in)
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}

		if v.String() != tc.want || v.Release() != tc.release || v.Raw != tc.in {
			t.Errorf("%q parsed as %s (release %s)", tc.in, v, v.Release())
		}
	}

	for _, bad := range []string{"", "dev", "v5", "latest"} {
		_, err := ParseVersion(bad)
		if err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestVersionCompare(t *testing.T) {
	v := func(s string) Version {
		out, err := ParseVersion(s)
		if err != nil {
			t.Fatal(err)
		}

		return out
	}

	cases := []struct {
		a, b string
		want int
	}{
		{"5.0.2", "5.0.2", 0},
		{"5.0.2", "5.21.0", -1},
		{"24.03", "23.03.1", 1},
		{"19.2.1", "19.2.0", 1},
		{"1.10", "1.9", 1},
	}

	for _, tc := range cases {
		if got := v(tc.a).Compare(v(tc.b)); got != tc.want {
			t.Errorf("%s vs %s = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestVersionSkew(t *testing.T) {
	cases := []struct {
		name     string
		versions map[string]string
		errs     []string
		warnings []string
	}{
		{"all equal", map[string]string{"a": "5.0.2", "b": "5.0.2"}, nil, nil},
		{"patch differs", map[string]string{"a": "23.03.1", "b": "23.03.2", "c": "23.03.1"}, nil,
			[]string{"MicroOVN patch levels differ between systems (23.3.1 on a, c; 23.3.2 on b)"}},
		{"release differs", map[string]string{"a": "5.0.2", "b": "5.21.3"},
			[]string{"MicroOVN versions differ between systems (5.0 on a; 5.21 on b); all members must run the same release"}, nil},
		{"unparseable", map[string]string{"a": "5.0.2", "b": "garbage"},
			[]string{`MicroOVN on b: Version "garbage" has no major.minor number`}, nil},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs, warnings := VersionSkew("MicroOVN", tc.versions)
			if !reflect.DeepEqual(errs, tc.errs) || !reflect.DeepEqual(warnings, tc.warnings) {
				t.Fatalf("errs=%q warnings=%q\nwant errs=%q warnings=%q", errs, warnings, tc.errs, tc.warnings)
			}
		})
	}
}
