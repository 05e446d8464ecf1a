package tui

import (
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"golang.org/x/term"
)

// DefaultWidth and DefaultHeight are assumed until the terminal reports its
// size (tea.WindowSizeMsg), and by the pure renderers' callers that have no
// terminal: the classic 80×24.
const (
	DefaultWidth  = 80
	DefaultHeight = 24
)

// The helpers below work on plain text: views fit their content to the width
// first and style it afterwards, so escape codes never count against (or get
// cut by) the width.

// cellWidth is how many terminal cells s occupies.
func cellWidth(s string) int {
	return lipgloss.Width(s)
}

// truncate cuts s to at most w cells, marking the cut with "…".
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}

	if cellWidth(s) <= w {
		return s
	}

	var b strings.Builder
	used := 0
	for _, r := range s {
		rw := cellWidth(string(r))
		if used+rw > w-1 {
			break
		}

		b.WriteRune(r)
		used += rw
	}

	return b.String() + "…"
}

// truncateMiddle cuts s to at most w cells by taking out its middle: table
// cells keep both ends, and the end of a disk path (the serial) or of an
// interface name is what tells rows apart.
func truncateMiddle(s string, w int) string {
	if cellWidth(s) <= w || w < 8 {
		return truncate(s, w)
	}

	runes := []rune(s)
	tail := ""
	used := 0
	for i := len(runes) - 1; i >= 0; i-- {
		rw := cellWidth(string(runes[i]))
		if used+rw > (w-1)/2 {
			break
		}

		tail = string(runes[i]) + tail
		used += rw
	}

	return strings.TrimSuffix(truncate(s, w-used), "…") + "…" + tail
}

// pad fills s with spaces up to w cells.
func pad(s string, w int) string {
	return s + strings.Repeat(" ", max(0, w-cellWidth(s)))
}

// wrap breaks s into lines of at most w cells, at spaces where it can and
// inside words that are longer than a line (addresses and disk paths must be
// shown whole, never cut with "…"). Newlines in s are kept.
func wrap(s string, w int) []string {
	w = max(w, 1)
	var lines []string
	for _, paragraph := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(paragraph) {
			for cellWidth(word) > w {
				if line != "" {
					lines = append(lines, line)
					line = ""
				}

				head, rest := splitAt(word, w)
				lines = append(lines, head)
				word = rest
			}

			switch {
			case line == "":
				line = word
			case cellWidth(line)+1+cellWidth(word) <= w:
				line += " " + word
			default:
				lines = append(lines, line)
				line = word
			}
		}

		lines = append(lines, line)
	}

	return lines
}

// splitAt cuts s after w cells.
func splitAt(s string, w int) (string, string) {
	used := 0
	for i, r := range s {
		rw := cellWidth(string(r))
		if used+rw > w && used > 0 {
			return s[:i], s[i:]
		}

		used += rw
	}

	return s, ""
}

// oneLine makes a cell safe for a single table line: tabs, newlines and
// other control characters would break the layout.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}

		return r
	}, s)
}

// Paragraph wraps text to width (words kept whole where they fit), one
// line per element of the result joined with newlines and ending in one.
func Paragraph(text string, width int) string {
	if width <= 0 {
		width = DefaultWidth
	}

	// Leading spaces indent every line of the paragraph (wrap drops them).
	body := strings.TrimLeft(text, " ")
	indent := strings.Repeat(" ", min(len(text)-len(body), width/2))
	lines := wrap(body, width-len(indent))
	for i := range lines {
		lines[i] = indent + lines[i]
	}

	return strings.Join(lines, "\n") + "\n"
}

// Width is the width of out when it is a terminal, else DefaultWidth.
func Width(out io.Writer) int {
	if f, ok := out.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}

	return DefaultWidth
}
