package lifecycle

import (
	"context"
	"fmt"
	"strings"

	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service/setup"
	"github.com/microcloud-project/microcloud/service/shrink"
)

// RemoveOptions are the choices of 'microcloud remove'.
type RemoveOptions struct {
	Names []string
	// Force removes members that do not answer (without contacting
	// them) and members that still run instances.
	Force bool
}

// Remove removes members from every service of the MicroCloud this machine
// belongs to. Every refusal comes before anything changes.
func Remove(ctx context.Context, env Env, local *client.Client, opts RemoveOptions) error {
	members, err := setup.MicroCloudMembers(ctx, local)
	if err != nil {
		return err
	}

	if len(members) == 0 {
		return fmt.Errorf("This machine is not part of a MicroCloud: there is nothing to remove")
	}

	self, err := localMemberName(ctx, local)
	if err != nil {
		return err
	}

	r := &shrink.Remover{Services: shrink.NewCloud(local, self, members), Local: self, Force: opts.Force, Say: env.say}
	inv, err := r.Inventory(ctx, opts.Names)
	if err != nil {
		return err
	}

	err = shrink.Check(inv, opts.Names, self, opts.Force)
	if err != nil {
		return err
	}

	err = r.Remove(ctx, inv, opts.Names)
	if err != nil {
		return fmt.Errorf("%w\nRun the same command again to finish the removal", err)
	}

	env.say("Removed %s from the MicroCloud", strings.Join(opts.Names, ", "))
	return nil
}

// localMemberName is this machine's name in its MicroCloud.
func localMemberName(ctx context.Context, local *client.Client) (string, error) {
	status, err := local.Status(ctx)
	if err != nil {
		return "", err
	}

	return status.Name, nil
}
