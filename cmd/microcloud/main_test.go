package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The CLI's errors are one line on stderr with status 1, whatever the cause.
func TestErrorsAreOneLine(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	err := os.WriteFile(file, nil, 0o600)
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--nope"}, "Error: unknown flag: --nope (see 'microcloud --help')"},
		{[]string{"clusterr"}, `Error: unknown command "clusterr" for "microcloud" Did you mean this? cluster`},
		{[]string{"--state-dir", dir, "cluster", "list"}, "Error: microcloudd is not running (no daemon answers on " + dir + "/control.socket)"},
		{[]string{"--state-dir", file, "cluster", "list"}, `Error: State directory "` + file + `" is not a directory`},
		{[]string{"--state-dir", dir, "cluster", "remove", "a", "b"}, "Error: microcloud cluster remove takes the name of one member (got 2 arguments)"},
		{[]string{"--state-dir", dir, "service", "list", "--format", "html"}, `Error: Invalid format "html" (choose one of table, json, yaml, csv)`},
		{[]string{"--state-dir", dir, "waitready", "--timeout", "-1s"}, "Error: Invalid --timeout -1s: must not be negative"},
	}

	for _, tc := range cases {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, strings.NewReader(""), &stdout, &stderr)
		if code != 1 {
			t.Errorf("%v: exit %d", tc.args, code)
		}

		if got := strings.TrimSuffix(stderr.String(), "\n"); got != tc.want {
			t.Errorf("%v:\n got %q\nwant %q", tc.args, got, tc.want)
		}

		if stdout.Len() != 0 {
			t.Errorf("%v: unexpected stdout %q", tc.args, stdout.String())
		}
	}
}

func TestVersionWithoutDaemon(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--state-dir", t.TempDir(), "version"}, nil, &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "microcloudd: not running") {
		t.Fatalf("code %d stdout %q stderr %q", code, stdout.String(), stderr.String())
	}
}

func TestOneLine(t *testing.T) {
	got := oneLine("a\n\n\tb  \r\nc")
	if got != "a b c" {
		t.Fatalf("%q", got)
	}
}
