package report

import (
	"sync"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
)

func TestEventString(t *testing.T) {
	tests := []struct {
		name  string
		event Event
		want  string
	}{
		{"detail", Event{System: "micro02", Service: types.MicroCeph, State: Done, Detail: "joined"}, "micro02 MicroCeph: joined"},
		{"state word without detail", Event{System: "micro01", Service: types.LXD, State: Running}, "micro01 LXD: running"},
		{"failure carries its cause", Event{System: "micro02", Service: types.MicroOVN, State: Failed, Detail: "connection refused"}, "micro02 MicroOVN: failed: connection refused"},
		{"failure without cause", Event{System: "micro02", Service: types.MicroOVN, State: Failed}, "micro02 MicroOVN: failed"},
		{"cluster-wide", Event{State: Running, Detail: "Configuring cluster-wide devices"}, "Configuring cluster-wide devices"},
		{"whole system", Event{System: "micro03", State: Skipped, Detail: "already a member"}, "micro03: already a member"},
		{"service only", Event{Service: types.LXD, State: Running, Detail: "creating pools"}, "LXD: creating pools"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.event.String()
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStateNamesAndFinished(t *testing.T) {
	for state, want := range map[State]string{Pending: "pending", Running: "running", Done: "done", Failed: "failed", Skipped: "skipped", State(42): "unknown"} {
		if state.String() != want {
			t.Errorf("%d: got %q, want %q", state, state.String(), want)
		}
	}

	for state, want := range map[State]bool{Pending: false, Running: false, Done: true, Failed: true, Skipped: true} {
		if state.Finished() != want {
			t.Errorf("%s.Finished() = %v", state, state.Finished())
		}
	}
}

func TestSerializedPassesEveryEvent(t *testing.T) {
	count := 0 // unguarded on purpose: Serialized must make this safe (go test -race)
	r := Serialized(Func(func(Event) { count++ }))
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Report(Event{System: "micro01"})
		}()
	}

	wg.Wait()
	if count != 50 {
		t.Fatalf("got %d events, want 50", count)
	}

	Discard.Report(Event{}) // must not panic
}
