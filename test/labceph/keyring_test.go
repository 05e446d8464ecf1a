package labceph

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestNewKey(t *testing.T) {
	seen := map[string]bool{}
	for range 20 {
		key, err := NewKey()
		if err != nil {
			t.Fatal(err)
		}

		// ceph-authtool --gen-print-key: 40 base64 characters, starting
		// "AQ" (type 1, little-endian).
		if len(key) != 40 || !strings.HasPrefix(key, "AQ") || !ValidKey(key) || seen[key] {
			t.Fatalf("bad or repeated key %q", key)
		}

		seen[key] = true
	}
}

func TestEncodeKey(t *testing.T) {
	// A key made by ceph-authtool --gen-print-key on Ceph 16.2.15 decodes
	// to the same layout.
	if !ValidKey("AQDBTAFrmZzEFBAAg9RdaLFGS/ToSSMbLIN3YQ==") {
		t.Fatal("ceph-authtool's key not recognised")
	}

	secret := []byte("0123456789abcdef")
	key := encodeKey(time.Unix(0x01020304, 5), secret)
	if !ValidKey(key) {
		t.Fatalf("own key %q not valid", key)
	}

	for _, bad := range []string{"", "AQ==", "not base64!", "AgDBTAFrmZzEFBAAg9RdaLFGS/ToSSMbLIN3YQ=="} {
		if ValidKey(bad) {
			t.Fatalf("%q accepted", bad)
		}
	}
}

func TestKeyring(t *testing.T) {
	tests := []struct {
		entity string
		caps   map[string]string
		want   string
	}{
		{"osd.3", nil, "[osd.3]\n\tkey = K\n"},
		{"mon.", monCaps, "[mon.]\n\tkey = K\n\tcaps mon = \"allow *\"\n"},
		{"client.admin", adminCaps, "[client.admin]\n\tkey = K\n\tcaps mds = \"allow *\"\n\tcaps mgr = \"allow *\"\n\tcaps mon = \"allow *\"\n\tcaps osd = \"allow *\"\n"},
	}

	for _, tt := range tests {
		if got := Keyring(tt.entity, "K", tt.caps); got != tt.want {
			t.Errorf("Keyring(%s) = %q, want %q", tt.entity, got, tt.want)
		}
	}
}

func TestNewUUID(t *testing.T) {
	pattern := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for range 20 {
		u, err := NewUUID()
		if err != nil || !pattern.MatchString(u) {
			t.Fatalf("UUID %q (%v)", u, err)
		}
	}
}
