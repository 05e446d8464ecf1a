package microovn

import (
	"reflect"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
)

func TestParseChassis(t *testing.T) {
	chassis := "a1,micro02\nb2,micro01\n\n"
	encaps := "a1,10.98.0.12\nb2,10.98.0.11\nb2,fd98::11\n"
	want := []types.OVNChassis{
		{Name: "b2", Hostname: "micro01", EncapIPs: []string{"10.98.0.11", "fd98::11"}},
		{Name: "a1", Hostname: "micro02", EncapIPs: []string{"10.98.0.12"}},
	}

	got := parseChassis(chassis, encaps)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

func TestParseRaftServers(t *testing.T) {
	status := `4a2b
Name: OVN_Northbound
Cluster ID: 1c2d (1c2d0000-0000-0000-0000-000000000000)
Server ID: 4a2b (4a2b0000-0000-0000-0000-000000000000)
Address: ssl:10.99.0.11:6643
Status: cluster member
Role: leader
Servers:
    4a2b (4a2b at ssl:10.99.0.11:6643) (self) next_index=2 match_index=9
    9f3c (9f3c at ssl:[fd99::12]:6643) next_index=10 match_index=9
Election timer: 1000
`
	want := []raftServer{{id: "4a2b", address: "ssl:10.99.0.11:6643"}, {id: "9f3c", address: "ssl:[fd99::12]:6643"}}
	got := parseRaftServers(status)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}
