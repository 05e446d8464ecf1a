package setup

import (
	"context"
	"net"
	"sort"
	"strings"

	"github.com/canonical/lxd/shared/api"

	"github.com/microcloud-project/microcloud/service"
)

// ovnServiceEntry is one row of MicroOVN's GET /1.0/services.
type ovnServiceEntry struct {
	Service  string `json:"service"`
	Location string `json:"location"`
}

// ovnNorthbound builds the northbound connection string from where MicroOVN
// runs its central service ("ssl:10.0.0.1:6641,...").
func ovnNorthbound(ctx context.Context, ovn *service.Microcluster) (string, error) {
	c, err := ovn.App().LocalClient()
	if err != nil {
		return "", err
	}

	var entries []ovnServiceEntry
	err = c.Query(ctx, "GET", "1.0", api.NewURL().Path("services"), nil, &entries)
	if err != nil {
		return "", err
	}

	members, err := ovn.Members(ctx)
	if err != nil {
		return "", err
	}

	address := map[string]string{}
	for _, m := range members {
		host, _, err := net.SplitHostPort(m.Address)
		if err == nil {
			address[m.Name] = host
		}
	}

	var parts []string
	for _, e := range entries {
		if e.Service == "central" && address[e.Location] != "" {
			parts = append(parts, "ssl:"+net.JoinHostPort(address[e.Location], "6641"))
		}
	}

	sort.Strings(parts)
	return strings.Join(parts, ","), nil
}

// ovnEncapIP asks a member's MicroOVN which encapsulation IP its chassis
// uses, where MicroOVN can say (GET /1.0/env); ok is false when it cannot.
func ovnEncapIP(ctx context.Context, ovn *service.Microcluster) (string, bool) {
	c, err := ovn.App().LocalClient()
	if err != nil {
		return "", false
	}

	var env struct {
		EncapIP string `json:"encap_ip"`
	}

	err = c.Query(ctx, "GET", "1.0", api.NewURL().Path("env"), nil, &env)
	if err != nil || env.EncapIP == "" {
		return "", false
	}

	return env.EncapIP, true
}
