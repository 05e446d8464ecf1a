package tui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/report"
)

var sgr = regexp.MustCompile("\x1b\\[([0-9;]*)m")

// colourCodes lists the SGR parameters of s that set a colour (foreground,
// background, 256-colour or true colour); bold, faint and reverse are not
// colours.
func colourCodes(s string) []string {
	var found []string
	for _, m := range sgr.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.Split(m[1], ";") {
			switch {
			case len(p) == 2 && (p[0] == '3' || p[0] == '4' || p[0] == '9') && p[1] != '9':
				found = append(found, p)
			case p == "38" || p == "48" || (len(p) == 3 && p[:2] == "10"):
				found = append(found, p)
			}
		}
	}

	return found
}

// everyView renders one of each component in the current palette.
func everyView(t *testing.T) string {
	table := send(t, NewSelectTable(interfaces()), keySpace, keyDown, keySpace, keyEnter)
	text := send(t, NewTextModel(gatewayQuestion()), typed("x"), keyEnter)
	confirm := send(t, NewConfirm(ConfirmQuestion{Prompt: "Continue?"}), typed("maybe"), keyEnter)
	progress := send(t, threeSystems(),
		event("micro01", types.MicroCloud, report.Done, ""),
		event("micro02", types.MicroOVN, report.Failed, "boom"),
		event("micro03", types.LXD, report.Running, ""),
	)

	return strings.Join([]string{table.View(), text.View(), confirm.View(), progress.View(), Summary(fullPlan(), 80), Warnings(nil, 80)}, "\n")
}

func TestNoColorMeansNoColourCodes(t *testing.T) {
	// Render as on a true-colour terminal: the test's own output is not a
	// terminal, so lipgloss would otherwise print no escapes at all. (0 is
	// termenv.TrueColor; naming it would make termenv a direct dependency.)
	profile := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(0)
	palette := Styles
	t.Cleanup(func() {
		lipgloss.SetColorProfile(profile)
		Styles = palette
	})

	t.Setenv("NO_COLOR", "")
	Styles = newStyles()
	if codes := colourCodes(everyView(t)); len(codes) == 0 {
		t.Fatal("no colour codes even without NO_COLOR: the check below would prove nothing")
	}

	t.Setenv("NO_COLOR", "1")
	Styles = newStyles()
	views := everyView(t)
	if codes := colourCodes(views); len(codes) != 0 {
		t.Fatalf("colour codes %v with NO_COLOR in:\n%q", codes, views)
	}

	// Choices stay readable without colour.
	assertContains(t, views, "[x]", "✗ failed", "✓ done")
}

func TestColourCodesDetection(t *testing.T) {
	for s, want := range map[string]int{
		"\x1b[1mbold\x1b[0m":             0,
		"\x1b[2;7mfaint\x1b[0m":          0,
		"\x1b[38;2;255;0;0mred\x1b[0m":   1,
		"\x1b[91mbright\x1b[0m":          1,
		"\x1b[1;34mbold blue\x1b[0m":     1,
		"\x1b[48;5;240mbackground\x1b[m": 1,
	} {
		if got := len(colourCodes(s)); (got > 0) != (want > 0) {
			t.Errorf("%q: %d colour codes", s, got)
		}
	}
}
