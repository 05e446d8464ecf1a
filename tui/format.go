// Package tui holds everything the CLI shows: table/JSON/YAML/CSV rendering of
// lists, and (from the interactive init on) the bubbletea views. It only
// presents and collects; it never talks to services.
package tui

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Output formats accepted by --format, as in lxc.
const (
	FormatTable = "table"
	FormatJSON  = "json"
	FormatYAML  = "yaml"
	FormatCSV   = "csv"
)

// Formats lists the accepted --format values.
var Formats = []string{FormatTable, FormatJSON, FormatYAML, FormatCSV}

// CheckFormat rejects an unknown --format value before any work is done.
func CheckFormat(format string) error {
	for _, f := range Formats {
		if format == f {
			return nil
		}
	}

	return fmt.Errorf("Invalid format %q (choose one of %s)", format, strings.Join(Formats, ", "))
}

// Render writes rows as a table or CSV, or raw as JSON or YAML (the
// structured data, for scripts).
func Render(w io.Writer, format string, header []string, rows [][]string, raw any) error {
	switch format {
	case FormatTable:
		_, err := io.WriteString(w, Table(header, rows))
		return err
	case FormatCSV:
		cw := csv.NewWriter(w)
		err := cw.WriteAll(rows)
		if err != nil {
			return err
		}

		cw.Flush()
		return cw.Error()
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(raw)
	case FormatYAML:
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		err := enc.Encode(raw)
		if err != nil {
			return err
		}

		return enc.Close()
	}

	return CheckFormat(format)
}

// Table draws a bordered table like lxc's. Cells may hold several lines.
func Table(header []string, rows [][]string) string {
	widths := make([]int, len(header))
	measure := func(row []string) {
		for i := range widths {
			if i >= len(row) {
				continue
			}

			for _, line := range strings.Split(row[i], "\n") {
				widths[i] = max(widths[i], utf8.RuneCountInString(line))
			}
		}
	}

	measure(header)
	for _, row := range rows {
		measure(row)
	}

	var b strings.Builder
	rule := func() {
		b.WriteString("+")
		for _, w := range widths {
			b.WriteString(strings.Repeat("-", w+2))
			b.WriteString("+")
		}

		b.WriteString("\n")
	}

	line := func(row []string) {
		height := 1
		cells := make([][]string, len(widths))
		for i := range widths {
			cell := ""
			if i < len(row) {
				cell = row[i]
			}

			cells[i] = strings.Split(cell, "\n")
			height = max(height, len(cells[i]))
		}

		for l := 0; l < height; l++ {
			b.WriteString("|")
			for i, w := range widths {
				text := ""
				if l < len(cells[i]) {
					text = cells[i][l]
				}

				b.WriteString(" ")
				b.WriteString(text)
				b.WriteString(strings.Repeat(" ", w-utf8.RuneCountInString(text)))
				b.WriteString(" |")
			}

			b.WriteString("\n")
		}
	}

	rule()
	line(header)
	rule()
	for _, row := range rows {
		line(row)
	}

	if len(rows) > 0 {
		rule()
	}

	return b.String()
}
