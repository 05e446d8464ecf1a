package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/microcloud-project/microcloud/tui/clidoc"
)

// TestCLIReferenceIsUpToDate: doc/reference/microcloud.md is what the
// commands say (run 'make docs' after changing a command).
func TestCLIReferenceIsUpToDate(t *testing.T) {
	for _, env := range []string{"MICROCLOUD_STATE_DIR", "SNAP_COMMON"} {
		t.Setenv(env, "")
	}

	want := clidoc.Markdown(newRootCommand(&globals{}), referenceTitle)
	have, err := os.ReadFile("../../doc/reference/microcloud.md")
	if err != nil || !bytes.Equal(have, want) {
		t.Fatalf("doc/reference/microcloud.md is out of date (%v): run 'make docs'", err)
	}
}

// TestManPages: one page per visible command, with its options.
func TestManPages(t *testing.T) {
	pages := clidoc.Man(newRootCommand(&globals{}), "1", "microcloud test")
	for _, name := range []string{"microcloud.1", "microcloud-add.1", "microcloud-service-add.1", "microcloud-completion-bash.1"} {
		if len(pages[name]) == 0 {
			t.Fatalf("no page %s (pages: %d)", name, len(pages))
		}
	}

	if _, hidden := pages["microcloud-__docs.1"]; hidden {
		t.Fatal("the hidden generator has a page")
	}

	add := string(pages["microcloud-add.1"])
	for _, want := range []string{`.TH "MICROCLOUD-ADD" "1"`, `\fB\-\-auto\fR`, ".SH SEE ALSO"} {
		if !strings.Contains(add, want) {
			t.Fatalf("microcloud-add.1 lacks %q:\n%s", want, add)
		}
	}
}
