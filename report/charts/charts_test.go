package charts

import (
	"bytes"
	"context"
	"encoding/xml"
	"github.com/alesim/alesim/analysis"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

// fixture is a small fixed result: the reference scenario at 20,000 trials and a fixed seed.
func fixture(t *testing.T) *analysis.Summary {
	t.Helper()
	s, err := model.Load("../../scenarios/soes-1983.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers = 20000, 2
	sel, _ := s.Selection("report")
	sum, err := analysis.Run(context.Background(), s, cfg, analysis.Options{Recommended: &sim.Set{Name: "report", Members: sel}})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// TestChartsRender renders every chart as SVG and PNG: each SVG must be well-formed XML carrying the
// chart's title and axis labels as text, and each PNG must decode to a non-trivial image.
func TestChartsRender(t *testing.T) {
	sum := fixture(t)
	charts := All(sum)
	want := []string{"annual-loss", "exceedance", "safeguards", "portfolio-savings", "ale-by-site", "ale-by-class", "point-vs-simulated"}
	if len(charts) != len(want) {
		t.Fatalf("got %d charts, want %d", len(charts), len(want))
	}
	dir := t.TempDir()
	if d := os.Getenv("ALESIM_CHART_DIR"); d != "" {
		dir = d
	}
	for i, c := range charts {
		if c.Name != want[i] {
			t.Errorf("chart %d is %s, want %s", i, c.Name, want[i])
		}
		svgPath := filepath.Join(dir, c.Name+".svg")
		if err := c.Save(svgPath); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(svgPath)
		if err := xml.Unmarshal(b, new(struct{})); err != nil {
			t.Errorf("%s: SVG is not well-formed XML: %v", c.Name, err)
		}
		for _, text := range []string{c.Plot.Title.Text, c.Plot.X.Label.Text} {
			if !strings.Contains(string(b), xmlEscape(text)) {
				t.Errorf("%s: SVG lacks the text %q", c.Name, text)
			}
		}
		if c.Note == "" {
			t.Errorf("%s: no note on how to read it", c.Name)
		}
		pngPath := filepath.Join(dir, c.Name+".png")
		if err := c.Save(pngPath); err != nil {
			t.Fatal(err)
		}
		pb, _ := os.ReadFile(pngPath)
		img, err := png.Decode(bytes.NewReader(pb))
		if err != nil {
			t.Fatalf("%s: PNG: %v", c.Name, err)
		}
		if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 200 {
			t.Errorf("%s: PNG %v too small", c.Name, b)
		}
	}
	// Currency formatting on money axes.
	svg, _ := os.ReadFile(filepath.Join(dir, "exceedance.svg"))
	if !strings.Contains(string(svg), "$1M") && !strings.Contains(string(svg), "$10M") {
		t.Error("exceedance chart has no currency tick labels like $1M")
	}
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// TestChartTooltips (issue 16): the row charts label rows with names and carry each row's id in an
// SVG <title> tooltip inside its label: every site, class, finding and safeguard of the fixture has
// a tooltip naming its id, the label's visible text is the name (never the bare id where a name
// exists), and the SVG stays well-formed.
func TestChartTooltips(t *testing.T) {
	sum := fixture(t)
	byName := map[string]Chart{}
	for _, c := range All(sum) {
		byName[c.Name] = c
	}
	type want struct{ id, name string }
	cases := map[string][]want{}
	for _, g := range sum.Sites {
		cases["ale-by-site"] = append(cases["ale-by-site"], want{g.ID, nameOr(g.Name, g.ID)})
	}
	for _, g := range sum.Classes {
		cases["ale-by-class"] = append(cases["ale-by-class"], want{g.ID, nameOr(g.Name, g.ID)})
	}
	for _, g := range sum.Safeguards {
		cases["safeguards"] = append(cases["safeguards"], want{g.ID, nameOr(g.Title, g.ID)})
	}
	for _, f := range sum.Findings {
		if f.ALE.Mean > 0 || f.PointALE > 0 {
			cases["point-vs-simulated"] = append(cases["point-vs-simulated"], want{f.ID, nameOr(f.Title, f.ID)})
		}
	}
	for chart, ws := range cases {
		c, ok := byName[chart]
		if !ok {
			t.Fatalf("no chart %s", chart)
		}
		b, err := c.SVG()
		if err != nil {
			t.Fatal(err)
		}
		if err := xml.Unmarshal(b, new(struct{})); err != nil {
			t.Errorf("%s: SVG with tooltips is not well-formed XML: %v", chart, err)
		}
		svg := string(b)
		for _, w := range ws {
			tip := "(id " + xmlEscape(w.id) + ")</title>"
			if w.name == w.id {
				tip = "<title>id " + xmlEscape(w.id) + "</title>"
			}
			if !strings.Contains(svg, tip) {
				t.Errorf("%s: no tooltip naming id %q", chart, w.id)
			}
			if w.name != w.id && strings.Contains(svg, "</title>"+xmlEscape(w.id)+"</text>") {
				t.Errorf("%s: a label reads the bare id %q, not its name", chart, w.id)
			}
		}
	}
}

// TestVOITooltips: the value-of-information chart of a scenario whose inputs share long owners
// (usps-wets-access: several parameters of one finding's frequency) gives every row a label of
// its own, and each row's tooltip names that row's input. Trimmed plainly, the labels of one
// owner's inputs read the same and all took the first one's tooltip.
func TestVOITooltips(t *testing.T) {
	s, err := model.Load("../../scenarios/usps-wets-access.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers = 20000, 2
	r, err := analysis.VOI(context.Background(), s, cfg, analysis.VOIOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, ok := VOI(r)
	if !ok {
		t.Fatal("no VOI chart")
	}
	n := min(len(r.Inputs), 15)
	if len(c.Tips) != n {
		t.Errorf("%d distinct row labels for %d rows", len(c.Tips), n)
	}
	b, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range r.Inputs[:n] {
		if got := strings.Count(string(b), "(id "+xmlEscape(in.Name)+")</title>"); got != 1 {
			t.Errorf("input %s: named by %d row tooltips, want 1", in.Name, got)
		}
	}
}
