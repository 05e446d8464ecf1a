package labceph

import (
	"context"
	"fmt"
	"sort"
)

// configKey is a Ceph option MicroCeph lets clients read and set, with the
// daemons that must restart to apply a change.
type configKey struct {
	who     string
	daemons []string
}

// configKeys is MicroCeph's table of cluster keys (its RGW keys are left
// out: the lab runs no RGW).
var configKeys = map[string]configKey{
	"public_network":              {who: "global", daemons: []string{svcMon, svcOSD}},
	"cluster_network":             {who: "global", daemons: []string{svcOSD}},
	"osd_pool_default_crush_rule": {who: "global"},
}

// CheckConfigKey refuses keys outside the table.
func CheckConfigKey(key string) error {
	_, ok := configKeys[key]
	if !ok {
		keys := make([]string, 0, len(configKeys))
		for k := range configKeys {
			keys = append(keys, k)
		}

		sort.Strings(keys)
		return fmt.Errorf("Key %q is not a supported configuration key (supported: %v)", key, keys)
	}

	return nil
}

// FilterConfigs picks the table's keys (or only key, if set) out of
// `ceph config dump`, sorted by key.
func FilterConfigs(dump []ConfigDumpEntry, key string) []Config {
	out := []Config{}
	for _, e := range dump {
		k, ok := configKeys[e.Name]
		if !ok || e.Section != k.who || (key != "" && e.Name != key) {
			continue
		}

		out = append(out, Config{Key: e.Name, Value: e.Value})
	}

	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// ConfigDumpEntry is one line of `ceph config dump --format json`.
type ConfigDumpEntry struct {
	Section string `json:"section"`
	Name    string `json:"name"`
	Value   string `json:"value"`
}

func (c *Ceph) getConfigs(ctx context.Context, key string) ([]Config, error) {
	if key != "" {
		err := CheckConfigKey(key)
		if err != nil {
			return nil, err
		}
	}

	var dump []ConfigDumpEntry
	err := c.cephJSON(ctx, &dump, "config", "dump")
	if err != nil {
		return nil, err
	}

	return FilterConfigs(dump, key), nil
}
