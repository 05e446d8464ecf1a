package tui

import "strings"

// minAnswerRoom is the least room for the answer on the question's last
// line; with less, the answer goes on a line of its own.
const minAnswerRoom = 12

// promptLayout draws "Prompt [default=X]: " within width, wrapped when long,
// and returns the lines and the room left after the last one.
func promptLayout(prompt string, def string, width int) ([]string, int) {
	suffix := ":"
	if def != "" {
		suffix = " [default=" + def + "]:"
	}

	if cellWidth(prompt+suffix)+1 <= width {
		line := Styles.Question.Render(prompt) + Styles.Hint.Render(strings.TrimSuffix(suffix, ":")) + Styles.Question.Render(":") + " "
		return []string{line}, width - cellWidth(prompt+suffix) - 1
	}

	plain := wrap(prompt+suffix, width)
	lines := make([]string, len(plain))
	for i, l := range plain {
		lines[i] = Styles.Question.Render(l)
	}

	last := len(lines) - 1
	lines[last] += " "
	return lines, width - cellWidth(plain[last]) - 1
}

// promptLines is the question followed by the answer shown so far.
func promptLines(prompt string, def string, answer string, width int) []string {
	lines, room := promptLayout(prompt, def, width)
	if room >= minAnswerRoom || cellWidth(answer) <= room {
		lines[len(lines)-1] += truncate(answer, room)
		return lines
	}

	return append(lines, "  "+truncate(answer, width-2))
}
