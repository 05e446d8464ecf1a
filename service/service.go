package service

import (
	"context"
	"net"
	"strconv"

	"github.com/microcloud-project/microcloud/api/types"
)

// Ports every service listens on, at the system's MicroCloud address.
var Ports = map[types.ServiceType]int{
	types.MicroCloud: 9443,
	types.MicroOVN:   6443,
	types.MicroCeph:  7443,
	types.LXD:        8443,
}

// Address is ip:port of a service on a system (IPv6 in brackets).
func Address(t types.ServiceType, ip string) string {
	return net.JoinHostPort(ip, strconv.Itoa(Ports[t]))
}

// Service is one service on one system, reached through that system's
// microcloudd. The executor forms every cluster through this interface.
type Service interface {
	Type() types.ServiceType

	// Status reports the version, API extensions and whether the service
	// already belongs to a cluster.
	Status(ctx context.Context) (types.ServiceState, error)

	// Bootstrap makes this system the first member of a new cluster.
	Bootstrap(ctx context.Context, name string, address string, config map[string]string) error

	// IssueToken lets the named system join this service's cluster. A token
	// left over for the same name (an interrupted run) is replaced.
	IssueToken(ctx context.Context, name string) (string, error)

	// RevokeToken deletes an unused token.
	RevokeToken(ctx context.Context, name string) error

	// Join makes this system join a cluster with a token.
	Join(ctx context.Context, name string, address string, token string, config map[string]string) error

	// Members lists the cluster's members.
	Members(ctx context.Context) ([]Member, error)

	// RemoveMember removes a member from the cluster.
	RemoveMember(ctx context.Context, name string, force bool) error
}

// HasMember reports whether name is among members.
func HasMember(members []Member, name string) bool {
	for _, m := range members {
		if m.Name == name {
			return true
		}
	}

	return false
}
