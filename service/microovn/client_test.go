package microovn

import "testing"

func TestNorthbound(t *testing.T) {
	entries := []ServiceEntry{
		{Service: "central", Location: "micro02"},
		{Service: "chassis", Location: "micro01"},
		{Service: "central", Location: "micro01"},
		{Service: "central", Location: "gone"},
		{Service: "central", Location: "micro03"},
	}

	members := map[string]string{"micro01": "10.0.0.11:6443", "micro02": "10.0.0.12:6443", "micro03": "[fd00::13]:6443"}
	got := Northbound(entries, members)
	want := "ssl:10.0.0.11:6641,ssl:10.0.0.12:6641,ssl:[fd00::13]:6641"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}

	if got := Northbound(nil, members); got != "" {
		t.Fatalf("no central: %q", got)
	}
}
