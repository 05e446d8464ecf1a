package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/version"
)

func newVersionCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Show the client's and the local daemon's versions",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVersion(cmd.Context(), g)
		},
	}
}

func runVersion(ctx context.Context, g *globals) error {
	fmt.Fprintf(g.stdout, "microcloud:  %s (%s)\n", version.Version(), version.Commit())

	daemon := "not running"
	c, err := g.client()
	if err == nil {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()

		status, err := c.Status(ctx)
		if err == nil {
			daemon = status.Version
		}
	}

	fmt.Fprintf(g.stdout, "microcloudd: %s\n", daemon)
	return nil
}
