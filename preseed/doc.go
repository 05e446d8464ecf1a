// Package preseed reads and writes the unattended-setup file of
// `microcloud init --preseed` and `microcloud add --preseed`.
//
// The format is the reference MicroCloud's, 1.x and 2.x/3.x alike, so that
// existing files work unchanged; this package is stricter about it (unknown
// keys are errors) and reports every problem at once, each with its place in
// the file ("systems[2].ovn_underlay_ip").
//
// The life of a file:
//
//	f, problems := Load(data, passphraseFlag)     // Parse + Validate + ValidatePassphrase
//	initiator, err := f.Role(hostname, localIPs)  // before the session
//	p, problems := ToPlan(f, facts, initiatorName) // after the session gathered facts
//	errs, warnings := plan.Validate(p, facts)      // the checks every front end shares
//
// FromPlan goes the other way: the preseed equivalent of a plan, which
// `microcloud init --dry-run` prints so that an interactive session can be
// replayed. doc/reference/preseed.md describes the format for operators.
package preseed
