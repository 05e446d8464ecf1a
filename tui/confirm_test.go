package tui

import (
	"strings"
	"testing"
)

func TestParseYesNo(t *testing.T) {
	tests := []struct {
		answer  string
		def     bool
		want    bool
		wantErr bool
	}{
		{"", true, true, false},
		{"", false, false, false},
		{"  ", false, false, false},
		{"y", false, true, false},
		{"Yes", false, true, false},
		{"YES", false, true, false},
		{"n", true, false, false},
		{"no", true, false, false},
		{" No ", true, false, false},
		{"maybe", true, false, true},
		{"yess", true, false, true},
		{"1", true, false, true},
	}

	for _, tt := range tests {
		got, err := ParseYesNo(tt.answer, tt.def)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseYesNo(%q, %v) = %v, %v", tt.answer, tt.def, got, err)
		}
	}
}

func TestConfirmShowsTheDefault(t *testing.T) {
	view := NewConfirm(ConfirmQuestion{Prompt: "Would you like to set up local storage?", Default: true}).View()
	assertContains(t, view, "Would you like to set up local storage? (yes/no) [default=yes]: ")
	view = NewConfirm(ConfirmQuestion{Prompt: "Configure dedicated OVN underlay networking?"}).View()
	assertContains(t, view, "(yes/no) [default=no]: ")
}

func TestConfirmEnterTakesTheDefault(t *testing.T) {
	for _, def := range []bool{true, false} {
		m := NewConfirm(ConfirmQuestion{Prompt: "Continue?", Default: def})
		model, cmd := m.Update(keyEnter)
		m = model.(ConfirmModel)
		if !m.Done() || m.Value() != def || !isQuit(cmd) {
			t.Fatalf("default %v: done %v value %v", def, m.Done(), m.Value())
		}

		assertContains(t, m.View(), "[default="+yesNo(def)+"]: "+yesNo(def))
	}
}

func TestConfirmTypedAnswers(t *testing.T) {
	for answer, want := range map[string]bool{"y": true, "yes": true, "n": false, "NO": false} {
		m := send(t, NewConfirm(ConfirmQuestion{Prompt: "Continue?", Default: !want}), typed(answer), keyEnter)
		if !m.Done() || m.Value() != want {
			t.Errorf("%q: done %v value %v", answer, m.Done(), m.Value())
		}
	}
}

func TestConfirmRefusesOtherAnswersInline(t *testing.T) {
	m := send(t, NewConfirm(ConfirmQuestion{Prompt: "Continue?", Default: true}), typed("maybe"), keyEnter)
	if m.Done() {
		t.Fatalf("accepted %q", "maybe")
	}

	assertContains(t, m.View(), `Please answer yes or no (not "maybe")`)

	// Editing clears the error; the corrected answer is taken.
	m = send(t, m, keyBack)
	assertNotContains(t, m.View(), "Please answer")
	m = send(t, m, keyCtrlU, typed("no"), keyEnter)
	if !m.Done() || m.Value() {
		t.Fatalf("done %v value %v", m.Done(), m.Value())
	}
}

func TestConfirmCancels(t *testing.T) {
	for _, k := range []any{keyEsc, keyCtrlC} {
		m := NewConfirm(ConfirmQuestion{Prompt: "Continue?"})
		model, cmd := m.Update(k)
		if !model.(ConfirmModel).Cancelled() || !isQuit(cmd) {
			t.Errorf("%v did not cancel", k)
		}
	}
}

func TestConfirmLongPromptWraps(t *testing.T) {
	q := ConfirmQuestion{Prompt: "Disk configuration does not meet recommendations for fault tolerance. At least 3 systems must supply disks (2 currently supplying). Change disk selection?", Default: true}
	m := send(t, NewConfirm(q), windowSize(80, 24), typed("yes"))
	view := m.View()
	assertFits(t, view, 80)
	assertContains(t, view, "[default=yes]:", "yes█")
}

func TestConfirmReadsALineWithoutATerminal(t *testing.T) {
	in := strings.NewReader("no\n\nmaybe\n")
	for _, want := range []struct {
		value bool
		err   bool
	}{{false, false}, {true, false}, {false, true}} {
		got, err := Confirm(in, nil, ConfirmQuestion{Prompt: "Continue?", Default: true})
		if got != want.value || (err != nil) != want.err {
			t.Fatalf("got %v, %v; want %v, error %v", got, err, want.value, want.err)
		}
	}

	_, err := Confirm(in, nil, ConfirmQuestion{Prompt: "Continue?"})
	if err == nil || !strings.Contains(err.Error(), `No answer to "Continue?"`) {
		t.Fatalf("no input: %v", err)
	}
}
