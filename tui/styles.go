package tui

import (
	"os"

	"github.com/charmbracelet/lipgloss"
)

// styles are the few colours the TUI uses. With NO_COLOR set (or no colour
// support) lipgloss renders them as plain text.
type styles struct {
	Question lipgloss.Style
	Hint     lipgloss.Style
	Error    lipgloss.Style
	Warning  lipgloss.Style
	Success  lipgloss.Style
	Selected lipgloss.Style
	Disabled lipgloss.Style
	Header   lipgloss.Style
	Cursor   lipgloss.Style
}

// Styles is the TUI's palette.
var Styles = newStyles()

// DisableColor turns colours off for the rest of the run, as NO_COLOR
// does (--no-color).
func DisableColor() {
	_ = os.Setenv("NO_COLOR", "1")
	Styles = plainStyles()
}

func plainStyles() styles {
	plain := lipgloss.NewStyle()
	return styles{plain, plain, plain, plain, plain, plain, plain, plain.Bold(true), plain.Bold(true)}
}

func newStyles() styles {
	if os.Getenv("NO_COLOR") != "" {
		return plainStyles()
	}

	return styles{
		Question: lipgloss.NewStyle().Bold(true),
		Hint:     lipgloss.NewStyle().Faint(true),
		Error:    lipgloss.NewStyle().Foreground(lipgloss.Color("9")),
		Warning:  lipgloss.NewStyle().Foreground(lipgloss.Color("11")),
		Success:  lipgloss.NewStyle().Foreground(lipgloss.Color("10")),
		Selected: lipgloss.NewStyle().Foreground(lipgloss.Color("10")),
		Disabled: lipgloss.NewStyle().Faint(true),
		Header:   lipgloss.NewStyle().Bold(true),
		Cursor:   lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("12")),
	}
}
