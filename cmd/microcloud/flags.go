package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/pflag"
)

// secondsOrDuration is a duration flag that also takes bare seconds
// ("60"), the form the reference product's scripts use, besides Go
// durations ("1m", "90s").
type secondsOrDuration struct {
	d *time.Duration
}

func (v secondsOrDuration) Set(s string) error {
	d, err := parseSecondsOrDuration(s)
	if err != nil {
		return err
	}

	*v.d = d
	return nil
}

func (v secondsOrDuration) String() string {
	if v.d == nil {
		return "0s"
	}

	return v.d.String()
}

func (v secondsOrDuration) Type() string { return "duration" }

// parseSecondsOrDuration reads "60" or "2.5" as seconds, anything else as
// a Go duration.
func parseSecondsOrDuration(s string) (time.Duration, error) {
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Duration(n * float64(time.Second)), nil
	}

	return time.ParseDuration(s)
}

// durationFlag defines a duration flag that takes bare seconds too.
func durationFlag(f *pflag.FlagSet, p *time.Duration, name string, short string, value time.Duration, usage string) {
	*p = value
	f.VarP(secondsOrDuration{d: p}, name, short, usage)
}

// checkSessionFlags refuses the session flags init and add cannot take:
// timeouts out of range, and --preseed with --auto.
func checkSessionFlags(sessionTimeout time.Duration, lookupTimeout time.Duration, preseed string, auto bool) error {
	if sessionTimeout <= 0 || sessionTimeout > time.Hour {
		return fmt.Errorf("Invalid --session-timeout %s: must be between 1s and 1h", sessionTimeout)
	}

	if lookupTimeout <= 0 {
		return fmt.Errorf("Invalid --lookup-timeout %s: must be positive", lookupTimeout)
	}

	if preseed != "" && auto {
		return errors.New("Choose one of --preseed and --auto")
	}

	return nil
}
