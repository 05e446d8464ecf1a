package lifecycle

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service/health"
	"github.com/microcloud-project/microcloud/service/setup"
	"github.com/microcloud-project/microcloud/tui"
)

// Status reports the health of the MicroCloud this machine belongs to: the
// verdict, each finding with what to do, one row a member. It answers
// within health.Budget even when members are down.
func Status(ctx context.Context, out io.Writer, local *client.Client, format string) (health.Report, error) {
	err := tui.CheckFormat(format)
	if err != nil {
		return health.Report{}, err
	}

	// A recovery left half-way on this machine is named first: until it
	// ends, MicroCloud or a service may not answer at all.
	recovering, err := readRecoveryProgress(filepath.Join(local.StateDir(), recoveryFile))
	if err != nil {
		return health.Report{}, err
	}

	var underway *health.Recovery
	if recovering != nil {
		underway = &health.Recovery{Keep: recovering.Keep, Lost: recovering.Lost}
	}

	members, err := setup.MicroCloudMembers(ctx, local)
	if err != nil && underway != nil {
		return health.Report{}, fmt.Errorf("%s (%w)", underway.Finding(), err)
	}

	if err != nil {
		return health.Report{}, err
	}

	if len(members) == 0 {
		return health.Report{}, fmt.Errorf("This machine is not part of a MicroCloud: run 'microcloud init' first")
	}

	self, err := localMemberName(ctx, local)
	if err != nil {
		return health.Report{}, err
	}

	snapshot := health.Gather(ctx, health.NewCloud(local, self, members), self)
	snapshot.Recovery = underway
	r := health.Evaluate(snapshot)
	header := []string{"NAME", "ADDRESS", "MICROCLOUD", "LXD", "MICROOVN", "MICROCEPH", "OVN ROLES", "OSDS", "ENCAP IP"}
	rows := make([][]string, 0, len(r.Members))
	for _, m := range r.Members {
		rows = append(rows, []string{m.Name, m.Address, m.Services["MicroCloud"], m.Services["LXD"], dash(m.Services["MicroOVN"]), dash(m.Services["MicroCeph"]),
			dash(strings.Join(m.OVNRoles, ",")), dash(m.OSDs), dash(strings.Join(m.EncapIPs, ","))})
	}

	if format == tui.FormatTable {
		fmt.Fprintf(out, "Status: %s\n", r.Status)
		if len(r.Messages) > 0 {
			fmt.Fprintln(out)
		}

		for _, m := range r.Messages {
			fmt.Fprintf(out, "%-8s %s\n", m.Level+":", m.Text)
		}

		fmt.Fprintln(out)
	}

	return r, tui.Render(out, format, header, rows, r)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}

	return s
}
