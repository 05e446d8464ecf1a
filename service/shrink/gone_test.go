package shrink

import (
	"context"
	"errors"
	"testing"

	"github.com/microcloud-project/microcloud/service"
)

// listingService lists fixed members.
type listingService struct {
	names []string
	service.Service
}

func (s listingService) Members(context.Context) ([]service.Member, error) {
	var out []service.Member
	for _, n := range s.names {
		out = append(out, service.Member{Name: n})
	}

	return out, nil
}

// A removal whose only failure is a post-remove hook on another member
// that is gone too did happen; any other failure, or a member still
// listed, is a failure.
func TestRemovedDespite(t *testing.T) {
	hookErr := errors.New(`Post "https://10.99.0.13:6443/core/internal/hooks/post-remove?target=micro03": connection refused`)
	for _, tc := range []struct {
		name   string
		gone   []string
		listed []string
		err    error
		want   bool
	}{
		{"hook of a gone member, removed", []string{"micro02", "micro03"}, []string{"micro01", "micro03"}, hookErr, true},
		{"hook of a live member", []string{"micro02"}, []string{"micro01", "micro03"}, hookErr, false},
		{"still listed", []string{"micro02", "micro03"}, []string{"micro01", "micro02", "micro03"}, hookErr, false},
		{"another failure", []string{"micro02", "micro03"}, []string{"micro01", "micro03"}, errors.New("not authorized"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Remover{Gone: tc.gone}
			if got := r.removedDespite(context.Background(), listingService{names: tc.listed}, "micro02", tc.err); got != tc.want {
				t.Fatalf("removedDespite = %v, want %v", got, tc.want)
			}
		})
	}
}
