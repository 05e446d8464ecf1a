package tui

import (
	"bytes"
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	got := Table([]string{"NAME", "ADDRESS"}, [][]string{{"micro01", "10.99.0.11:9443"}, {"m2", "[fd99::12]:9443"}})
	want := `+---------+-----------------+
| NAME    | ADDRESS         |
+---------+-----------------+
| micro01 | 10.99.0.11:9443 |
| m2      | [fd99::12]:9443 |
+---------+-----------------+
`
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestTableMultiLineAndShortRows(t *testing.T) {
	got := Table([]string{"A", "B"}, [][]string{{"x\nyy", "1"}, {"z"}})
	want := `+----+---+
| A  | B |
+----+---+
| x  | 1 |
| yy |   |
| z  |   |
+----+---+
`
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestTableEmpty(t *testing.T) {
	got := Table([]string{"NAME"}, nil)
	if got != "+------+\n| NAME |\n+------+\n" {
		t.Fatalf("got:\n%s", got)
	}
}

func TestRenderFormats(t *testing.T) {
	type member struct {
		Name string `json:"name" yaml:"name"`
	}

	raw := []member{{Name: "micro01"}, {Name: "micro,02"}}
	rows := [][]string{{"micro01"}, {"micro,02"}}
	cases := map[string]string{
		FormatCSV:  "micro01\n\"micro,02\"\n",
		FormatJSON: "[\n  {\n    \"name\": \"micro01\"\n  },\n  {\n    \"name\": \"micro,02\"\n  }\n]\n",
		FormatYAML: "- name: micro01\n- name: micro,02\n",
	}

	for format, want := range cases {
		var buf bytes.Buffer
		err := Render(&buf, format, []string{"NAME"}, rows, raw)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}

		if buf.String() != want {
			t.Errorf("%s: got %q want %q", format, buf.String(), want)
		}
	}

	var buf bytes.Buffer
	err := Render(&buf, "xml", nil, nil, nil)
	if err == nil || !strings.Contains(err.Error(), `Invalid format "xml"`) || buf.Len() != 0 {
		t.Fatalf("xml: err=%v out=%q", err, buf.String())
	}
}
