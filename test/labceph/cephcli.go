package labceph

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/microcloud-project/microcloud/test/labsvc"
)

// confEnv points Ceph's programs at this member's ceph.conf (through the
// environment, so that error messages show only the command).
func (c *Ceph) confEnv() []string {
	return []string{"CEPH_CONF=" + c.layout.ConfFile()}
}

// ceph runs the ceph command line as client.admin with this member's admin
// keyring; a cluster that does not answer fails it after 20 s.
func (c *Ceph) ceph(ctx context.Context, args ...string) (string, error) {
	env := append(c.confEnv(), "CEPH_ARGS=--keyring "+c.layout.AdminKeyring()+" --connect-timeout 20")
	return labsvc.RunEnv(ctx, env, "ceph", args...)
}

// cephJSON runs a ceph command with JSON output and decodes it.
func (c *Ceph) cephJSON(ctx context.Context, out any, args ...string) error {
	text, err := c.ceph(ctx, append(args, "--format", "json")...)
	if err != nil {
		return err
	}

	err = json.Unmarshal([]byte(text), out)
	if err != nil {
		return fmt.Errorf("ceph %s: unexpected output: %w", strings.Join(args, " "), err)
	}

	return nil
}

// run runs one of Ceph's other programs (ceph-mon --mkfs, monmaptool…)
// against this member's configuration.
func (c *Ceph) run(ctx context.Context, name string, args ...string) (string, error) {
	return labsvc.RunEnv(ctx, c.confEnv(), name, args...)
}

// waitInQuorum waits until monitor name is part of the quorum.
func (c *Ceph) waitInQuorum(ctx context.Context, name string, timeout time.Duration) error {
	return labsvc.WaitFor(ctx, timeout, "mon."+name+" to join the quorum", func() error {
		var q struct {
			Names []string `json:"quorum_names"`
		}

		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		err := c.cephJSON(ctx, &q, "quorum_status")
		if err != nil {
			return err
		}

		for _, n := range q.Names {
			if n == name {
				return nil
			}
		}

		return fmt.Errorf("quorum is %v", q.Names)
	})
}
