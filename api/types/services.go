// Package types holds the wire types of microcloudd's /1.0 API. They are shared
// by the daemon (daemon/), its client (client/) and the CLI; nothing here does I/O.
package types

import "strings"

// ServiceType names a service that MicroCloud orchestrates.
type ServiceType string

// The services, in the order the init phases form them.
const (
	MicroCloud ServiceType = "MicroCloud"
	MicroOVN   ServiceType = "MicroOVN"
	MicroCeph  ServiceType = "MicroCeph"
	LXD        ServiceType = "LXD"
)

// AllServices lists every service in formation order.
var AllServices = []ServiceType{MicroCloud, MicroOVN, MicroCeph, LXD}

// TunneledServices are the services reachable through a daemon's
// /1.0/services/{service}/tunnel endpoint (MicroCloud is the daemon itself).
var TunneledServices = []ServiceType{MicroOVN, MicroCeph, LXD}

// Slug is the lower-case name used in URLs ("microovn").
func (s ServiceType) Slug() string {
	return strings.ToLower(string(s))
}

// Optional reports whether MicroCloud works without the service.
func (s ServiceType) Optional() bool {
	return s == MicroOVN || s == MicroCeph
}

// ParseServiceType accepts a service name in any case ("lxd", "MicroOVN").
func ParseServiceType(name string) (ServiceType, bool) {
	for _, s := range AllServices {
		if strings.EqualFold(name, string(s)) {
			return s, true
		}
	}

	return "", false
}

// ServiceState is one service as detected on one machine (GET /1.0/services).
type ServiceState struct {
	Type ServiceType `json:"type" yaml:"type"`

	// Present is true when the service's socket exists on this machine.
	Present bool `json:"present" yaml:"present"`

	// Version and Extensions are what the service itself reports.
	Version    string   `json:"version,omitempty" yaml:"version,omitempty"`
	Extensions []string `json:"extensions,omitempty" yaml:"extensions,omitempty"`

	// Clustered is true when the service already belongs to a cluster
	// (microcluster database initialised, or LXD clustering enabled).
	Clustered bool `json:"clustered" yaml:"clustered"`

	// Endpoint is the socket the service was looked for at.
	Endpoint string `json:"endpoint" yaml:"endpoint"`

	// Error says why a present service could not be queried.
	Error string `json:"error,omitempty" yaml:"error,omitempty"`
}

// HasExtension reports whether the service advertises an API extension.
func (s ServiceState) HasExtension(name string) bool {
	for _, e := range s.Extensions {
		if e == name {
			return true
		}
	}

	return false
}

// Usable is true when the service is present and answered.
func (s ServiceState) Usable() bool {
	return s.Present && s.Error == ""
}

// GatedExtensions are the API extensions MicroCloud decides plans on (join
// mechanics, OVN, wipe, CephFS, underlay). Announcements and session peers
// carry only these; a daemon's full list is in GET /1.0/services.
var GatedExtensions = map[string]bool{
	"clustering_join_token":         true,
	"explicit_trust_token":          true,
	"network_type_ovn":              true,
	"network_type_physical":         true,
	"storage_pool_source_wipe":      true,
	"storage_cephfs_create_missing": true,
	"storage_remote_drop_source":    true,
	"storage_ceph_use_rbd_defaults": true,
	"instances_migration_stateful":  true,
	"custom_encapsulation_ip":       true,
}

// Gated returns a copy with only the gated extensions.
func (s ServiceState) Gated() ServiceState {
	out := s
	out.Extensions = nil
	for _, e := range s.Extensions {
		if GatedExtensions[e] {
			out.Extensions = append(out.Extensions, e)
		}
	}

	return out
}

// OVNPKI is MicroOVN's client PKI on a machine (GET /1.0/ovn-pki).
type OVNPKI struct {
	CACert     string `json:"ca_cert"`
	ClientCert string `json:"client_cert"`
	ClientKey  string `json:"client_key"`
}
