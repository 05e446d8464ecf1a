// Package clidoc writes the reference of a command line from its cobra
// commands: man pages (roff) for the Debian package, and one Markdown page
// for doc/. Both come from the commands themselves, so they cannot drift
// from what the binary accepts. The output is deterministic: no dates, no
// paths of the machine that generates it.
package clidoc

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Commands lists a command and every visible subcommand, depth first, in
// name order; cobra's own help and completion commands are included once
// root's defaults are initialised.
func Commands(root *cobra.Command) []*cobra.Command {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var out []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Deprecated != "" {
			return
		}

		out = append(out, c)
		children := append([]*cobra.Command(nil), c.Commands()...)
		sort.Slice(children, func(i, j int) bool { return children[i].Name() < children[j].Name() })
		for _, child := range children {
			walk(child)
		}
	}

	walk(root)
	return out
}

// flagLine is one flag as a reference shows it: "-f, --format string".
func flagLine(f *pflag.Flag) string {
	name := "--" + f.Name
	if f.Shorthand != "" {
		name = "-" + f.Shorthand + ", " + name
	}

	if typ, _ := pflag.UnquoteUsage(f); typ != "" && f.NoOptDefVal == "" {
		name += " " + typ
	}

	return name
}

// flagUsage is a flag's usage with its default, when it has a telling one.
func flagUsage(f *pflag.Flag) string {
	_, usage := pflag.UnquoteUsage(f)
	switch f.DefValue {
	case "", "false", "0", "0s", "[]":
		return usage
	}

	return fmt.Sprintf("%s (default %s)", usage, f.DefValue)
}

// visibleFlags are a flag set's flags, in name order, without hidden ones.
func visibleFlags(fs *pflag.FlagSet) []*pflag.Flag {
	var out []*pflag.Flag
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			out = append(out, f)
		}
	})

	return out
}

// description is a command's long text, else its short one.
func description(c *cobra.Command) string {
	if c.Long != "" {
		return c.Long
	}

	return c.Short
}

// Markdown is the reference of every command on one page.
func Markdown(root *cobra.Command, title string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", title)
	fmt.Fprintf(&b, "Generated from the commands themselves by `make docs`; `make check` fails when it is out of date.\n\n")
	commands := Commands(root)
	for _, c := range commands {
		fmt.Fprintf(&b, "- [`%s`](#%s)\n", c.CommandPath(), anchor(c.CommandPath()))
	}

	for _, c := range commands {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n```\n%s\n```\n", c.CommandPath(), c.Short, c.UseLine())
		if c.Long != "" {
			fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(c.Long))
		}

		if len(c.Aliases) > 0 {
			fmt.Fprintf(&b, "\nAliases: %s\n", strings.Join(c.Aliases, ", "))
		}

		writeFlagTable(&b, "Options", visibleFlags(c.NonInheritedFlags()))
		writeFlagTable(&b, "Inherited options", visibleFlags(c.InheritedFlags()))
	}

	return b.Bytes()
}

func writeFlagTable(b *bytes.Buffer, title string, flags []*pflag.Flag) {
	if len(flags) == 0 {
		return
	}

	fmt.Fprintf(b, "\n%s:\n\n| flag | meaning |\n|---|---|\n", title)
	for _, f := range flags {
		fmt.Fprintf(b, "| `%s` | %s |\n", flagLine(f), strings.ReplaceAll(flagUsage(f), "|", "\\|"))
	}
}

// anchor is GitHub's anchor of a heading.
func anchor(heading string) string {
	return strings.ReplaceAll(strings.ToLower(heading), " ", "-")
}

// Man is one man page per command (file name to roff text), in section
// (1 for the client, 8 for the daemon); source names the package and its
// version in each page's footer.
func Man(root *cobra.Command, section string, source string) map[string][]byte {
	out := map[string][]byte{}
	for _, c := range Commands(root) {
		name := strings.ReplaceAll(c.CommandPath(), " ", "-")
		var b bytes.Buffer
		fmt.Fprintf(&b, ".TH %q %q \"\" %q %q\n", strings.ToUpper(name), section, source, "MicroCloud")
		fmt.Fprintf(&b, ".SH NAME\n%s \\- %s\n", roff(name), roff(c.Short))
		fmt.Fprintf(&b, ".SH SYNOPSIS\n.B %s\n", roff(c.UseLine()))
		fmt.Fprintf(&b, ".SH DESCRIPTION\n")
		for _, para := range strings.Split(strings.TrimSpace(description(c)), "\n\n") {
			fmt.Fprintf(&b, ".PP\n%s\n", roff(strings.Join(strings.Fields(para), " ")))
		}

		manFlags(&b, "OPTIONS", visibleFlags(c.NonInheritedFlags()))
		manFlags(&b, "INHERITED OPTIONS", visibleFlags(c.InheritedFlags()))
		var related []string
		if c.HasParent() {
			related = append(related, strings.ReplaceAll(c.Parent().CommandPath(), " ", "-"))
		}

		for _, child := range c.Commands() {
			if !child.Hidden && child.Deprecated == "" {
				related = append(related, strings.ReplaceAll(child.CommandPath(), " ", "-"))
			}
		}

		sort.Strings(related)
		if len(related) > 0 {
			var refs []string
			for _, r := range related {
				refs = append(refs, fmt.Sprintf("\\fB%s\\fR(%s)", roff(r), section))
			}

			fmt.Fprintf(&b, ".SH SEE ALSO\n%s\n", strings.Join(refs, ", "))
		}

		out[name+"."+section] = b.Bytes()
	}

	return out
}

func manFlags(b *bytes.Buffer, title string, flags []*pflag.Flag) {
	if len(flags) == 0 {
		return
	}

	fmt.Fprintf(b, ".SH %s\n", title)
	for _, f := range flags {
		fmt.Fprintf(b, ".TP\n\\fB%s\\fR\n%s\n", roff(flagLine(f)), roff(flagUsage(f)))
	}
}

// roff escapes text for a man page: backslashes, hyphens (which roff
// would otherwise set as typographic dashes) and a leading dot or quote.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}

	return s
}
