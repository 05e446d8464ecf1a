package lifecycle

import (
	"bytes"
	"strings"
	"testing"
)

// TestAddPlannersNeedATerminal: without one, each says which command
// needs it and what to use instead.
func TestAddPlannersNeedATerminal(t *testing.T) {
	env := &Env{In: strings.NewReader(""), Out: &bytes.Buffer{}}
	members := map[string]string{"micro01": "10.0.0.1"}
	err := (&InteractiveAdd{}).Check(env, members)
	if err == nil || !strings.Contains(err.Error(), "microcloud add needs a terminal; use --preseed FILE or --auto") {
		t.Fatalf("interactive add: %v", err)
	}

	err = (&ServiceAdd{}).Check(env, members)
	if err == nil || err != ErrServiceAddNeedsTerminal {
		t.Fatalf("service add: %v", err)
	}
}
