package tui

import (
	"fmt"
	"io"

	"github.com/microcloud-project/microcloud/service/report"
)

// PlainProgress reports events as lines ("micro02 MicroCeph: joined") for
// logs and pipes, where a live table would be a mess of escape codes.
// Pending events are not printed: they announce work, not progress. Safe for
// concurrent use.
func PlainProgress(w io.Writer) report.Reporter {
	return report.Serialized(report.Func(func(e report.Event) {
		if e.State == report.Pending {
			return
		}

		fmt.Fprintln(w, e.String())
	}))
}
