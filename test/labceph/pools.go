package labceph

import (
	"context"
	"fmt"
	"sort"
	"strconv"
)

// Replication sizes Ceph accepts for a replicated pool.
const (
	minReplication = 1
	maxReplication = 10
)

// PlanPoolsOp validates a PUT /1.0/pools-op request against the existing
// pools and returns the pools whose size it changes. "*" means every pool
// and "" nothing (MicroCloud sends [""] to set only the default size). An
// invalid size or an unknown pool fails the request before anything
// changes.
func PlanPoolsOp(req PoolPut, existing []string) ([]string, error) {
	if req.Size < minReplication || req.Size > maxReplication {
		return nil, fmt.Errorf("Invalid replication size %d: it must be between %d and %d", req.Size, minReplication, maxReplication)
	}

	have := map[string]bool{}
	for _, p := range existing {
		have[p] = true
	}

	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}

	for _, p := range req.Pools {
		switch {
		case p == "":
		case p == "*":
			for _, e := range existing {
				add(e)
			}

		case !have[p]:
			return nil, fmt.Errorf("Pool %q does not exist", p)
		default:
			add(p)
		}
	}

	sort.Strings(out)
	return out, nil
}

// setReplication is MicroCeph's SetReplicationFactor: the default size of
// new pools, whether size 1 is allowed, then each planned pool.
func (c *Ceph) setReplication(ctx context.Context, size int64, pools []string) error {
	n := strconv.FormatInt(size, 10)
	for _, kv := range [][2]string{
		{"osd_pool_default_size", n},
		{"mon_allow_pool_size_one", strconv.FormatBool(size == 1)},
	} {
		_, err := c.ceph(ctx, "config", "set", "global", kv[0], kv[1])
		if err != nil {
			return err
		}
	}

	for _, p := range pools {
		_, err := c.ceph(ctx, "osd", "pool", "set", p, "size", n, "--yes-i-really-mean-it")
		if err != nil {
			return err
		}
	}

	return nil
}

// listPools reads the pools and names their CRUSH rules.
func (c *Ceph) listPools(ctx context.Context) ([]Pool, error) {
	var detail []struct {
		Name      string `json:"pool_name"`
		ID        int64  `json:"pool_id"`
		Size      int64  `json:"size"`
		MinSize   int64  `json:"min_size"`
		CrushRule int64  `json:"crush_rule"`
	}

	err := c.cephJSON(ctx, &detail, "osd", "pool", "ls", "detail")
	if err != nil {
		return nil, err
	}

	var rules []struct {
		ID   int64  `json:"rule_id"`
		Name string `json:"rule_name"`
	}

	err = c.cephJSON(ctx, &rules, "osd", "crush", "rule", "dump")
	if err != nil {
		return nil, err
	}

	ruleNames := map[int64]string{}
	for _, r := range rules {
		ruleNames[r.ID] = r.Name
	}

	pools := make([]Pool, 0, len(detail))
	for _, d := range detail {
		rule, ok := ruleNames[d.CrushRule]
		if !ok {
			rule = strconv.FormatInt(d.CrushRule, 10)
		}

		pools = append(pools, Pool{Pool: d.Name, PoolID: d.ID, Size: d.Size, MinSize: d.MinSize, CrushRule: rule})
	}

	return pools, nil
}
