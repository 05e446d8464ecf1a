package client

import (
	"context"
	"time"

	"github.com/canonical/lxd/shared/api"

	"github.com/microcloud-project/microcloud/api/types"
)

// adminTimeout bounds a call that runs Ceph's or OVN's command line on the
// daemon's machine (each command has its own bound there).
const adminTimeout = 90 * time.Second

// Ceph reads Ceph's health, monitors and OSD tree on the daemon's machine.
func (c *Client) Ceph(ctx context.Context) (*types.CephReport, error) {
	out := &types.CephReport{}
	err := c.admin(ctx, "GET", api.NewURL().Path("ceph"), nil, out)
	return out, err
}

// OVN reads the chassis and the local central's raft servers; southbound
// is used where the daemon's machine runs no central.
func (c *Client) OVN(ctx context.Context, southbound string) (*types.OVNReport, error) {
	out := &types.OVNReport{}
	u := api.NewURL().Path("ovn")
	if southbound != "" {
		u = u.WithQuery("southbound", southbound)
	}

	err := c.admin(ctx, "GET", u, nil, out)
	return out, err
}

// OVNEncapIP is the encapsulation IP the machine's chassis is set up with.
func (c *Client) OVNEncapIP(ctx context.Context) (string, error) {
	var out types.OVNEncap
	err := c.admin(ctx, "GET", api.NewURL().Path("ovn", "encap-ip"), nil, &out)
	return out.IP, err
}

// OVNRoutersForLXD lists OVN's logical routers as the machine's LXD sees
// them (its northbound connection and certificates).
func (c *Client) OVNRoutersForLXD(ctx context.Context) (*types.OVNRouters, error) {
	out := &types.OVNRouters{}
	err := c.admin(ctx, "GET", api.NewURL().Path("ovn", "lxd-routers"), nil, out)
	return out, err
}

// ForgetCeph drops a dead member's monitor, OSDs and CRUSH host.
func (c *Client) ForgetCeph(ctx context.Context, f types.Forget) ([]string, error) {
	var out types.ForgetResult
	err := c.admin(ctx, "POST", api.NewURL().Path("ceph", "forget"), f, &out)
	return out.Actions, err
}

// ForgetOVN drops a dead member's chassis and raft seats.
func (c *Client) ForgetOVN(ctx context.Context, f types.Forget) ([]string, error) {
	var out types.ForgetResult
	err := c.admin(ctx, "POST", api.NewURL().Path("ovn", "forget"), f, &out)
	return out.Actions, err
}

func (c *Client) admin(ctx context.Context, method string, u *api.URL, in any, out any) error {
	ctx, cancel := context.WithTimeout(ctx, adminTimeout)
	defer cancel()
	err := c.mc.Query(ctx, method, types.APIVersion, u, in, out)
	if err != nil {
		return c.explain(err)
	}

	return nil
}

// Settings reads every member's settings.
func (c *Client) Settings(ctx context.Context) (types.MemberSettings, error) {
	out := types.MemberSettings{}
	err := c.admin(ctx, "GET", api.NewURL().Path("settings"), nil, &out)
	return out, err
}

// SetSettings records members' settings (an empty value deletes one).
func (c *Client) SetSettings(ctx context.Context, settings types.MemberSettings) error {
	return c.admin(ctx, "PUT", api.NewURL().Path("settings"), settings, nil)
}

// PlaceOVNPKIForLXD puts the machine's MicroOVN client PKI where an LXD
// without ovn_ssl_config reads it; it returns the files it changed.
func (c *Client) PlaceOVNPKIForLXD(ctx context.Context) ([]string, error) {
	var changed []string
	err := c.admin(ctx, "POST", api.NewURL().Path("ovn-pki", "lxd"), nil, &changed)
	return changed, err
}
