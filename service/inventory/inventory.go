package inventory

import (
	"context"
	"fmt"
	"os"
	"strings"

	lxd "github.com/canonical/lxd/client"

	"github.com/microcloud-project/microcloud/api/types"
)

// Gather describes this machine: the kernel's interfaces and, through LXD,
// which of them LXD manages and which disks exist. LXD being unreachable is
// not an error: the inventory then says so in Warnings.
func Gather(ctx context.Context, lxdSocket string, prober Prober) (*types.System, error) {
	name, err := os.Hostname()
	if err != nil {
		return nil, fmt.Errorf("Failed to read the host name: %w", err)
	}

	sys := &types.System{Name: name, Disks: []types.Disk{}}
	_, err = os.Stat("/sys/bus/rbd")
	sys.RBD = err == nil
	sys.Kernel = Kernel("/")

	sys.Interfaces, err = Interfaces()
	if err != nil {
		return nil, fmt.Errorf("Failed to list network interfaces: %w", err)
	}

	client, err := lxd.ConnectLXDUnixWithContext(ctx, lxdSocket, &lxd.ConnectionArgs{SkipGetServer: true})
	if err == nil {
		err = addLXDFacts(ctx, client, sys, prober)
	}

	if err != nil {
		sys.Warnings = append(sys.Warnings, fmt.Sprintf("LXD at %s could not be queried, so disks and LXD-managed networks are unknown: %v", lxdSocket, err))
	}

	Classify(sys)
	return sys, nil
}

func addLXDFacts(ctx context.Context, client lxd.InstanceServer, sys *types.System, prober Prober) error {
	server, _, err := client.GetServer()
	if err != nil {
		return err
	}

	for _, d := range server.Environment.StorageSupportedDrivers {
		sys.StorageDrivers = append(sys.StorageDrivers, d.Name)
	}

	networks, err := client.GetNetworks()
	if err != nil {
		return err
	}

	managed := map[string]bool{}
	for _, n := range networks {
		if n.Managed {
			managed[n.Name] = true
		}
	}

	for i := range sys.Interfaces {
		sys.Interfaces[i].Managed = managed[sys.Interfaces[i].Name]
	}

	resources, err := client.GetServerResources()
	if err != nil {
		return err
	}

	for _, d := range resources.Storage.Disks {
		disk := DiskFromLXD(d)
		if prober != nil {
			disk.UsedBy = append(disk.UsedBy, prober.UsedBy(ctx, d.ID, d.Device)...)
		}

		for _, u := range disk.UsedBy {
			if strings.HasPrefix(u, "mounted on ") {
				disk.Mounted = true
			}
		}

		sys.Disks = append(sys.Disks, disk)
	}

	return nil
}
