package model

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/alesim/alesim/model/dist"
)

// docTable returns the rows of the first markdown table in docs/scenario-format.md whose header
// row is header and which follows a line containing after, each row as its trimmed cells.
func docTable(t *testing.T, after, header string) [][]string {
	t.Helper()
	b, err := os.ReadFile("../docs/scenario-format.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	from := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, after) })
	i := -1
	if from >= 0 {
		if j := slices.Index(lines[from:], header); j >= 0 {
			i = from + j
		}
	}
	if i < 0 {
		t.Fatalf("docs/scenario-format.md has no table headed %q after %q", header, after)
	}
	var rows [][]string
	for _, l := range lines[i+2:] {
		if !strings.HasPrefix(l, "|") {
			break
		}
		cells := strings.Split(strings.Trim(l, "|"), "|")
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		rows = append(rows, cells)
	}
	return rows
}

var backticked = regexp.MustCompile("`([^`]*)`")

func codeSpans(s string) []string {
	var out []string
	for _, m := range backticked.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// The docs' table of distributions lists exactly the registry's kinds, in its order, each with its
// parameters in order, "optional" (and the default of an optional number) where the kind says so,
// and the kind's Note as its notes.
func TestDocsListDistributions(t *testing.T) {
	rows := docTable(t, "## Estimates", "| `dist` | parameters | notes |")
	var names []string
	for _, r := range rows {
		if len(r) != 3 {
			t.Fatalf("row %q: want 3 cells", r)
		}
		names = append(names, strings.Trim(r[0], "`"))
	}
	if !slices.Equal(names, dist.Names()) {
		t.Fatalf("docs list distributions %v, the registry %v", names, dist.Names())
	}
	for i, k := range dist.Kinds() {
		params := rows[i][1]
		if got := codeSpans(params); !slices.Equal(got, k.ParamNames()) {
			t.Errorf("%s: docs list parameters %v, the registry %v", k.Name, got, k.ParamNames())
		}
		for _, p := range k.Params {
			opt := strings.Contains(params, "optional `"+p.Name+"`")
			if opt != p.Optional {
				t.Errorf("%s: docs say %q optional: %v, the registry %v", k.Name, p.Name, opt, p.Optional)
			}
			if def := fmt.Sprintf("optional `%s` (default %g)", p.Name, p.Default); p.Optional && !p.List && !strings.Contains(params, def) {
				t.Errorf("%s: docs do not say %q", k.Name, def)
			}
		}
		if rows[i][2] != k.Note {
			t.Errorf("%s: docs' notes %q, the registry's %q", k.Name, rows[i][2], k.Note)
		}
	}
}

// The docs' table of effects lists exactly the effect-kind table's keys, in its order, and
// mentions applies_to for the kinds that take it.
func TestDocsListEffectKinds(t *testing.T) {
	rows := docTable(t, "exactly one of:", "| key | meaning |")
	var keys []string
	for _, r := range rows {
		if len(r) != 2 {
			t.Fatalf("row %q: want 2 cells", r)
		}
		keys = append(keys, strings.Trim(r[0], "`"))
	}
	if !slices.Equal(keys, effectKeys()) {
		t.Fatalf("docs list effects %v, the effect-kind table %v", keys, effectKeys())
	}
	for i, ek := range effectKinds {
		if got := strings.Contains(rows[i][1], "applies_to"); got != ek.appliesTo {
			t.Errorf("%s: docs mention applies_to: %v, the table says it takes it: %v", ek.key, got, ek.appliesTo)
		}
	}
}
