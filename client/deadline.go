package client

import (
	"context"
	"time"
)

// DefaultTimeout bounds a call whose context has no deadline.
const DefaultTimeout = 10 * time.Minute

// WithDeadline gives ctx a deadline when it has none. microcluster's client
// otherwise adds its own timeout context and cancels it as soon as the
// request returns, before the response body is read: such calls fail at
// random with "context canceled".
func WithDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}

	return context.WithTimeout(ctx, DefaultTimeout)
}
