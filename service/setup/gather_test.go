package setup

import (
	"reflect"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
)

func TestNotAnswering(t *testing.T) {
	facts := plan.Facts{Systems: map[string]plan.SystemFacts{
		"a": {Services: []types.ServiceState{{Type: types.LXD, Present: true}, {Type: types.MicroCeph}}},
		"b": {Services: []types.ServiceState{{Type: types.LXD, Present: true}, {Type: types.MicroCeph, Present: true, Error: "installed but not running (no socket yet)"}}},
	}}

	names := notAnswering(facts, []string{"a", "b"})
	if !reflect.DeepEqual(names, []string{"b"}) {
		t.Fatalf("not answering: %v (an absent service is not waited for)", names)
	}

	if got := describeNotAnswering(facts, names); got != "MicroCeph on b (installed but not running (no socket yet))" {
		t.Fatalf("description %q", got)
	}
}
