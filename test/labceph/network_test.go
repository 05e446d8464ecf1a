package labceph

import (
	"net/netip"
	"testing"
)

func TestPlanBootstrap(t *testing.T) {
	local := []netip.Prefix{
		netip.MustParsePrefix("127.0.0.1/8"),
		netip.MustParsePrefix("10.99.0.11/24"),
		netip.MustParsePrefix("fd99::11/64"),
		netip.MustParsePrefix("10.97.0.11/24"),
	}

	listen := netip.MustParseAddr("10.99.0.11")
	tests := []struct {
		name   string
		config map[string]string
		want   string // "monIP pub cluster v2only"
		err    string
	}{
		{"MicroCloud's keys", map[string]string{"PublicNet": "10.97.0.0/24", "ClusterNet": "10.97.0.0/24"}, "10.97.0.11 10.97.0.0/24 10.97.0.0/24 false", ""},
		{"host bits in subnets", map[string]string{"PublicNet": "10.97.0.5/24", "ClusterNet": "10.98.0.7/24"}, "10.97.0.11 10.97.0.0/24 10.98.0.0/24 false", ""},
		{"nothing: listen address and its subnet", nil, "10.99.0.11 10.99.0.0/24 10.99.0.0/24 false", ""},
		{"MonIp only", map[string]string{"MonIp": "10.97.0.11"}, "10.97.0.11 10.97.0.0/24 10.97.0.0/24 false", ""},
		{"MonIp in PublicNet", map[string]string{"MonIp": "10.97.0.11", "PublicNet": "10.97.0.0/16"}, "10.97.0.11 10.97.0.0/16 10.97.0.0/16 false", ""},
		{"IPv6", map[string]string{"PublicNet": "fd99::/64"}, "fd99::11 fd99::/64 fd99::/64 false", ""},
		{"v2 only", map[string]string{"PublicNet": "10.97.0.0/24", "V2Only": "true"}, "10.97.0.11 10.97.0.0/24 10.97.0.0/24 true", ""},
		// MicroCeph's other keys are accepted (the lab has no CRUSH zones
		// and always starts Ceph at once).
		{"AvailabilityZone and DeferCeph", map[string]string{"PublicNet": "10.97.0.0/24", "AvailabilityZone": "az1", "DeferCeph": "false"}, "10.97.0.11 10.97.0.0/24 10.97.0.0/24 false", ""},
		{"foreign MonIp", map[string]string{"MonIp": "10.97.0.12"}, "", "MonIp 10.97.0.12 is not an address of this system"},
		{"MonIp outside PublicNet", map[string]string{"MonIp": "10.99.0.11", "PublicNet": "10.97.0.0/24"}, "", "MonIp 10.99.0.11 is not in PublicNet 10.97.0.0/24"},
		{"no address in PublicNet", map[string]string{"PublicNet": "10.50.0.0/24"}, "", "No address of this system is in PublicNet 10.50.0.0/24"},
		{"bad PublicNet", map[string]string{"PublicNet": "10.97.0.0"}, "", `PublicNet "10.97.0.0" is not a subnet in CIDR form (like 10.0.0.0/24)`},
		{"bad ClusterNet", map[string]string{"PublicNet": "10.97.0.0/24", "ClusterNet": "x"}, "", `ClusterNet "x" is not a subnet in CIDR form (like 10.0.0.0/24)`},
		{"bad MonIp", map[string]string{"MonIp": "micro01"}, "", `MonIp "micro01" is not an IP address`},
		{"bad V2Only", map[string]string{"PublicNet": "10.97.0.0/24", "V2Only": "yes"}, "", `V2Only must be "true" or "false", not "yes"`},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := PlanBootstrap(tt.config, local, listen)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}

				return
			}

			if err != nil {
				t.Fatal(err)
			}

			got := plan.MonIP.String() + " " + plan.PublicNet.String() + " " + plan.ClusterNet.String() + " " + map[bool]string{true: "true", false: "false"}[plan.V2Only]
			if got != tt.want {
				t.Fatalf("plan %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMonAddrVec(t *testing.T) {
	tests := []struct {
		ip     string
		v2Only bool
		want   string
	}{
		{"10.97.0.11", false, "[v2:10.97.0.11:3300,v1:10.97.0.11:6789]"},
		{"10.97.0.11", true, "[v2:10.97.0.11:3300]"},
		{"fd97::11", false, "[v2:[fd97::11]:3300,v1:[fd97::11]:6789]"},
	}

	for _, tt := range tests {
		if got := MonAddrVec(netip.MustParseAddr(tt.ip), tt.v2Only); got != tt.want {
			t.Errorf("MonAddrVec(%s, %v) = %s, want %s", tt.ip, tt.v2Only, got, tt.want)
		}
	}
}
