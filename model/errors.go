package model

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a scenario file, located by line and field path.
type Error struct {
	File  string `json:"file"`
	Line  int    `json:"line"`   // 1-based; 0 when the problem concerns the whole file
	Col   int    `json:"column"` // 1-based; 0 when unknown
	Field string `json:"field"`  // field path, e.g. "findings[3].loss.sigma"; empty for syntax errors
	Msg   string `json:"message"`
	// Sheet and Cell locate a problem in a spreadsheet register instead of Line and Col: the
	// sheet's name ("" for a CSV file) and the cell, e.g. "D7" ("" for the whole sheet).
	Sheet string `json:"sheet,omitempty"`
	Cell  string `json:"cell,omitempty"`
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Sheet != "" || e.Cell != "" {
		b.WriteByte(':')
		b.WriteString(e.Sheet)
		if e.Sheet != "" && e.Cell != "" {
			b.WriteByte('!')
		}
		b.WriteString(e.Cell)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one scenario, sorted by line. It is returned as the error of
// Load when not empty.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

func (es Errors) sort() {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Line != es[j].Line {
			return es[i].Line < es[j].Line
		}
		return es[i].Col < es[j].Col
	})
}
