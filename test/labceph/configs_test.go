package labceph

import (
	"fmt"
	"testing"
)

func TestFilterConfigs(t *testing.T) {
	dump := []ConfigDumpEntry{
		{Section: "global", Name: "public_network", Value: "10.97.0.0/24"},
		{Section: "global", Name: "cluster_network", Value: "10.97.0.0/24"},
		{Section: "global", Name: "rbd_default_features", Value: "63"},
		{Section: "osd", Name: "osd_pool_default_crush_rule", Value: "1"},
		{Section: "global", Name: "osd_pool_default_size", Value: "3"},
	}

	tests := []struct {
		key  string
		want string
	}{
		{"", "[{cluster_network 10.97.0.0/24 false false} {public_network 10.97.0.0/24 false false}]"},
		{"public_network", "[{public_network 10.97.0.0/24 false false}]"},
		{"osd_pool_default_crush_rule", "[]"},
	}

	for _, tt := range tests {
		if got := fmt.Sprint(FilterConfigs(dump, tt.key)); got != tt.want {
			t.Errorf("FilterConfigs(%q) = %s, want %s", tt.key, got, tt.want)
		}
	}
}

func TestCheckConfigKey(t *testing.T) {
	for _, key := range []string{"public_network", "cluster_network", "osd_pool_default_crush_rule"} {
		if err := CheckConfigKey(key); err != nil {
			t.Errorf("%s: %v", key, err)
		}
	}

	err := CheckConfigKey("osd_pool_default_size")
	want := `Key "osd_pool_default_size" is not a supported configuration key (supported: [cluster_network osd_pool_default_crush_rule public_network])`
	if err == nil || err.Error() != want {
		t.Errorf("unknown key: %v", err)
	}
}
