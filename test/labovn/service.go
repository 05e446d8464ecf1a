package labovn

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

// APIExtensions are MicroOVN 24.03's.
var APIExtensions = []string{"custom_encapsulation_ip"}

// New builds the lab MicroOVN service.
func New(ctx context.Context, dirs labsvc.Dirs) (*labsvc.Service, error) {
	ovnVersion, err := OVNVersion(ctx)
	if err != nil {
		return nil, err
	}

	version := MicroOVNVersion(ovnVersion)

	d := &Daemon{layout: NewLayout(dirs)}
	err = os.MkdirAll(d.layout.Run, 0o755)
	if err != nil {
		return nil, err
	}

	return &labsvc.Service{
		Version:       version,
		APIExtensions: APIExtensions,
		Servers:       d.servers(),
		Hooks:         d.hooks(),
		Schema:        Schema,
	}, nil
}

// OVNVersion is the installed OVN's version ("23.03.1").
func OVNVersion(ctx context.Context) (string, error) {
	out, err := labsvc.Run(ctx, "ovn-nbctl", "--version")
	if err != nil {
		return "", fmt.Errorf("OVN is not installed: %w", err)
	}

	return ParseOVNVersion(out)
}

// MicroOVNVersion is the version MicroOVN reports for an OVN build: its
// major.minor ("23.03.1" -> "23.03"), as the real MicroOVN does.
func MicroOVNVersion(ovn string) string {
	parts := strings.SplitN(ovn, ".", 3)
	if len(parts) < 2 {
		return ovn
	}

	return parts[0] + "." + parts[1]
}

// ParseOVNVersion reads the version from `ovn-nbctl --version`.
func ParseOVNVersion(out string) (string, error) {
	fields := strings.Fields(strings.SplitN(out, "\n", 2)[0])
	if len(fields) < 2 {
		return "", fmt.Errorf("Unexpected ovn-nbctl --version output %q", out)
	}

	return fields[len(fields)-1], nil
}
