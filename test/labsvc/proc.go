package labsvc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func commandContext(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, name, args...)
}

// Proc is a long-running program a lab service supervises. It runs in the
// service's namespaces (a lab node's), in its own process group so that a
// restart of the service does not take it down, and it is found again after
// such a restart through its PID file.
type Proc struct {
	Name    string
	PidFile string
	LogFile string
	Command []string
	Env     []string
}

// Pid returns the PID from the PID file if that process still runs. The
// file records the process's start time too: a PID with the same start time
// is the same process, whatever a program does to its command line
// (ovn-controller rewrites it) and however PIDs are recycled.
func (p Proc) Pid() (int, bool) {
	data, err := os.ReadFile(p.PidFile)
	if err != nil {
		return 0, false
	}

	fields := strings.Fields(string(data))
	if len(fields) != 2 {
		return 0, false
	}

	pid, err := strconv.Atoi(fields[0])
	if err != nil || pid <= 0 {
		return 0, false
	}

	start, ok := startTime(pid)
	if !ok || start != fields[1] {
		return 0, false
	}

	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil || strings.Contains(string(status), "State:\tZ") {
		return 0, false
	}

	return pid, true
}

// startTime reads a process's start time (field 22 of /proc/PID/stat).
func startTime(pid int) (string, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", false
	}

	// The command name (field 2) may contain spaces: count after its ")".
	end := strings.LastIndexByte(string(data), ')')
	if end < 0 {
		return "", false
	}

	fields := strings.Fields(string(data)[end+1:])
	if len(fields) < 20 {
		return "", false
	}

	return fields[19], true
}

// Alive reports whether the program runs.
func (p Proc) Alive() bool {
	_, ok := p.Pid()
	return ok
}

// Start launches the program unless it already runs, and checks that it
// survives its first moments (a bad flag or a busy port shows up at once).
func (p Proc) Start() error {
	if p.Alive() {
		return nil
	}

	log, err := os.OpenFile(p.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return err
	}

	defer log.Close()
	cmd := exec.Command(p.Command[0], p.Command[1:]...)
	cmd.Env = append(os.Environ(), p.Env...)
	cmd.Stdout = log
	cmd.Stderr = log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Start()
	if err != nil {
		return fmt.Errorf("Failed to start %s: %w", p.Name, err)
	}

	start, _ := startTime(cmd.Process.Pid)
	err = os.WriteFile(p.PidFile, []byte(fmt.Sprintf("%d %s\n", cmd.Process.Pid, start)), 0o640)
	if err != nil {
		_ = cmd.Process.Kill()
		return err
	}

	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		return fmt.Errorf("%s exited at start (%v); see %s", p.Name, err, p.LogFile)
	case <-time.After(200 * time.Millisecond):
	}

	return nil
}

// Stop sends SIGTERM, waits up to timeout, then SIGKILLs.
func (p Proc) Stop(timeout time.Duration) error {
	pid, ok := p.Pid()
	if !ok {
		_ = os.Remove(p.PidFile)
		return nil
	}

	_ = syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if !p.Alive() {
			_ = os.Remove(p.PidFile)
			return nil
		}

		time.Sleep(50 * time.Millisecond)
	}

	_ = syscall.Kill(pid, syscall.SIGKILL)
	_ = os.Remove(p.PidFile)
	return errors.New(p.Name + " did not stop on SIGTERM and was killed")
}

// WaitFor polls cond every 100 ms until it returns nil or timeout passes.
func WaitFor(ctx context.Context, timeout time.Duration, what string, cond func() error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		err := cond()
		if err == nil {
			return nil
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("Timed out after %s waiting for %s: %w", timeout, what, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
