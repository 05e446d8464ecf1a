package setup

import (
	"fmt"

	"github.com/microcloud-project/microcloud/api/types"
)

// StepError is a failed step: which system, which service, what went wrong.
type StepError struct {
	System  string
	Service types.ServiceType
	Err     error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("%s on %s: %v (run the same command again to continue from here)", e.Service, e.System, e.Err)
}

func (e *StepError) Unwrap() error {
	return e.Err
}
