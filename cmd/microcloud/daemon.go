package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/client"
)

type waitReadyOptions struct {
	timeout time.Duration
}

func newWaitReadyCommand(g *globals) *cobra.Command {
	opts := &waitReadyOptions{}
	cmd := &cobra.Command{
		Use:   "waitready",
		Short: "Wait until the local microcloudd is up",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWaitReady(cmd.Context(), g, opts)
		},
	}

	durationFlag(cmd.Flags(), &opts.timeout, "timeout", "t", 0, "how long to wait (seconds, or for example 90s or 5m; 0 waits forever)")
	return cmd
}

// runWaitReady waits for the control socket to appear and the daemon to
// answer. The timeout is honoured whatever its length.
func runWaitReady(ctx context.Context, g *globals, opts *waitReadyOptions) error {
	if opts.timeout < 0 {
		return fmt.Errorf("Invalid --timeout %s: must not be negative", opts.timeout)
	}

	if opts.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.timeout)
		defer cancel()
	}

	var lastErr error
	for {
		c, err := g.client()
		if err == nil {
			// Loops until the daemon answers or ctx ends.
			err = c.WaitReady(ctx)
			if err == nil {
				return nil
			}
		} else if !errors.As(err, &client.ErrNotRunning{}) {
			// A state dir that is a file, for example: waiting will not help.
			return err
		}

		lastErr = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("Timed out after %s waiting for microcloudd: %v", opts.timeout, lastErr)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func newShutdownCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "shutdown",
		Short: "Stop the local microcloudd",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := g.client()
			if err != nil {
				return err
			}

			return c.Shutdown(cmd.Context())
		},
	}
}
