package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/microcluster/v2/microcluster"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/client"
)

// TokenLifetime is how long a join token stays valid: long enough for slow
// joins (many OSDs) to use every token minted at the start of a phase.
const TokenLifetime = time.Hour

// Microcluster is a microcluster-based service (MicroCloud itself, MicroOVN,
// MicroCeph) through a microcluster handle (a tunnel for other members).
type Microcluster struct {
	typ types.ServiceType
	app *microcluster.MicroCluster
}

// NewMicrocluster wraps a microcluster handle.
func NewMicrocluster(t types.ServiceType, app *microcluster.MicroCluster) *Microcluster {
	return &Microcluster{typ: t, app: app}
}

// App is the microcluster handle, for service-specific endpoints.
func (m *Microcluster) App() *microcluster.MicroCluster {
	return m.app
}

// Type implements Service.
func (m *Microcluster) Type() types.ServiceType {
	return m.typ
}

// Status implements Service.
func (m *Microcluster) Status(ctx context.Context) (types.ServiceState, error) {
	ctx, cancel := client.WithDeadline(ctx)
	defer cancel()

	status, err := m.server(ctx)
	if err != nil {
		return types.ServiceState{}, err
	}

	return types.ServiceState{Type: m.typ, Present: true, Version: status.Version, Extensions: status.Extensions, Clustered: status.Ready}, nil
}

// server is the member's own GET /core/1.0.
func (m *Microcluster) server(ctx context.Context) (MicroclusterStatus, error) {
	var status MicroclusterStatus
	c, err := m.app.LocalClient()
	if err != nil {
		return status, err
	}

	err = c.Query(ctx, "GET", "core/1.0", nil, nil, &status)
	if err != nil {
		return status, fmt.Errorf("%s did not answer: %w", m.typ, err)
	}

	return status, nil
}

// Bootstrap implements Service.
func (m *Microcluster) Bootstrap(ctx context.Context, name string, address string, config map[string]string) error {
	ctx, cancel := client.WithDeadline(ctx)
	defer cancel()

	err := m.app.NewCluster(ctx, name, address, config)
	if err != nil {
		return fmt.Errorf("Failed to bootstrap %s: %w", m.typ, err)
	}

	return m.waitMember(ctx, name)
}

// IssueToken implements Service.
func (m *Microcluster) IssueToken(ctx context.Context, name string) (string, error) {
	ctx, cancel := client.WithDeadline(ctx)
	defer cancel()

	// A token named after the joiner survives an interrupted run and would
	// block a new one ("UNIQUE constraint failed").
	_ = m.RevokeToken(ctx, name)
	token, err := m.app.NewJoinToken(ctx, name, TokenLifetime)
	if err != nil {
		return "", fmt.Errorf("Failed to issue a %s join token for %s: %w", m.typ, name, err)
	}

	// The joiner goes to this member first: it is settled, unlike members
	// still joining beside it (see preferJoinAddress).
	own, err := m.server(ctx)
	if err == nil {
		token = preferJoinAddress(token, own.Address)
	}

	return token, nil
}

// RevokeToken implements Service.
func (m *Microcluster) RevokeToken(ctx context.Context, name string) error {
	ctx, cancel := client.WithDeadline(ctx)
	defer cancel()

	err := m.app.RevokeJoinToken(ctx, name)
	if err != nil && !api.StatusErrorCheck(err, 404) && !strings.Contains(err.Error(), "not found") {
		return err
	}

	return nil
}

// Join implements Service.
func (m *Microcluster) Join(ctx context.Context, name string, address string, token string, config map[string]string) error {
	ctx, cancel := client.WithDeadline(ctx)
	defer cancel()

	err := m.app.JoinCluster(ctx, name, address, token, config)
	if err != nil {
		return fmt.Errorf("Failed to join %s: %w", m.typ, err)
	}

	return nil
}

// Members implements Service.
func (m *Microcluster) Members(ctx context.Context) ([]Member, error) {
	ctx, cancel := client.WithDeadline(ctx)
	defer cancel()

	return MicroclusterMembers(ctx, m.app)
}

// RemoveMember implements Service.
func (m *Microcluster) RemoveMember(ctx context.Context, name string, force bool) error {
	ctx, cancel := client.WithDeadline(ctx)
	defer cancel()

	c, err := m.app.LocalClient()
	if err != nil {
		return err
	}

	return c.DeleteClusterMember(ctx, name, force)
}

// waitMember waits for a freshly bootstrapped member to list itself.
func (m *Microcluster) waitMember(ctx context.Context, name string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		members, err := m.Members(ctx)
		if err == nil && HasMember(members, name) {
			return nil
		}

		select {
		case <-ctx.Done():
			return errors.Join(fmt.Errorf("%s did not list %s as a member in time", m.typ, name), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
