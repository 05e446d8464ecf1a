package multicast

import (
	"context"
	"io"
	"log"
	"net"
	"strings"
	"time"

	"github.com/hashicorp/mdns"
)

// Found is one machine seen on the network.
type Found struct {
	Instance     string
	Announcement Announcement

	// Addresses the answer came with.
	IPv4, IPv6 net.IP

	// Err says why the announcement could not be read.
	Err error
}

// Lookup queries for announcements on iface every interval until ctx ends
// and reports every answer (callers keep their own view of who they have
// seen: a machine that restarts its announcement must be seen again). Answers are requested by unicast, so that they reach this
// machine whatever interface its IPv4 multicast route uses.
func Lookup(ctx context.Context, iface *net.Interface, interval time.Duration, found func(Found)) error {
	families, err := ProbeFamilies(iface)
	if err != nil {
		return err
	}

	for ctx.Err() == nil {
		entries := make(chan *mdns.ServiceEntry, 256)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for e := range entries {
				report(e, found)
			}
		}()

		params := &mdns.QueryParam{
			Service:             Service,
			Domain:              "local",
			Timeout:             interval,
			Interface:           iface,
			Entries:             entries,
			WantUnicastResponse: true,
			DisableIPv4:         !families.IPv4,
			DisableIPv6:         !families.IPv6,
			Logger:              log.New(io.Discard, "", 0),
		}

		err := mdns.QueryContext(ctx, params)
		close(entries)
		<-done
		if err != nil && ctx.Err() == nil {
			// A transient send failure (interface flapping): try again
			// rather than ending the lookup.
			select {
			case <-ctx.Done():
			case <-time.After(interval):
			}
		}
	}

	return nil
}

func report(e *mdns.ServiceEntry, found func(Found)) {
	if !strings.HasSuffix(strings.TrimSuffix(e.Name, "."), Service+".local") {
		return
	}

	instance := strings.TrimSuffix(strings.TrimSuffix(e.Name, "."), "."+Service+".local")
	a, err := ParseTXT(e.InfoFields)
	found(Found{Instance: instance, Announcement: a, IPv4: e.AddrV4, IPv6: e.AddrV6, Err: err})
}
