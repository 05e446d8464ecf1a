package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/tui"
	"github.com/microcloud-project/microcloud/tui/wizard"
)

type joinOptions struct {
	passphrase       string
	address          string
	initiatorAddress string
	timeout          time.Duration
}

func newJoinCommand(g *globals) *cobra.Command {
	opts := &joinOptions{}
	cmd := &cobra.Command{
		Use:   "join",
		Short: "Offer this machine to a MicroCloud being formed (run 'microcloud init' on the initiator)",
		Long: `Announces this machine to the initiator (by multicast on the chosen address's
network, or directly with --initiator-address), proves the passphrase the initiator
shows, and waits until the initiator selects this machine and it has joined.
Compare the fingerprints both sides show before selecting.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runJoin(cmd.Context(), g, opts)
		},
	}

	cmd.Flags().StringVar(&opts.passphrase, "passphrase", "", "the passphrase the initiator shows (asked for when omitted)")
	cmd.Flags().StringVar(&opts.address, "address", "", "this machine's address for MicroCloud (default: the only global address)")
	cmd.Flags().StringVar(&opts.initiatorAddress, "initiator-address", "", "contact the initiator at this address instead of using multicast")
	cmd.Flags().DurationVar(&opts.timeout, "session-timeout", time.Hour, "give up after this long (at most 1h)")
	return cmd
}

func runJoin(ctx context.Context, g *globals, opts *joinOptions) error {
	if opts.timeout <= 0 || opts.timeout > time.Hour {
		return fmt.Errorf("Invalid --session-timeout %s: must be between 1s and 1h", opts.timeout)
	}

	c, err := g.client()
	if err != nil {
		return err
	}

	if opts.passphrase == "" {
		opts.passphrase, err = tui.Ask(g.stdin, g.stdout, tui.TextQuestion{
			Prompt:      "Passphrase shown by the initiator",
			Placeholder: "four words",
			Validate: func(s string) error {
				if strings.TrimSpace(s) == "" {
					return errors.New("The passphrase cannot be empty")
				}

				return nil
			},
		})
		if err != nil {
			return err
		}
	}

	// On a terminal the operator picks among several addresses, as on the
	// initiator; otherwise the daemon takes the only one or says which exist.
	if opts.address == "" && tui.RequireTerminalFor("microcloud join", g.stdin, g.stdout) == nil {
		sys, err := c.System(ctx)
		if err != nil {
			return err
		}

		opts.address, err = wizard.ChooseAddress(wizard.Terminal{In: g.stdin, Out: g.stdout}, *sys, "")
		if err != nil {
			return err
		}
	}

	stream, err := c.StartSession(ctx, types.SessionStart{
		Role:             types.RoleJoiner,
		Passphrase:       opts.passphrase,
		Address:          opts.address,
		InitiatorAddress: opts.initiatorAddress,
		Timeout:          int(opts.timeout.Seconds()),
	})
	if err != nil {
		return err
	}

	defer stream.Close()
	for {
		ev, err := stream.Next()
		if err != nil {
			if ctx.Err() != nil {
				return tui.ErrCancelled
			}

			if errors.Is(err, io.EOF) {
				return errors.New("The daemon ended the session without saying why")
			}

			return err
		}

		done, err := printJoinEvent(g.stdout, ev)
		if done || err != nil {
			return err
		}
	}
}

// printJoinEvent shows one session event; it reports the end of the session.
func printJoinEvent(out io.Writer, ev types.SessionEvent) (bool, error) {
	switch ev.Type {
	case types.EventSession:
		s := ev.Session
		fmt.Fprintf(out, "Joining as %s (%s on %s; multicast: %s)\n", s.Name, s.Address, s.Interface, s.Multicast)
		fmt.Fprintf(out, "This machine's fingerprint: %s\n", types.ShortFingerprint(s.Fingerprint))
	case types.EventInitiator, types.EventConfirmed:
		fmt.Fprintln(out, ev.Message)
	case types.EventWarning:
		fmt.Fprintln(out, "Warning: "+ev.Message)
	case types.EventEnded:
		if ev.Error != "" {
			return true, errors.New(ev.Error)
		}

		// The other services are formed afterwards, driven from the
		// initiator: say so, or the operator believes it is all done.
		fmt.Fprintln(out, "Joined the MicroCloud; the initiator now forms the other services (its screen shows the progress)")
		return true, nil
	}

	return false, nil
}
