package preseed

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/microcloud-project/microcloud/service/plan"
)

// SessionOptions are what a preseed holds beyond a Plan: how the systems
// find each other, and the session's settings. Give LookupSubnet
// (multicast) or InitiatorAddress (unicast), not both; with neither, an
// init plan is written in unicast form with the initiator's address.
type SessionOptions struct {
	// LookupSubnet is the subnet the systems' MicroCloud addresses are in
	// ("10.0.0.0/24"); the systems' addresses are then not written: on
	// replay each system's address is found in it again.
	LookupSubnet string

	// InitiatorAddress is the initiator's MicroCloud address; every
	// system's address is then written.
	InitiatorAddress string

	Passphrase string

	// Zero leaves a timeout out (its default applies).
	LookupTimeout  time.Duration
	SessionTimeout time.Duration
}

// FromPlan writes the preseed (2.x/3.x form) that makes ToPlan give back
// the plan, given facts that agree with it: what `microcloud init
// --dry-run` prints, so that an interactive session can be replayed
// unattended. Disks are written by path, never as filters.
func FromPlan(p plan.Plan, session SessionOptions) ([]byte, error) {
	f := File{
		SessionPassphrase: session.Passphrase,
		LookupTimeout:     int64(session.LookupTimeout / time.Second),
		SessionTimeout:    int64(session.SessionTimeout / time.Second),
	}

	err := discovery(&f, p, session)
	if err != nil {
		return nil, err
	}

	for _, s := range p.Systems {
		fs := System{Name: s.Name, UplinkInterface: s.UplinkInterface, UnderlayIP: s.UnderlayIP}
		if f.InitiatorAddress != "" {
			fs.Address = s.Address
		}

		if s.LocalDisk != nil {
			fs.Storage.Local = DirectDisk{Path: s.LocalDisk.Path, Wipe: s.LocalDisk.Wipe, Encrypt: s.LocalDisk.Encrypt}
		}

		for _, d := range s.CephDisks {
			fs.Storage.Ceph = append(fs.Storage.Ceph, DirectDisk{Path: d.Path, Wipe: d.Wipe, Encrypt: d.Encrypt})
		}

		f.Systems = append(f.Systems, fs)
	}

	if p.OVN != nil {
		f.OVN = OVN{
			IPv4Gateway: p.OVN.IPv4Gateway,
			IPv4Range:   p.OVN.IPv4Range,
			IPv6Gateway: p.OVN.IPv6Gateway,
			DNSServers:  strings.Join(p.OVN.DNSServers, ","),
		}
	}

	if p.Ceph != nil {
		f.Ceph = Ceph{CephFS: p.Ceph.CephFS, InternalNetwork: p.Ceph.InternalNetwork, PublicNetwork: p.Ceph.PublicNetwork}
	}

	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	err = enc.Encode(f)
	if err != nil {
		return nil, fmt.Errorf("Failed to write the preseed: %w", err)
	}

	err = enc.Close()
	if err != nil {
		return nil, fmt.Errorf("Failed to write the preseed: %w", err)
	}

	return out.Bytes(), nil
}

// discovery writes how the systems find the initiator.
func discovery(f *File, p plan.Plan, session SessionOptions) error {
	switch {
	case session.LookupSubnet != "" && session.InitiatorAddress != "":
		return errors.New("Give either the lookup subnet or the initiator's address, not both")
	case session.LookupSubnet != "":
		_, subnet, err := net.ParseCIDR(session.LookupSubnet)
		if err != nil {
			return fmt.Errorf("Lookup subnet %q is not a subnet in CIDR form", session.LookupSubnet)
		}

		for _, s := range p.Systems {
			if !subnet.Contains(net.ParseIP(s.Address)) {
				return fmt.Errorf("The address of %q (%s) is outside the lookup subnet %s: write the file with the initiator's address instead", s.Name, s.Address, subnet)
			}
		}

		f.Initiator = p.Initiator
		f.LookupSubnet = session.LookupSubnet
		return nil
	case session.InitiatorAddress != "":
		f.InitiatorAddress = session.InitiatorAddress
		return nil
	}

	initiator, ok := p.System(p.Initiator)
	if !ok || initiator.Address == "" {
		return fmt.Errorf("The initiator %q is not one of the plan's systems: give its address or the lookup subnet", p.Initiator)
	}

	f.InitiatorAddress = initiator.Address
	return nil
}
