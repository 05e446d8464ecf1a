package types

import "github.com/canonical/microcluster/v2/rest/types"

// APIVersion is the path prefix of microcloudd's own endpoints.
const APIVersion types.EndpointPrefix = "1.0"

// TunnelProtocol is the Upgrade token of /1.0/services/{service}/tunnel: after
// the 101 response the connection is a byte stream to that service's socket.
const TunnelProtocol = "microcloud-tunnel"

// Tunnels is GET /1.0/tunnels: Draining counts the requests whose client
// left before the answer, still under way in this machine's services.
type Tunnels struct {
	Draining int64 `json:"draining" yaml:"draining"`
}
