// Package lifecycle holds the use cases of MicroCloud's life: forming a
// cloud (init, in its interactive, preseed and --auto flavours) and joining
// one. Each flavour is a Planner; one Pipeline runs them all: discover,
// choose the systems, gather their facts, plan, validate, confirm, save,
// execute, close the session. Everything the use cases touch is injected
// (streams, the daemon, the host name, local addresses), so the pipeline's
// rules are unit-tested with fakes; cmd/ only parses flags.
package lifecycle

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"

	"github.com/microcloud-project/microcloud/tui"
)

// Env is the world a use case runs in.
type Env struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer

	// Backend reaches the local daemon and, through it, the machines.
	Backend Backend

	// Hostname is this machine's name.
	Hostname string

	// LocalAddresses are this machine's global addresses.
	LocalAddresses []net.IP

	// InterfaceAddresses are the global addresses of one interface (a
	// preseed's lookup_interface); an unknown interface is an error.
	InterfaceAddresses func(name string) ([]net.IP, error)

	// StateDir is microcloudd's state directory (the interactive init
	// saves its plan there).
	StateDir string

	// Progress runs the executor with a live view of its reports (the
	// terminal's progress table, or plain lines).
	Progress ProgressFunc
}

// say prints a line of information on standard output, wrapped to the
// terminal's width on a terminal (a path in a message must not overflow an
// 80-column screen) and as it is otherwise (logs keep one line a message).
func (e *Env) say(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	if f, ok := e.Out.(*os.File); ok && tui.IsTerminal(f) {
		fmt.Fprint(e.Out, tui.Paragraph(text, tui.Width(e.Out)))
		return
	}

	fmt.Fprintln(e.Out, text)
}

// SavedPreseedPath is where the interactive init keeps its plan, to replay
// after an interrupted run.
func (e *Env) SavedPreseedPath() string {
	return filepath.Join(e.StateDir, "init-preseed.yaml")
}

// SavedAddPreseedPath is where the interactive add keeps its plan.
func (e *Env) SavedAddPreseedPath() string {
	return filepath.Join(e.StateDir, "add-preseed.yaml")
}

// HostEnv fills in the host's name and global addresses.
func HostEnv(env Env) (Env, error) {
	var err error
	if env.Hostname == "" {
		env.Hostname, err = os.Hostname()
		if err != nil {
			return env, err
		}
	}

	if env.LocalAddresses == nil {
		addrs, _ := net.InterfaceAddrs()
		env.LocalAddresses = globalAddresses(addrs)
	}

	if env.InterfaceAddresses == nil {
		env.InterfaceAddresses = func(name string) ([]net.IP, error) {
			iface, err := net.InterfaceByName(name)
			if err != nil {
				return nil, fmt.Errorf("This machine has no interface %q", name)
			}

			addrs, err := iface.Addrs()
			if err != nil {
				return nil, err
			}

			return globalAddresses(addrs), nil
		}
	}

	return env, nil
}

// globalAddresses keeps the global unicast addresses.
func globalAddresses(addrs []net.Addr) []net.IP {
	var out []net.IP
	for _, a := range addrs {
		if ipnet, ok := a.(*net.IPNet); ok && ipnet.IP.IsGlobalUnicast() {
			out = append(out, ipnet.IP)
		}
	}

	return out
}
