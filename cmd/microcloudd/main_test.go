package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/microcloud-project/microcloud/tui/clidoc"
)

// TestReferenceIsUpToDate: doc/reference/microcloudd.md is what the
// command line says (run 'make docs' after changing it).
func TestReferenceIsUpToDate(t *testing.T) {
	for _, env := range []string{"MICROCLOUD_STATE_DIR", "SNAP_COMMON", "LXD_DIR"} {
		t.Setenv(env, "")
	}

	config := defaultConfig()
	want := clidoc.Markdown(newRootCommand(&config), referenceTitle)
	have, err := os.ReadFile("../../doc/reference/microcloudd.md")
	if err != nil || !bytes.Equal(have, want) {
		t.Fatalf("doc/reference/microcloudd.md is out of date (%v): run 'make docs'", err)
	}
}
