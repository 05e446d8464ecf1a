package recovery

import (
	"strings"
	"testing"

	"github.com/canonical/microcluster/v2/cluster"
)

func three(roles ...string) []cluster.DqliteMember {
	var out []cluster.DqliteMember
	for i, name := range []string{"micro01", "micro02", "micro03"} {
		out = append(out, cluster.DqliteMember{DqliteID: uint64(i + 1), Name: name, Address: "10.99.0.1" + string(rune('1'+i)) + ":9443", Role: roles[i]})
	}

	return out
}

func TestQuorumLost(t *testing.T) {
	for _, tc := range []struct {
		name    string
		members []cluster.DqliteMember
		answers map[string]bool
		want    bool
	}{
		{"all answer", three(RoleVoter, RoleVoter, RoleVoter), map[string]bool{"micro01": true, "micro02": true, "micro03": true}, false},
		{"one of three gone", three(RoleVoter, RoleVoter, RoleVoter), map[string]bool{"micro01": true, "micro02": true}, false},
		{"two of three gone", three(RoleVoter, RoleVoter, RoleVoter), map[string]bool{"micro01": true}, true},
		{"the gone one is a spare", three(RoleVoter, RoleVoter, RoleSpare), map[string]bool{"micro01": true, "micro02": true}, false},
		{"one of two voters gone", three(RoleVoter, RoleVoter, RoleStandBy), map[string]bool{"micro01": true, "micro03": true}, true},
		{"recovered: the only voter answers", three(RoleVoter, RoleSpare, RoleSpare), map[string]bool{"micro01": true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := QuorumLost(tc.members, tc.answers); got != tc.want {
				t.Fatalf("QuorumLost = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestReconfigured(t *testing.T) {
	for _, tc := range []struct {
		name        string
		members     []cluster.DqliteMember
		keep        []string
		wantRoles   string
		wantChanged bool
		wantErr     string
	}{
		{"one survivor", three(RoleVoter, RoleVoter, RoleVoter), []string{"micro01"}, "voter,spare,spare", true, ""},
		{"two survivors", three(RoleVoter, RoleVoter, RoleVoter), []string{"micro01", "micro03"}, "voter,spare,voter", true, ""},
		{"done before", three(RoleVoter, RoleSpare, RoleSpare), []string{"micro01"}, "voter,spare,spare", false, ""},
		{"a stand-by kept", three(RoleVoter, RoleVoter, RoleStandBy), []string{"micro01", "micro03"}, "voter,spare,voter", true, ""},
		{"nobody of this database", three(RoleVoter, RoleVoter, RoleVoter), []string{"micro09"}, "", false, "None of micro09 is a member of this database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, changed, err := Reconfigured(tc.members, tc.keep)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}

				return
			}

			if err != nil {
				t.Fatal(err)
			}

			var roles []string
			for i, m := range out {
				roles = append(roles, m.Role)
				if m.DqliteID != tc.members[i].DqliteID || m.Address != tc.members[i].Address {
					t.Fatalf("member %d changed more than its role: %+v", i, m)
				}
			}

			if got := strings.Join(roles, ","); got != tc.wantRoles || changed != tc.wantChanged {
				t.Fatalf("roles %s changed %v, want %s %v", got, changed, tc.wantRoles, tc.wantChanged)
			}
		})
	}
}

func TestCheckKeep(t *testing.T) {
	members := []string{"micro01", "micro02", "micro03"}
	answers := map[string]bool{"micro01": true, "micro02": true}
	for _, tc := range []struct {
		name string
		keep []string
		want string
	}{
		{"this machine, the other that answers dropped", []string{"micro01"}, "micro02 answers but would be dropped: shut its MicroCloud services down first (microcluster's recovery refuses while a dropped member answers)"},
		{"two that answer", []string{"micro01", "micro02"}, ""},
		{"two that answer, the other first", []string{"micro02", "micro01"}, ""},
		{"this machine, alone answering", []string{"micro01"}, ""},
		{"none", nil, "No member to keep"},
		{"unknown", []string{"micro01", "micro09"}, `--members: "micro09" is not a member of this MicroCloud (members: micro01, micro02, micro03)`},
		{"silent", []string{"micro01", "micro03"}, `--members: "micro03" does not answer: only members that answer can be kept`},
		{"without this machine", []string{"micro02"}, "--members: this machine (micro01) must be one of the members kept: run the recovery on a member that stays"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckKeep(members, answers, "micro01", tc.keep)
			if tc.name == "this machine, alone answering" {
				err = CheckKeep(members, map[string]bool{"micro01": true}, "micro01", tc.keep)
			}

			got := ""
			if err != nil {
				got = err.Error()
			}

			if got != tc.want {
				t.Fatalf("CheckKeep = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMonmapNames(t *testing.T) {
	printed := `monmaptool: monmap file mm
epoch 3
fsid b6f03d34-d5fa-48ab-b21e-ad2933a2ee74
min_mon_release 17 (quincy)
election_strategy: 1
0: [v2:10.97.0.11:3300/0,v1:10.97.0.11:6789/0] mon.micro01
1: [v2:10.97.0.13:3300/0,v1:10.97.0.13:6789/0] mon.micro03
2: v1:10.97.0.12:6789/0 mon.micro02
`
	if got := strings.Join(MonmapNames(printed), ","); got != "micro01,micro02,micro03" {
		t.Fatalf("MonmapNames = %s", got)
	}

	if got := strings.Join(Lost(MonmapNames(printed), []string{"micro01"}), ","); got != "micro02,micro03" {
		t.Fatalf("Lost = %s", got)
	}
}
