package microovn

import (
	"context"
	"net"
	"sort"
	"strings"

	"github.com/canonical/lxd/shared/api"
	mcclient "github.com/canonical/microcluster/v2/client"
)

// Client makes MicroOVN's calls through one member's microcluster client.
type Client struct {
	c *mcclient.Client
}

// New wraps a microcluster client of MicroOVN.
func New(c *mcclient.Client) *Client {
	return &Client{c: c}
}

// Services lists where MicroOVN runs which service (GET /1.0/services).
func (m *Client) Services(ctx context.Context) ([]ServiceEntry, error) {
	var entries []ServiceEntry
	err := m.c.Query(ctx, "GET", "1.0", api.NewURL().Path("services"), nil, &entries)
	return entries, err
}

// Northbound is the connection string of OVN's northbound databases
// ("ssl:10.0.0.1:6641,..."), from the members that run the central service
// and their addresses (member name -> "ip:port").
func Northbound(entries []ServiceEntry, members map[string]string) string {
	return centralConnection(entries, members, "6641")
}

// Southbound is the connection string of OVN's southbound databases.
func Southbound(entries []ServiceEntry, members map[string]string) string {
	return centralConnection(entries, members, "6642")
}

func centralConnection(entries []ServiceEntry, members map[string]string, port string) string {
	var parts []string
	for _, e := range entries {
		if e.Service != "central" {
			continue
		}

		host, _, err := net.SplitHostPort(members[e.Location])
		if err == nil && host != "" {
			parts = append(parts, "ssl:"+net.JoinHostPort(host, port))
		}
	}

	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// EnableService starts one of MicroOVN's services (central, chassis,
// switch) on a member (PUT /1.0/service/{service}).
func (m *Client) EnableService(ctx context.Context, member string, name string) error {
	return m.c.UseTarget(member).Query(ctx, "PUT", "1.0", api.NewURL().Path("service", name), nil, nil)
}
