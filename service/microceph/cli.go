package microceph

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
)

// CLI runs Ceph's own command line on a member, with MicroCeph's
// configuration and admin keyring: for what MicroCeph's API does not
// offer (health, forgetting a dead host's monitor and OSDs).
type CLI struct {
	Binary  string
	Conf    string
	Keyring string
}

// cliTimeout bounds one ceph command: a cluster without quorum must not
// hold up the caller.
const cliTimeout = 20 * time.Second

// FindCLI finds the ceph command and MicroCeph's ceph.conf and admin
// keyring in the first of dirs that has both (service.Paths.CephConfDirs).
func FindCLI(dirs []string) (CLI, error) {
	bin, err := exec.LookPath("ceph")
	if err != nil {
		bin, err = exec.LookPath("microceph.ceph")
	}

	if err != nil {
		return CLI{}, fmt.Errorf("Neither ceph nor microceph.ceph is installed on this machine")
	}

	for _, dir := range dirs {
		conf := filepath.Join(dir, "ceph.conf")
		keyring := filepath.Join(dir, "ceph.client.admin.keyring")
		if fileExists(conf) && fileExists(keyring) {
			return CLI{Binary: bin, Conf: conf, Keyring: keyring}, nil
		}
	}

	return CLI{}, fmt.Errorf("MicroCeph's ceph.conf and admin keyring are not on this machine")
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func (c CLI) run(ctx context.Context, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, cliTimeout)
	defer cancel()
	full := append([]string{"-c", c.Conf, "-k", c.Keyring, "--connect-timeout", "15"}, args...)
	out, err := exec.CommandContext(ctx, c.Binary, full...).Output()
	if err != nil {
		msg := err.Error()
		if exit, ok := err.(*exec.ExitError); ok && len(exit.Stderr) > 0 {
			msg = strings.TrimSpace(string(exit.Stderr))
		}

		return nil, fmt.Errorf("ceph %s: %s", strings.Join(args, " "), msg)
	}

	return out, nil
}

func (c CLI) json(ctx context.Context, out any, args ...string) error {
	data, err := c.run(ctx, append(args, "-f", "json")...)
	if err != nil {
		return err
	}

	err = json.Unmarshal(data, out)
	if err != nil {
		return fmt.Errorf("ceph %s: %w", strings.Join(args, " "), err)
	}

	return nil
}

// Report reads Ceph's health, monmap and OSD tree, at once (each ceph
// command takes a second or so to start).
func (c CLI) Report(ctx context.Context) (types.CephReport, error) {
	var out types.CephReport
	var health struct {
		Status string `json:"status"`
		Checks map[string]struct {
			Summary struct {
				Message string `json:"message"`
			} `json:"summary"`
		} `json:"checks"`
	}

	var errs [3]error
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); errs[0] = c.json(ctx, &health, "health") }()
	go func() { defer wg.Done(); out.Mons, errs[1] = c.mons(ctx) }()
	go func() { defer wg.Done(); out.Hosts, errs[2] = c.hosts(ctx) }()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return out, err
		}
	}

	out.Health = health.Status
	for _, check := range health.Checks {
		out.Checks = append(out.Checks, check.Summary.Message)
	}

	sort.Strings(out.Checks)
	return out, nil
}

func (c CLI) mons(ctx context.Context) ([]string, error) {
	var dump struct {
		Mons []struct {
			Name string `json:"name"`
		} `json:"mons"`
	}

	err := c.json(ctx, &dump, "mon", "dump")
	if err != nil {
		return nil, err
	}

	var names []string
	for _, m := range dump.Mons {
		names = append(names, m.Name)
	}

	sort.Strings(names)
	return names, nil
}

func (c CLI) hosts(ctx context.Context) ([]types.CephHost, error) {
	var tree struct {
		Nodes []struct {
			ID       int64   `json:"id"`
			Name     string  `json:"name"`
			Type     string  `json:"type"`
			Status   string  `json:"status"`
			Children []int64 `json:"children"`
		} `json:"nodes"`
	}

	err := c.json(ctx, &tree, "osd", "tree")
	if err != nil {
		return nil, err
	}

	up := map[int64]bool{}
	for _, n := range tree.Nodes {
		if n.Type == "osd" {
			up[n.ID] = n.Status == "up"
		}
	}

	var hosts []types.CephHost
	for _, n := range tree.Nodes {
		if n.Type != "host" {
			continue
		}

		h := types.CephHost{Name: n.Name, OSDs: []types.CephOSD{}}
		for _, id := range n.Children {
			h.OSDs = append(h.OSDs, types.CephOSD{ID: id, Up: up[id]})
		}

		sort.Slice(h.OSDs, func(i, j int) bool { return h.OSDs[i].ID < h.OSDs[j].ID })
		hosts = append(hosts, h)
	}

	sort.Slice(hosts, func(i, j int) bool { return hosts[i].Name < hosts[j].Name })
	return hosts, nil
}

// Forget drops what a member that is gone for good left in Ceph: its
// monitor from the monmap, its OSDs (marked down, then purged: an OSD
// must be down to be purged) and its CRUSH host. What is already gone is
// skipped, so a second run does nothing.
func (c CLI) Forget(ctx context.Context, host string) ([]string, error) {
	var actions []string
	mons, err := c.mons(ctx)
	if err != nil {
		return nil, err
	}

	for _, m := range mons {
		if m != host {
			continue
		}

		if len(mons) == 1 {
			return nil, fmt.Errorf("%s runs the only Ceph monitor", host)
		}

		_, err := c.run(ctx, "mon", "remove", host)
		if err != nil {
			return actions, err
		}

		actions = append(actions, "removed monitor "+host+" from the monmap")
	}

	hosts, err := c.hosts(ctx)
	if err != nil {
		return actions, err
	}

	for _, h := range hosts {
		if h.Name != host {
			continue
		}

		for _, osd := range h.OSDs {
			id := strconv.FormatInt(osd.ID, 10)
			_, _ = c.run(ctx, "osd", "down", id)
			_, err := c.run(ctx, "osd", "purge", id, "--yes-i-really-mean-it")
			if err != nil {
				return actions, err
			}

			actions = append(actions, "purged osd."+id)
		}

		_, err := c.run(ctx, "osd", "crush", "rm", host)
		if err != nil {
			return actions, err
		}

		actions = append(actions, "removed CRUSH host "+host)
	}

	return actions, nil
}

// Monitors lists the monitors of Ceph's monmap; ok is false when the
// monitors do not answer within a few seconds (no quorum). A monitor that
// just lost its peers may still answer for a few seconds, with them listed.
func (c CLI) Monitors(ctx context.Context) ([]string, bool) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	names, err := c.mons(ctx)
	return names, err == nil
}
