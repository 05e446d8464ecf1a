package service

import (
	"encoding/base64"
	"testing"
)

func TestPreferJoinAddress(t *testing.T) {
	encode := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, tc := range []struct {
		name, token, address, want string
	}{
		{name: "moved first", token: encode(`{"secret":"s","fingerprint":"f","join_addresses":["10.0.0.2:9443","10.0.0.1:9443","10.0.0.3:9443"]}`), address: "10.0.0.1:9443",
			want: encode(`{"fingerprint":"f","join_addresses":["10.0.0.1:9443","10.0.0.2:9443","10.0.0.3:9443"],"secret":"s"}`)},
		{name: "already first", token: encode(`{"join_addresses":["10.0.0.1:9443","10.0.0.2:9443"]}`), address: "10.0.0.1:9443",
			want: encode(`{"join_addresses":["10.0.0.1:9443","10.0.0.2:9443"]}`)},
		{name: "not listed", token: encode(`{"join_addresses":["10.0.0.2:9443"]}`), address: "10.0.0.1:9443",
			want: encode(`{"join_addresses":["10.0.0.2:9443"]}`)},
		{name: "not base64", token: "%%%", address: "10.0.0.1:9443", want: "%%%"},
		{name: "not a token", token: encode(`[1]`), address: "10.0.0.1:9443", want: encode(`[1]`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := preferJoinAddress(tc.token, tc.address)
			if got != tc.want {
				g, _ := base64.StdEncoding.DecodeString(got)
				t.Fatalf("got %s", g)
			}
		})
	}
}
