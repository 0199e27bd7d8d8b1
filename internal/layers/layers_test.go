package layers

import (
	"encoding/json"
	"io"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/alesim/alesim"

// layers lists the module's packages from the top down, by path prefix; a package belongs to the
// longest prefix that matches it, and may import its own layer and the layers below. analysis may
// not exist yet. internal/ is shared by every layer and imports none of the others.
var layers = [][]string{
	{"cmd", "deploy", "scenarios", "scripts"}, // commands, deployment checks, the shipped scenarios' test, script helpers
	{"report"},
	{"analysis"},
	{"sim"},
	{"register"}, // spreadsheet registers read into the model's scenarios
	{"model"},
	{"model/dist"},
}

// layerOf returns the layer index of a module package (0 is the top), -1 for internal/ and -2 for a
// package no layer names.
func layerOf(pkg string) int {
	rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
	if rel == "internal" || strings.HasPrefix(rel, "internal/") {
		return -1
	}
	best, bestLen := -2, -1
	for i, prefixes := range layers {
		for _, p := range prefixes {
			if (rel == p || strings.HasPrefix(rel, p+"/")) && len(p) > bestLen {
				best, bestLen = i, len(p)
			}
		}
	}
	return best
}

type pkg struct {
	ImportPath                         string
	Imports, TestImports, XTestImports []string
}

// violations lists every import, test imports included, that runs up a layer (or out of
// internal/ into a layer), and every module package no layer names.
func violations(pkgs []pkg) []string {
	var bad []string
	for _, p := range pkgs {
		from := layerOf(p.ImportPath)
		if from == -2 {
			bad = append(bad, p.ImportPath+": in no layer (add it to the layers table)")
			continue
		}
		seen := map[string]bool{}
		for _, imp := range append(append(append([]string(nil), p.Imports...), p.TestImports...), p.XTestImports...) {
			if seen[imp] || !strings.HasPrefix(imp, module+"/") || imp == p.ImportPath {
				continue
			}
			seen[imp] = true
			to := layerOf(imp)
			switch {
			case to == -1 && from != -1:
				// anyone may import internal/
			case to == -2:
				bad = append(bad, p.ImportPath+" imports "+imp+", which is in no layer")
			case from == -1 && to != -1:
				bad = append(bad, p.ImportPath+" (internal) imports "+imp+": internal packages import no layer")
			case from >= 0 && to >= 0 && to < from:
				bad = append(bad, p.ImportPath+" imports "+imp+": a lower layer imports a higher one")
			}
		}
	}
	sort.Strings(bad)
	return bad
}

// TestImportsPointDown lists the module's packages with go list and fails on an import that runs
// back up.
func TestImportsPointDown(t *testing.T) {
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,TestImports,XTestImports", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 8 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	for _, v := range violations(pkgs) {
		t.Error(v)
	}
}

// TestViolationsFound: the checker itself catches an import running up, an unnamed package and
// internal/ reaching into a layer, and lets the allowed ones through.
func TestViolationsFound(t *testing.T) {
	m := func(s string) string { return module + "/" + s }
	got := violations([]pkg{
		{ImportPath: m("sim"), Imports: []string{m("model"), m("model/dist"), m("internal/human")}},
		{ImportPath: m("sim"), XTestImports: []string{m("report")}},
		{ImportPath: m("model/dist"), Imports: []string{m("model")}},
		{ImportPath: m("report/charts"), Imports: []string{m("report"), m("sim"), m("analysis")}},
		{ImportPath: m("analysis"), Imports: []string{m("sim"), m("report/charts")}},
		{ImportPath: m("internal/human"), Imports: []string{m("sim")}},
		{ImportPath: m("plots")},
	})
	want := []string{
		m("analysis") + " imports " + m("report/charts") + ": a lower layer imports a higher one",
		m("internal/human") + " (internal) imports " + m("sim") + ": internal packages import no layer",
		m("model/dist") + " imports " + m("model") + ": a lower layer imports a higher one",
		m("plots") + ": in no layer (add it to the layers table)",
		m("sim") + " imports " + m("report") + ": a lower layer imports a higher one",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
