package recovery

import "testing"

func TestLXDQuorumLost(t *testing.T) {
	db := []string{"database"}
	leader := []string{"database-leader", "database"}
	standby := []string{"database-standby"}
	for _, tc := range []struct {
		name    string
		members []LXDMember
		keep    []string
		want    bool
	}{
		{"one voter of three kept", []LXDMember{{"micro01", leader}, {"micro02", db}, {"micro03", db}, {"micro04", standby}}, []string{"micro01", "micro04"}, true},
		{"two voters of three kept", []LXDMember{{"micro01", leader}, {"micro02", db}, {"micro03", db}, {"micro04", standby}}, []string{"micro01", "micro02"}, false},
		{"recovered: the only voter kept", []LXDMember{{"micro01", leader}, {"micro02", standby}, {"micro03", nil}}, []string{"micro01", "micro02"}, false},
		{"one of two voters kept", []LXDMember{{"micro01", db}, {"micro02", db}}, []string{"micro01"}, true},
		{"no voter listed", []LXDMember{{"micro01", nil}}, []string{"micro01"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LXDQuorumLost(tc.members, tc.keep); got != tc.want {
				t.Fatalf("LXDQuorumLost = %v, want %v", got, tc.want)
			}
		})
	}
}
