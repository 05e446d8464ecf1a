package tui

import (
	"reflect"
	"strings"
	"testing"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"eth0", 10, "eth0"},
		{"eth0", 4, "eth0"},
		{"enp0s31f6", 5, "enp0…"},
		{"enp0s31f6", 1, "…"},
		{"enp0s31f6", 0, ""},
		{"日本語ディスク", 5, "日本…"}, // wide runes count two cells
	}

	for _, tt := range tests {
		got := truncate(tt.in, tt.width)
		if got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}

		if cellWidth(got) > max(tt.width, 0) {
			t.Errorf("truncate(%q, %d) is %d cells wide", tt.in, tt.width, cellWidth(got))
		}
	}
}

func TestWrapKeepsWordsAndBreaksLongOnes(t *testing.T) {
	got := wrap("Select an available interface per system", 16)
	want := []string{"Select an", "available", "interface per", "system"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}

	got = wrap("disk /dev/disk/by-id/nvme-long", 10)
	want = []string{"disk", "/dev/disk/", "by-id/nvme", "-long"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}

	if strings.Join(wrap("a\nb", 80), "|") != "a|b" {
		t.Errorf("newlines are not kept: %q", wrap("a\nb", 80))
	}
}

func TestPadAndOneLine(t *testing.T) {
	if pad("ab", 4) != "ab  " || pad("abcdef", 4) != "abcdef" {
		t.Errorf("pad: %q %q", pad("ab", 4), pad("abcdef", 4))
	}

	if oneLine("a\tb\nc\x1b") != "a b c " {
		t.Errorf("oneLine: %q", oneLine("a\tb\nc\x1b"))
	}
}

func TestFitColumnsShrinksTheWidestFirst(t *testing.T) {
	got := fitColumns([]int{7, 40, 8, 30}, 60)
	want := []int{7, 20, 8, 19}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}

	got = fitColumns([]int{5, 5}, 80)
	if !reflect.DeepEqual(got, []int{5, 5}) {
		t.Errorf("columns that fit changed: %v", got)
	}
}

func TestFitStyledDropsStylingOnlyWhenTooWide(t *testing.T) {
	styled := "\x1b[1mhello\x1b[0m"
	if fitStyled(styled, 10) != styled {
		t.Errorf("a line that fits was changed")
	}

	if got := fitStyled(styled, 3); got != "he…" {
		t.Errorf("got %q", got)
	}
}

func TestTruncateMiddleKeepsBothEnds(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"/dev/disk/by-id/nvme-Samsung_S4EWNX0R000026", 20, "/dev/disk/…X0R000026"},
		{"eth0", 10, "eth0"},
		{"enp0s31f6", 5, "enp0…"}, // too narrow for two ends
	}

	for _, tt := range tests {
		got := truncateMiddle(tt.in, tt.width)
		if got != tt.want {
			t.Errorf("truncateMiddle(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}

		if cellWidth(got) > tt.width {
			t.Errorf("%q is wider than %d", got, tt.width)
		}
	}
}

func TestParagraphKeepsIndentAndWholeWords(t *testing.T) {
	got := Paragraph("  uplink0: has IP 10.98.0.11/24 and more words", 20)
	want := "  uplink0: has IP\n  10.98.0.11/24 and\n  more words\n"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
