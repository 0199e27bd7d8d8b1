package register

import (
	"os"
	"strings"
	"testing"
)

// TestDocsListColumns: docs/register-format.md has a table for each sheet of the layout listing
// exactly its columns, in order.
func TestDocsListColumns(t *testing.T) {
	b, err := os.ReadFile("../docs/register-format.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, s := range layout {
		_, rest, ok := strings.Cut(doc, "### "+s.Name+"\n")
		if !ok {
			t.Errorf("no section ### %s", s.Name)
			continue
		}
		var got []string
		inTable := false
		for _, l := range strings.Split(rest, "\n") {
			if strings.HasPrefix(l, "| column") {
				inTable = true
				continue
			}
			if !inTable || strings.HasPrefix(l, "|---") {
				continue
			}
			if !strings.HasPrefix(l, "|") {
				break
			}
			cell := strings.TrimSpace(strings.Split(strings.Trim(l, "|"), "|")[0])
			got = append(got, strings.Trim(cell, "`"))
		}
		if want := Columns(s.Name); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: the docs list %v, the layout %v", s.Name, got, want)
		}
	}
}
