package tui

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
)

func cidr(s string) error {
	_, _, err := net.ParseCIDR(s)
	if err != nil {
		return fmt.Errorf("%q is not a gateway in CIDR form (like 10.0.0.1/24)", s)
	}

	return nil
}

func gatewayQuestion() TextQuestion {
	return TextQuestion{Prompt: "Specify the IPv4 gateway (CIDR) on the uplink network", Default: "10.0.0.1/24", Validate: cidr}
}

func TestTextShowsTheDefault(t *testing.T) {
	assertContains(t, NewTextModel(gatewayQuestion()).View(), "on the uplink network [default=10.0.0.1/24]: ")
	assertNotContains(t, NewTextModel(TextQuestion{Prompt: "Name"}).View(), "default")
}

func TestTextEnterOnEmptyTakesTheDefault(t *testing.T) {
	m := NewTextModel(gatewayQuestion())
	model, cmd := m.Update(keyEnter)
	m = model.(TextModel)
	if !m.Done() || m.Value() != "10.0.0.1/24" || !isQuit(cmd) {
		t.Fatalf("done %v value %q", m.Done(), m.Value())
	}

	// The prompt leaves no room on its line: the answer goes under it.
	assertContains(t, m.View(), "[default=10.0.0.1/24]: \n  10.0.0.1/24")
}

func TestTextValidationIsShownInlineAndClearsOnEdit(t *testing.T) {
	m := send(t, NewTextModel(gatewayQuestion()), typed("10.0.0.1"), keyEnter)
	if m.Done() {
		t.Fatalf("an invalid gateway was accepted")
	}

	assertContains(t, m.View(), `"10.0.0.1" is not a gateway in CIDR form (like 10.0.0.1/24)`)
	m = send(t, m, typed("/"))
	assertNotContains(t, m.View(), "is not a gateway")
	m = send(t, m, typed("16"), keyEnter)
	if !m.Done() || m.Value() != "10.0.0.1/16" {
		t.Fatalf("done %v value %q", m.Done(), m.Value())
	}
}

func TestTextValidatesTheDefaultToo(t *testing.T) {
	q := TextQuestion{Prompt: "Specify the first IPv4 address in the range", Validate: func(s string) error {
		if s == "" {
			return errors.New("The range is required")
		}

		return nil
	}}

	m := send(t, NewTextModel(q), keyEnter)
	if m.Done() {
		t.Fatal("empty answer accepted")
	}

	assertContains(t, m.View(), "The range is required")
}

func TestTextCancels(t *testing.T) {
	for _, k := range []any{keyEsc, keyCtrlC} {
		model, cmd := NewTextModel(gatewayQuestion()).Update(k)
		if !model.(TextModel).Cancelled() || !isQuit(cmd) {
			t.Errorf("%v did not cancel", k)
		}
	}
}

func TestTextSecretIsNotShown(t *testing.T) {
	m := send(t, NewTextModel(TextQuestion{Prompt: "Passphrase", Secret: true}), typed("hunter2 words"))
	assertNotContains(t, m.View(), "hunter2")
	m = send(t, m, keyEnter)
	if m.Value() != "hunter2 words" {
		t.Fatalf("value %q", m.Value())
	}

	assertNotContains(t, m.View(), "hunter2")
}

func TestTextLongPromptAndAnswerFit(t *testing.T) {
	q := TextQuestion{Prompt: "Specify the DNS addresses (comma-separated IPv4 / IPv6 addresses) for the distributed network", Default: "10.0.0.1"}
	m := send(t, NewTextModel(q), windowSize(80, 24), typed(strings.Repeat("10.0.0.1,", 20)))
	assertFits(t, m.View(), 80)
	m = send(t, m, keyEnter)
	assertFits(t, m.View(), 80)
	if !strings.HasPrefix(m.Value(), "10.0.0.1,10.0.0.1,") {
		t.Fatalf("value %q", m.Value())
	}
}

func TestAskReadsOneLinePerQuestionFromAPipe(t *testing.T) {
	// Three questions answered from one pipe: each must get its own line.
	in := strings.NewReader("10.0.0.1/24\n\r\n10.0.0.100\n")
	answers := []string{}
	for _, q := range []TextQuestion{gatewayQuestion(), {Prompt: "DNS", Default: "1.1.1.1"}, {Prompt: "First"}} {
		a, err := Ask(in, nil, q)
		if err != nil {
			t.Fatal(err)
		}

		answers = append(answers, a)
	}

	if strings.Join(answers, "|") != "10.0.0.1/24|1.1.1.1|10.0.0.100" {
		t.Fatalf("answers %q", answers)
	}

	_, err := Ask(in, nil, TextQuestion{Prompt: "More"})
	if err == nil {
		t.Fatal("no error at the end of the input")
	}
}

func TestAskValidatesPipedAnswers(t *testing.T) {
	_, err := Ask(strings.NewReader("nonsense"), nil, gatewayQuestion())
	if err == nil || !strings.Contains(err.Error(), "is not a gateway") {
		t.Fatalf("err %v", err)
	}
}

// A default too long for the prompt's line wraps whole onto the next one at
// 80 columns: what Enter will use is never cut.
func TestTextLongDefaultWrapsWhole(t *testing.T) {
	q := TextQuestion{Prompt: "Uplink IPv4 addresses OVN may give its routers (first-last)", Default: "10.96.0.100-10.96.0.150"}
	view := NewTextModel(q).View()
	assertContains(t, view, "[default=10.96.0.100-10.96.0.150]:")
	for _, l := range strings.Split(view, "\n") {
		if w := cellWidth(l); w > DefaultWidth {
			t.Fatalf("line of %d columns: %q", w, l)
		}
	}
}
