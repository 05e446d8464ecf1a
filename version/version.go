// Package version holds the build version of microcloud and microcloudd and the
// API extensions the daemon advertises.
package version

// version is stamped at build time: -ldflags "-X .../version.version=X".
// microcluster refuses to start a daemon without a version, so an unstamped
// build (go run, go test) reports "dev".
var version = "dev"

// commit is the source revision, stamped the same way.
var commit = "unknown"

// Version returns the build version.
func Version() string {
	return version
}

// Commit returns the source revision the binaries were built from.
func Commit() string {
	return commit
}

// APIExtensions are the capabilities of microcloudd's /1.0 API, in the order
// they were added. Clients gate on these, never on the version string. Names
// must match ^[a-z0-9]+(_[a-z0-9]+)*$ (microcluster's rule).
var APIExtensions = []string{
	"services_detection",
	"system_inventory",
	"service_tunnel",
}
