package main

import (
	"github.com/microcloud-project/microcloud/preseed"
	"github.com/microcloud-project/microcloud/service/plan"
)

// renderPreseed is the replayable preseed of a plan made interactively or
// by --auto (addresses written: replay in unicast mode).
func renderPreseed(p plan.Plan) (string, error) {
	initiator, _ := p.System(p.Initiator)
	out, err := preseed.FromPlan(p, preseed.SessionOptions{InitiatorAddress: initiator.Address})
	return string(out), err
}
