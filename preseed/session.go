package preseed

import (
	"time"

	"github.com/microcloud-project/microcloud/service/plan"
)

// Session defaults, as in the reference.
const (
	// DefaultLookupTimeout is how long the initiator waits for the listed
	// systems (and a joiner for the initiator).
	DefaultLookupTimeout = 60 * time.Second

	// DefaultSessionTimeout is the life of the trust session.
	DefaultSessionTimeout = time.Hour

	// MaxSessionTimeout is the longest session the daemon accepts.
	MaxSessionTimeout = time.Hour
)

// Timeouts are lookup_timeout and session_timeout, or their defaults.
func (f *File) Timeouts() (lookup time.Duration, session time.Duration) {
	lookup, session = DefaultLookupTimeout, DefaultSessionTimeout
	if f.LookupTimeout > 0 {
		lookup = time.Duration(f.LookupTimeout) * time.Second
	}

	if f.SessionTimeout > 0 {
		session = time.Duration(f.SessionTimeout) * time.Second
	}

	return lookup, session
}

// Passphrase is the session's passphrase: the one given on the command line
// (flag) wins over the file's, so that one file can serve several sessions
// and 1.x files, which have none, can be used as they are.
func (f *File) Passphrase(flag string) string {
	if flag != "" {
		return flag
	}

	return f.SessionPassphrase
}

// ValidatePassphrase reports a missing passphrase when a trust session is
// needed: more than one system, or any system added to an existing cloud
// (the initiator is then not one of them).
func (f *File) ValidatePassphrase(flag string) []plan.Problem {
	var ps problems
	if f.Passphrase(flag) == "" && f.sessionNeeded() {
		ps.add("session_passphrase", "missing: more than one machine takes part, so the trust session needs a passphrase (session_passphrase, or --passphrase)")
	}

	return ps
}

// sessionNeeded reports whether other machines than the initiator take
// part. A 1.x file does not say whether the initiator is among its systems;
// the reference asked for a passphrase only with more than one system.
func (f *File) sessionNeeded() bool {
	if len(f.Systems) > 1 {
		return true
	}

	if len(f.Systems) == 0 || (f.Initiator == "" && f.InitiatorAddress == "") {
		return false
	}

	return f.Mode("") == plan.ModeAdd
}
