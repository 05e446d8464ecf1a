package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func TestParseSecondsOrDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"60": time.Minute, "2.5": 2500 * time.Millisecond, "0": 0, "90s": 90 * time.Second, "1m30s": 90 * time.Second} {
		got, err := parseSecondsOrDuration(in)
		if err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}

	for _, bad := range []string{"soon", "", "5 minutes"} {
		if _, err := parseSecondsOrDuration(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// The reference's scripts give timeouts in bare seconds; a bad one is still
// a one-line error naming the flag.
func TestTimeoutFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--state-dir", t.TempDir(), "waitready", "--timeout", "soon"}, strings.NewReader(""), &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), `invalid argument "soon" for "-t, --timeout" flag`) {
		t.Fatalf("code %d stderr %q", code, stderr.String())
	}

	stderr.Reset()
	code = run(context.Background(), []string{"--state-dir", t.TempDir(), "waitready", "--timeout", "1"}, strings.NewReader(""), &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "Timed out after 1s") {
		t.Fatalf("code %d stderr %q", code, stderr.String())
	}
}

func TestCompletionAndNoColor(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"completion", shell}, strings.NewReader(""), &stdout, &stderr)
		if code != 0 || !strings.Contains(stdout.String(), "microcloud") {
			t.Fatalf("completion %s: code %d, stderr %q", shell, code, stderr.String())
		}
	}

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"__complete", "status", "--format", ""}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 || !strings.HasPrefix(stdout.String(), "table\njson\nyaml\ncsv\n") {
		t.Fatalf("format completion: code %d, %q", code, stdout.String())
	}

	stdout.Reset()
	t.Setenv("NO_COLOR", "")
	code = run(context.Background(), []string{"--no-color", "--state-dir", t.TempDir(), "version"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("--no-color: code %d, stderr %q", code, stderr.String())
	}
}

// --preseed FILE, --preseed=FILE, --preseed - and a bare --preseed (1.x:
// standard input) all work.
func TestPreseedForms(t *testing.T) {
	cases := []struct {
		flag string
		args []string
		want string
	}{
		{"-", []string{"file.yaml"}, "file.yaml"},
		{"file.yaml", nil, "file.yaml"},
		{"-", nil, "-"},
		{"", nil, ""},
	}

	for _, c := range cases {
		if got := preseedPath(c.flag, c.args); got != c.want {
			t.Errorf("%q %v: %q, want %q", c.flag, c.args, got, c.want)
		}
	}

	cmd := newRootCommand(&globals{})
	for _, args := range [][]string{{"init", "--preseed", "f.yaml"}, {"init", "--preseed=f.yaml"}, {"init", "--preseed"}, {"init", "--preseed", "-"}, {"add", "--preseed", "f.yaml"}} {
		sub, rest, err := cmd.Find(args)
		if err != nil {
			t.Fatal(err)
		}

		sub.Flags().VisitAll(func(f *pflag.Flag) { _ = f.Value.Set(f.DefValue); f.Changed = false })
		if err := sub.ParseFlags(rest); err != nil {
			t.Fatalf("%v: %v", args, err)
		}

		if err := sub.ValidateArgs(sub.Flags().Args()); err != nil {
			t.Fatalf("%v: %v", args, err)
		}

		got := preseedPath(sub.Flags().Lookup("preseed").Value.String(), sub.Flags().Args())
		want := "f.yaml"
		if args[len(args)-1] == "--preseed" || args[len(args)-1] == "-" {
			want = "-"
		}

		if got != want {
			t.Errorf("%v: preseed %q, want %q", args, got, want)
		}
	}

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--state-dir", t.TempDir(), "init", "a", "b"}, strings.NewReader(""), &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "microcloud init takes no arguments (got 2 arguments)") {
		t.Fatalf("stray arguments: %d %q", code, stderr.String())
	}
}
