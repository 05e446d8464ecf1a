package multicast

import (
	"reflect"
	"strings"
	"testing"
)

const fp = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestTXTRoundTrip(t *testing.T) {
	long := strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61)
	many := make([]string, 80)
	for i := range many {
		many[i] = "extension_number_" + strings.Repeat("x", i%7)
	}

	cases := []Announcement{
		{Version: ProtocolVersion, Name: "micro02", Address: "10.99.0.12", Port: 9443, Fingerprint: fp,
			Services: []ServiceInfo{{Type: "lxd", Version: "5.0.2", Extensions: []string{"clustering_join_token", "network_type_ovn"}}, {Type: "microovn", Version: "23.03.1"}}},
		{Version: ProtocolVersion, Name: long, Address: "fd99::12", Port: 9443, Fingerprint: fp},
		{Version: ProtocolVersion, Name: "m", Address: "10.0.0.1", Port: 1, Fingerprint: fp,
			Services: []ServiceInfo{{Type: "lxd", Version: "6.1", Extensions: many}, {Type: "microceph", Version: "19.2.0"}, {Type: "microcloud", Version: "0.1.0"}, {Type: "microovn", Version: "24.03"}}},
	}

	for _, a := range cases {
		txt := a.TXT()
		for _, s := range txt {
			if len(s) > 255 {
				t.Fatalf("TXT string of %d bytes", len(s))
			}
		}

		got, err := ParseTXT(txt)
		if err != nil {
			t.Fatalf("%s: %v", a.Name, err)
		}

		if !reflect.DeepEqual(got, a) {
			t.Fatalf("round trip\n got %+v\nwant %+v", got, a)
		}
	}
}

func TestParseTXTErrors(t *testing.T) {
	good := Announcement{Version: ProtocolVersion, Name: "micro02", Address: "10.99.0.12", Port: 9443, Fingerprint: fp}.TXT()
	replace := func(key string, value string) []string {
		var out []string
		for _, f := range good {
			if strings.HasPrefix(f, key+"=") {
				if value == "" {
					continue
				}

				f = key + "=" + value
			}

			out = append(out, f)
		}

		return out
	}

	cases := map[string][]string{
		"Announcement has no protocol version":                        replace("v", ""),
		"Announcement has no name":                                    replace("name", ""),
		`Announcement address "micro02" is not an IP address`:         replace("addr", "micro02"),
		`Announcement port "99999" is invalid`:                        replace("port", "99999"),
		`Announcement fingerprint "abc" is not a SHA-256 fingerprint`: replace("fp", "abc"),
		`TXT value "name" lacks chunk 1`:                              {"v=1", "name*0=a", "name*2=c"},
		`Bad TXT chunk key "name*x"`:                                  {"v=1", "name*x=a"},
	}

	for want, fields := range cases {
		_, err := ParseTXT(fields)
		if err == nil || err.Error() != want {
			t.Errorf("got %v, want %q", err, want)
		}
	}

	// Another protocol version is readable enough to be reported.
	for _, other := range []string{"1", "99"} {
		a, err := ParseTXT([]string{"v=" + other, "name=micro09", "whatever=x"})
		if err != nil || a.Version != other || a.Name != "micro09" {
			t.Fatalf("version %s: %+v %v", other, a, err)
		}
	}
}

func TestInstanceName(t *testing.T) {
	if got := InstanceName("micro02", fp); got != "micro02-0123456789ab" {
		t.Fatal(got)
	}

	long := InstanceName(strings.Repeat("n", 80), fp)
	if len(long) > 63 || !strings.HasSuffix(long, "-0123456789ab") {
		t.Fatalf("%q (%d)", long, len(long))
	}
}
