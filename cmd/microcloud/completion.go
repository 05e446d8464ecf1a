package main

import (
	"sort"

	"github.com/spf13/cobra"

	"github.com/microcloud-project/microcloud/tui"
)

// completeMembers completes the names of the MicroCloud's members that are
// not given yet, asking the local daemon (nothing when it does not answer).
func completeMembers(g *globals, max int) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if max > 0 && len(args) >= max {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}

		c, err := g.client()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}

		members, err := c.Members(cmd.Context())
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}

		given := map[string]bool{}
		for _, a := range args {
			given[a] = true
		}

		var names []string
		for _, m := range members {
			if !given[m.Name] {
				names = append(names, m.Name)
			}
		}

		sort.Strings(names)
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeFormats gives every command with a --format flag the formats.
func completeFormats(root *cobra.Command) {
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		if cmd.Flags().Lookup("format") != nil {
			_ = cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return tui.Formats, cobra.ShellCompDirectiveNoFileComp
			})
		}

		for _, c := range cmd.Commands() {
			walk(c)
		}
	}

	walk(root)
}
