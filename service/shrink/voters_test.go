package shrink

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service"
)

// members builds a member list from roles, one member per role.
func members(roles ...string) []service.Member {
	var out []service.Member
	for i, role := range roles {
		out = append(out, service.Member{Name: string(rune('a' + i)), Role: role})
	}

	return out
}

func TestVotersOf(t *testing.T) {
	for _, tc := range []struct {
		name       string
		members    []service.Member
		gone       []string
		have, want int
	}{
		{"three voters", members("voter", "voter", "voter"), nil, 3, 3},
		{"a voter short", members("voter", "voter", "stand-by"), nil, 2, 3},
		{"four, a stand-by", members("voter", "voter", "voter", "stand-by"), nil, 3, 3},
		{"two members keep one voter", members("voter", "spare"), nil, 1, 0},
		{"one member", members("voter"), nil, 1, 0},
		{"roles in capitals", members("VOTER", "voter", "voter"), nil, 3, 3},
		{"a pending joiner", members("voter", "voter", "PENDING"), nil, 2, 3},
		{"a spare gone for good, two left", members("voter", "voter", "spare"), []string{"c"}, 2, 0},
		{"a voter gone for good, three left", members("voter", "voter", "voter", "stand-by"), []string{"c"}, 2, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			have, want := votersOf(tc.members, tc.gone)
			if have != tc.have || want != tc.want {
				t.Fatalf("votersOf = %d, %d; want %d, %d", have, want, tc.have, tc.want)
			}
		})
	}
}

func TestRemoveWaitsForAVoter(t *testing.T) {
	f, inv := fourMembers()
	short, full := members("voter", "voter", "stand-by"), members("voter", "voter", "voter")
	f.lists = map[types.ServiceType][][]service.Member{
		types.MicroCloud: {short, short, full},
		types.MicroOVN:   {full},
	}

	var said []string
	r := &Remover{Services: f, Local: "m1", VoterPoll: time.Millisecond, Say: func(format string, args ...any) {
		said = append(said, format)
	}}

	err := r.Remove(context.Background(), inv, []string{"m3"})
	if err != nil {
		t.Fatal(err)
	}

	text := strings.Join(said, "\n")
	if !strings.Contains(text, "waiting for its database to promote") || !strings.Contains(text, "voters again") || len(r.Warnings) != 0 {
		t.Fatalf("said:\n%s\nwarnings %v", text, r.Warnings)
	}

	if len(f.lists[types.MicroCloud]) != 1 {
		t.Fatalf("stopped before the promotion: %d lists left", len(f.lists[types.MicroCloud]))
	}
}

func TestRemoveWarnsWhenNoVoterComes(t *testing.T) {
	f, inv := fourMembers()
	f.lists = map[types.ServiceType][][]service.Member{types.MicroCeph: {members("voter", "voter", "spare")}}
	r := &Remover{Services: f, Local: "m1", VoterWait: 20 * time.Millisecond, VoterPoll: time.Millisecond}
	start := time.Now()
	err := r.Remove(context.Background(), inv, []string{"m3"})
	if err != nil {
		t.Fatal(err)
	}

	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "MicroCeph's database has 2 of 3 voters") {
		t.Fatalf("warnings %v", r.Warnings)
	}

	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the wait was not bounded: %s", took)
	}
}
