// Package harness starts and stops the project's binaries for system tests:
// every process it starts is recorded and only those are stopped, every wait
// is bounded.
package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// RepoRoot is the checkout the tests run from.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Bin returns the path of a binary built by `make build`, failing the test
// if it is missing (system tests run after the build, never instead of it).
func Bin(t testing.TB, name string) string {
	t.Helper()
	path := filepath.Join(RepoRoot(), "bin", name)
	_, err := os.Stat(path)
	if err != nil {
		t.Fatalf("%s is not built (run `make build` first): %v", path, err)
	}

	return path
}

// RequireRoot fails (not skips) a system test that is not run as root: the
// suite is part of `make check`, and a skipped suite must not look green.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("system tests must run as root")
	}
}

// Process is a background process started by a test.
type Process struct {
	Cmd  *exec.Cmd
	Log  string
	done chan error
}

// Start launches a long-running process in its own process group with its
// output in a log file, and stops it (SIGTERM, then SIGKILL) when the test ends.
func Start(t testing.TB, logPath string, name string, args ...string) *Process {
	t.Helper()
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(name, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Start()
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}

	p := &Process{Cmd: cmd, Log: logPath, done: make(chan error, 1)}
	go func() {
		p.done <- cmd.Wait()
		_ = logFile.Close()
	}()

	t.Cleanup(func() { _ = p.Stop(10 * time.Second) })
	return p
}

// Stop sends SIGTERM and waits up to timeout, then SIGKILLs. It returns the
// process's exit error (nil for a clean exit) or a timeout error.
func (p *Process) Stop(timeout time.Duration) error {
	if p.Cmd.ProcessState != nil {
		return nil
	}

	_ = p.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(timeout):
		_ = p.Cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%s did not stop within %s after SIGTERM", p.Cmd.Path, timeout)
	}
}

// Kill ends the process and everything it started (its process group) at
// once, as a crash would.
func (p *Process) Kill() {
	_ = syscall.Kill(-p.Cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
	p.done <- nil
}

// Wait waits up to timeout for the process to end by itself; it reports
// whether it did, and its exit error.
func (p *Process) Wait(timeout time.Duration) (bool, error) {
	select {
	case err := <-p.done:
		p.done <- err
		return true, err
	case <-time.After(timeout):
		return false, nil
	}
}

// Output returns what the process wrote so far.
func (p *Process) Output() string {
	data, _ := os.ReadFile(p.Log)
	return string(data)
}

// WaitForOutput waits until the process has printed marker, and fails the
// test when it ends without having printed it. It asks whether the process
// has ended before it reads the output: one that printed the marker and
// ended at once still counts as having reached it.
func (p *Process) WaitForOutput(t testing.TB, within time.Duration, marker string) {
	t.Helper()
	Eventually(t, within, 20*time.Millisecond, "the output to show "+marker, func() error {
		exited, _ := p.Exited()
		if strings.Contains(p.Output(), marker) {
			return nil
		}

		if exited {
			t.Fatalf("the process ended before printing %q:\n%s", marker, p.Output())
		}

		return errors.New("not yet")
	})
}

// Exited reports whether the process has ended, and how.
func (p *Process) Exited() (bool, error) {
	select {
	case err := <-p.done:
		p.done <- err
		return true, err
	default:
		return false, nil
	}
}

// Result is the outcome of a command run to completion.
type Result struct {
	Stdout string
	Stderr string
	Code   int
}

// Describe tells a failed command's exit status and both its streams, each
// marked even when empty, so that a failure always explains itself.
func (r Result) Describe() string {
	return fmt.Sprintf("exit status %d\n--- stdout:\n%s\n--- stderr:\n%s", r.Code, orNone(r.Stdout), orNone(r.Stderr))
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(empty)"
	}

	return strings.TrimRight(s, "\n")
}

// Run runs a command to completion with a bound on its duration.
func Run(t testing.TB, timeout time.Duration, name string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.Stdin = nil
	// On timeout kill the whole process group: `lab exec` runs the command
	// as a child that would otherwise outlive it and hold the pipes.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	res := Result{Stdout: stdout.String(), Stderr: stderr.String()}
	if ctx.Err() != nil {
		t.Fatalf("%s %s did not finish within %s", name, strings.Join(args, " "), timeout)
	}

	if err != nil {
		exitErr, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("run %s: %v", name, err)
		}

		res.Code = exitErr.ExitCode()
	}

	return res
}

// Eventually polls cond every interval until it returns nil or timeout
// passes, then fails the test with the last error.
func Eventually(t testing.TB, timeout time.Duration, interval time.Duration, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}

		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached within %s: %v", what, timeout, err)
		}

		time.Sleep(interval)
	}
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}

	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
