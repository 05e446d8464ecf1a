package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/lifecycle"
	"github.com/microcloud-project/microcloud/service"
	"github.com/microcloud-project/microcloud/tui"
)

func newServiceCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "service",
		Short: "Inspect the services MicroCloud orchestrates, or add one",
		Args:  exactArgs(0, "a subcommand (list, add)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}

	cmd.AddCommand(newServiceListCommand(g), newServiceAddCommand(g))
	return cmd
}

func newServiceAddCommand(g *globals) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Set up MicroOVN or MicroCeph on every member of a cloud formed without it",
		Long: `Sets up the services the MicroCloud does not have yet (MicroOVN, MicroCeph) on every
member, when each member has them installed: bootstraps the service on this machine,
joins every other member, then creates what LXD needs of it (the UPLINK and default
OVN networks, or the remote pool). Asks init's questions of that service only. Running
it again after a failure finishes the job.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.env()
			if err != nil {
				return err
			}

			return (&lifecycle.Pipeline{Env: env, Planner: &lifecycle.ServiceAdd{}, Options: lifecycle.Options{DryRun: dryRun}}).Run(cmd.Context())
		},
	}

	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "stop before changing anything; print the plan")
	return cmd
}

type serviceListOptions struct {
	format string
}

func newServiceListCommand(g *globals) *cobra.Command {
	opts := &serviceListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the members of every service's cluster",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServiceList(cmd.Context(), g, opts)
		},
	}

	cmd.Flags().StringVarP(&opts.format, "format", "f", tui.FormatTable, "output format (table, json, yaml, csv)")
	return cmd
}

// serviceMembers is one service in `service list`.
type serviceMembers struct {
	Service   types.ServiceType `json:"service" yaml:"service"`
	Installed bool              `json:"installed" yaml:"installed"`
	Clustered bool              `json:"clustered" yaml:"clustered"`
	Version   string            `json:"version,omitempty" yaml:"version,omitempty"`
	Members   []service.Member  `json:"members" yaml:"members"`
	Error     string            `json:"error,omitempty" yaml:"error,omitempty"`
}

func runServiceList(ctx context.Context, g *globals, opts *serviceListOptions) error {
	err := tui.CheckFormat(opts.format)
	if err != nil {
		return err
	}

	c, err := g.client()
	if err != nil {
		return err
	}

	states, err := c.Services(ctx)
	if err != nil {
		return err
	}

	out := make([]serviceMembers, 0, len(states))
	for _, st := range states {
		entry := serviceMembers{Service: st.Type, Installed: st.Present, Clustered: st.Clustered, Version: st.Version, Members: []service.Member{}, Error: st.Error}
		if st.Usable() && st.Clustered {
			entry.Members, err = members(ctx, c, st.Type)
			if err != nil {
				entry.Error = err.Error()
			}
		}

		out = append(out, entry)
	}

	if opts.format == tui.FormatJSON || opts.format == tui.FormatYAML {
		return tui.Render(g.stdout, opts.format, nil, nil, out)
	}

	rows := [][]string{}
	for _, e := range out {
		switch {
		case !e.Installed && e.Service.Optional():
			rows = append(rows, []string{string(e.Service), "", "", "", "not installed"})
		case !e.Installed:
			rows = append(rows, []string{string(e.Service), "", "", "", "not installed (required)"})
		case e.Error != "":
			rows = append(rows, []string{string(e.Service), "", "", "", "error: " + e.Error})
		case !e.Clustered:
			rows = append(rows, []string{string(e.Service), "", "", "", "not initialized"})
		}

		for _, m := range e.Members {
			rows = append(rows, []string{string(e.Service), m.Name, m.Address, m.Role, m.Status})
		}
	}

	return tui.Render(g.stdout, opts.format, []string{"SERVICE", "NAME", "ADDRESS", "ROLE", "STATUS"}, rows, out)
}

// members lists one service's members through the local daemon.
func members(ctx context.Context, c *client.Client, svc types.ServiceType) ([]service.Member, error) {
	switch svc {
	case types.MicroCloud:
		list, err := c.Members(ctx)
		if err != nil {
			return nil, err
		}

		out := make([]service.Member, 0, len(list))
		for _, m := range list {
			out = append(out, service.Member{Name: m.Name, Address: m.Address.String(), Role: m.Role, Status: string(m.Status)})
		}

		return out, nil
	case types.LXD:
		lxdClient, err := c.LXD(ctx)
		if err != nil {
			return nil, err
		}

		return service.LXDMembers(lxdClient)
	default:
		app, err := c.MicroclusterApp(svc)
		if err != nil {
			return nil, err
		}

		return service.MicroclusterMembers(ctx, app)
	}
}
