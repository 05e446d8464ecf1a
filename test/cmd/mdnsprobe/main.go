// Command mdnsprobe announces or looks up a _microcloud._tcp service with
// hashicorp/mdns, for lab tests: it proves multicast crosses the lab's
// bridges, and plays a rogue responder that knows no passphrase.
//
//	mdnsprobe announce -iface mgmt0 -name rogue -port 9443 -txt k=v -for 60s
//	mdnsprobe lookup -iface mgmt0 -expect 2 -timeout 10s [-no4|-no6]
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/mdns"
)

const service = "_microcloud._tcp"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: mdnsprobe announce|lookup [flags]")
		os.Exit(2)
	}

	// hashicorp/mdns logs every malformed packet; keep the output readable.
	log.SetOutput(io.Discard)

	var err error
	switch os.Args[1] {
	case "announce":
		err = announce(os.Args[2:])
	case "lookup":
		err = lookup(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}

	if err != nil {
		fmt.Fprintln(os.Stderr, "mdnsprobe:", err)
		os.Exit(1)
	}
}

type txtFlags []string

func (t *txtFlags) String() string     { return strings.Join(*t, ",") }
func (t *txtFlags) Set(v string) error { *t = append(*t, v); return nil }

func announce(args []string) error {
	fs := flag.NewFlagSet("announce", flag.ContinueOnError)
	ifaceName := fs.String("iface", "mgmt0", "interface to announce on")
	name := fs.String("name", "", "instance name (default: host name)")
	port := fs.Int("port", 9443, "port to announce")
	duration := fs.Duration("for", time.Minute, "how long to answer")
	var txt txtFlags
	fs.Var(&txt, "txt", "TXT record entry (repeatable)")
	err := fs.Parse(args)
	if err != nil {
		return err
	}

	iface, err := net.InterfaceByName(*ifaceName)
	if err != nil {
		return err
	}

	if *name == "" {
		*name, _ = os.Hostname()
	}

	ips, err := interfaceIPs(iface)
	if err != nil {
		return err
	}

	zone, err := mdns.NewMDNSService(*name, service, "local.", *name+".local.", *port, ips, txt)
	if err != nil {
		return err
	}

	server, err := mdns.NewServer(&mdns.Config{Zone: zone, Iface: iface})
	if err != nil {
		return err
	}

	defer server.Shutdown()
	fmt.Printf("announcing %s on %s (%v)\n", *name, iface.Name, ips)
	time.Sleep(*duration)
	return nil
}

func lookup(args []string) error {
	fs := flag.NewFlagSet("lookup", flag.ContinueOnError)
	ifaceName := fs.String("iface", "mgmt0", "interface to look up on")
	expect := fs.Int("expect", 1, "number of distinct instances to wait for")
	timeout := fs.Duration("timeout", 10*time.Second, "overall deadline")
	no4 := fs.Bool("no4", false, "IPv6 only")
	no6 := fs.Bool("no6", false, "IPv4 only")
	err := fs.Parse(args)
	if err != nil {
		return err
	}

	iface, err := net.InterfaceByName(*ifaceName)
	if err != nil {
		return err
	}

	seen := map[string]*mdns.ServiceEntry{}
	deadline := time.Now().Add(*timeout)
	for time.Now().Before(deadline) && len(seen) < *expect {
		entries := make(chan *mdns.ServiceEntry, 64)
		done := make(chan struct{})
		go func() {
			for e := range entries {
				if strings.Contains(e.Name, service) {
					seen[e.Name] = e
				}
			}

			close(done)
		}()

		params := mdns.DefaultParams(service)
		params.Interface = iface
		params.Entries = entries
		params.Timeout = 300 * time.Millisecond
		params.DisableIPv4 = *no4
		params.DisableIPv6 = *no6
		err := mdns.Query(params)
		close(entries)
		<-done
		if err != nil {
			return err
		}
	}

	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}

	sort.Strings(names)
	for _, name := range names {
		e := seen[name]
		fmt.Printf("found %s v4=%v v6=%v port=%d txt=%s\n", name, e.AddrV4, e.AddrV6, e.Port, strings.Join(e.InfoFields, ";"))
	}

	if len(seen) < *expect {
		return fmt.Errorf("found %d of %d instances within %s", len(seen), *expect, *timeout)
	}

	return nil
}

func interfaceIPs(iface *net.Interface) ([]net.IP, error) {
	addrs, err := iface.Addrs()
	if err != nil {
		return nil, err
	}

	var ips []net.IP
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.IsGlobalUnicast() {
			ips = append(ips, n.IP)
		}
	}

	if len(ips) == 0 {
		return nil, fmt.Errorf("%s has no global address", iface.Name)
	}

	return ips, nil
}
