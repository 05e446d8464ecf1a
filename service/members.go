package service

import (
	"context"
	"net/url"
	"sort"
	"strings"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/microcluster/v2/microcluster"

	"github.com/microcloud-project/microcloud/client"
)

// Member is one member of a service's cluster, in the same shape for every
// service.
type Member struct {
	Name    string `json:"name" yaml:"name"`
	Address string `json:"address" yaml:"address"`
	Role    string `json:"role" yaml:"role"`
	Status  string `json:"status" yaml:"status"`
}

// MicroclusterMembers lists the members of a microcluster-based service.
func MicroclusterMembers(ctx context.Context, app *microcluster.MicroCluster) ([]Member, error) {
	ctx, cancel := client.WithDeadline(ctx)
	defer cancel()

	c, err := app.LocalClient()
	if err != nil {
		return nil, err
	}

	members, err := c.GetClusterMembers(ctx)
	if err != nil {
		return nil, err
	}

	out := make([]Member, 0, len(members))
	for _, m := range members {
		out = append(out, Member{Name: m.Name, Address: m.Address.String(), Role: m.Role, Status: string(m.Status)})
	}

	sortMembers(out)
	return out, nil
}

// LXDMembers lists the members of an LXD cluster.
func LXDMembers(client lxd.InstanceServer) ([]Member, error) {
	members, err := client.GetClusterMembers()
	if err != nil {
		return nil, err
	}

	out := make([]Member, 0, len(members))
	for _, m := range members {
		address := m.URL
		u, err := url.Parse(m.URL)
		if err == nil && u.Host != "" {
			address = u.Host
		}

		out = append(out, Member{Name: m.ServerName, Address: address, Role: strings.Join(m.Roles, ","), Status: m.Status})
	}

	sortMembers(out)
	return out, nil
}

func sortMembers(members []Member) {
	sort.Slice(members, func(i, j int) bool { return members[i].Name < members[j].Name })
}
