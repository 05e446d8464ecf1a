package session

import (
	"reflect"
	"strings"
	"testing"
)

func TestDefaultRouteParsing(t *testing.T) {
	route4 := `Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
eth1	0000000A	00000000	0001	0	0	0	00FFFFFF	0	0	0
eth0	00000000	0100000A	0003	0	0	100	00000000	0	0	0
`
	if got := parseRoute4(strings.NewReader(route4)); !reflect.DeepEqual(got, []string{"eth0"}) {
		t.Fatalf("IPv4: %v", got)
	}

	zero := strings.Repeat("0", 32)
	route6 := "fd990000000000000000000000000000 40 " + zero + " 00 " + zero + " 00000100 00000001 00000000 00000001     eth1\n" +
		zero + " 00 " + zero + " 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth2\n" +
		zero + " 00 " + zero + " 00 " + zero + " ffffffff 00000001 00000000 00200200       lo\n"
	if got := parseRoute6(strings.NewReader(route6)); !reflect.DeepEqual(got, []string{"eth2"}) {
		t.Fatalf("IPv6: %v", got)
	}
}
