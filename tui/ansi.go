package tui

import "regexp"

// ansiSequence matches CSI escape sequences (colours, cursor movement).
var ansiSequence = regexp.MustCompile("\x1b\\[[0-9;?]*[ -/]*[@-~]")

// fitStyled is the last guard on a styled line: one that would still be
// too wide loses its styling and is cut.
func fitStyled(line string, width int) string {
	if cellWidth(line) <= width {
		return line
	}

	return truncate(stripANSI(line), width)
}

// stripANSI removes terminal escape sequences.
func stripANSI(s string) string {
	return ansiSequence.ReplaceAllString(s, "")
}
