package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/tui"
)

// JoinOptions run `microcloud join`.
type JoinOptions struct {
	Passphrase       string
	Address          string
	InitiatorAddress string
	Timeout          time.Duration
}

// Join offers this machine to the initiator's session and follows it until
// this machine has joined MicroCloud (or the session ends without it).
func Join(ctx context.Context, env *Env, opts JoinOptions) error {
	if opts.Timeout <= 0 || opts.Timeout > time.Hour {
		return fmt.Errorf("Invalid --session-timeout %s: must be between 1s and 1h", opts.Timeout)
	}

	var err error
	if opts.Passphrase == "" {
		opts.Passphrase, err = tui.Ask(env.In, env.Out, tui.TextQuestion{
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

	// Without --address the daemon takes the only address, or announces on
	// each and takes the one in the subnet of the initiator that finds it.
	stream, err := env.Backend.JoinSession(ctx, types.SessionStart{
		Role:             types.RoleJoiner,
		Passphrase:       opts.Passphrase,
		Address:          opts.Address,
		InitiatorAddress: opts.InitiatorAddress,
		Timeout:          int(opts.Timeout.Seconds()),
	})
	if err != nil {
		return err
	}

	defer func() { _ = stream.Close() }()
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

		done, err := printJoinEvent(env.Out, ev)
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
		if s.Address == "" {
			// Several addresses: the one in the initiator's subnet is
			// taken when the initiator finds this machine.
			fmt.Fprintf(out, "Joining as %s, announced on %s (the address in the initiator's subnet is taken; multicast: %s)\n", s.Name, s.Interface, s.Multicast)
		} else {
			fmt.Fprintf(out, "Joining as %s (%s on %s; multicast: %s)\n", s.Name, s.Address, s.Interface, s.Multicast)
		}

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
