package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/tui/clidoc"
	"github.com/microcloud-project/microcloud/version"
)

// referenceTitle heads doc/reference/microcloud.md.
const referenceTitle = "microcloud command reference"

// newDocsCommand is the hidden generator of the man pages and the CLI
// reference (make docs, make deb).
func newDocsCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:    "__docs man DIR | markdown FILE",
		Hidden: true,
		Args:   exactArgs(2, "man DIR or markdown FILE"),
		RunE: func(_ *cobra.Command, args []string) error {
			// A tree of its own: generating adds cobra's help and
			// completion commands to it.
			root := newRootCommand(&globals{stdin: g.stdin, stdout: g.stdout, stderr: g.stderr})
			return writeDocs(root, args[0], args[1], "1", referenceTitle)
		},
	}
}

// writeDocs writes man pages into a directory, or the Markdown reference
// to a file.
func writeDocs(root *cobra.Command, kind string, target string, section string, title string) error {
	switch kind {
	case "man":
		err := os.MkdirAll(target, 0o755)
		if err != nil {
			return err
		}

		for name, text := range clidoc.Man(root, section, "microcloud "+version.Version()) {
			err := os.WriteFile(filepath.Join(target, name), text, 0o644)
			if err != nil {
				return err
			}
		}

		return nil
	case "markdown":
		return os.WriteFile(target, clidoc.Markdown(root, title), 0o644)
	}

	return fmt.Errorf("Unknown kind of documentation %q (man or markdown)", kind)
}
