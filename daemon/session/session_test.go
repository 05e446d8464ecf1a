package session

import (
	"errors"
	"testing"

	"github.com/microcloud-project/microcloud/multicast"
)

func TestSplitAddress(t *testing.T) {
	cases := []struct {
		in   string
		ip   string
		port int
		bad  bool
	}{
		{"", "", 0, false},
		{"10.99.0.11", "10.99.0.11", 9443, false},
		{"10.99.0.11:7000", "10.99.0.11", 7000, false},
		{"fd99::11", "fd99::11", 9443, false},
		{"[fd99::11]:7000", "fd99::11", 7000, false},
		{"micro01", "", 0, true},
		{"10.99.0.11:0", "", 0, true},
		{"10.99.0.11:http", "", 0, true},
	}

	for _, tc := range cases {
		ip, port, err := splitAddress(tc.in, 9443)
		if tc.bad != (err != nil) || ip != tc.ip || port != tc.port {
			t.Errorf("%q: %q %d %v", tc.in, ip, port, err)
		}
	}
}

func TestDescribeFamilies(t *testing.T) {
	cases := []struct {
		f    multicast.Families
		err  error
		want string
	}{
		{multicast.Families{IPv4: true, IPv6: true}, nil, "IPv4 and IPv6"},
		{multicast.Families{IPv4: true, Notes: []string{"IPv6 is disabled on eth1"}}, nil, "IPv4 only (IPv6 is disabled on eth1)"},
		{multicast.Families{IPv6: true, Notes: []string{"no route"}}, nil, "IPv6 only (no route)"},
		{multicast.Families{}, errors.New("x"), "unavailable"},
	}

	for _, tc := range cases {
		if got := describeFamilies(tc.f, tc.err); got != tc.want {
			t.Errorf("%+v: %q", tc.f, got)
		}
	}
}

func TestPeerErrors(t *testing.T) {
	ok := peerReply{status: 202, body: []byte(`{}`)}
	if ok.err() != nil {
		t.Fatal("2xx is not an error")
	}

	bad := peerReply{status: 401, body: []byte(`{"error":"authentication failed"}`)}
	err := bad.err()
	if err == nil || err.Error() != "authentication failed" || statusOf(err) != 401 {
		t.Fatalf("401: %v", err)
	}

	bare := peerReply{status: 503, body: []byte(`garbage`)}
	if err := bare.err(); err == nil || err.Error() != "Service Unavailable" {
		t.Fatalf("503: %v", err)
	}

	if statusOf(errors.New("network")) != 0 {
		t.Fatal("a transport error has no status")
	}
}
