package model

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse, seeded with the shipped scenarios, the documented
// example and every case of the bad-input catalogue (plain `go test` runs the seeds and the
// crashers kept in testdata/fuzz/FuzzParse). Fuzz it with
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 5m -parallel 1 ./model/
//
// Property: Parse never panics, and either
//   - returns a scenario whose every cross reference is in range, and whose point arithmetic (for
//     the default selection and for every portfolio) runs without panicking and gives finite
//     figures; or
//   - returns a model.Errors, not empty, each element naming the file, with a one-line message,
//     and positioned on a line of the file (1 <= Line <= number of lines). The single documented
//     exception is a file over MaxFileSize, refused as a whole before it is read, with Line 0.
//     (An empty file is reported on line 1; a file that is not UTF-8, or holds a control
//     character, on the line of the first offending byte.)
func FuzzParse(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{"../scenarios/*.yaml", "testdata/bad/*.yaml"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, files...)
	}
	if len(seeds) < 50 {
		f.Fatalf("only %d seed files", len(seeds))
	}
	for _, p := range append(seeds, "../docs/scenario-format.md") {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if strings.HasSuffix(p, ".md") {
			// The documented example: the first YAML block.
			s := string(b)
			i := strings.Index(s, "```yaml\n")
			j := strings.Index(s[i+8:], "```")
			b = []byte(s[i+8 : i+8+j])
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("fuzz.yaml", src)
		if err != nil {
			if s != nil {
				t.Errorf("Parse returned a scenario and an error")
			}
			checkParseErrors(t, src, err)
			return
		}
		if s == nil {
			t.Fatal("Parse returned neither a scenario nor an error")
		}
		checkScenario(t, s)
	})
}

func checkParseErrors(t *testing.T, src []byte, err error) {
	t.Helper()
	es, ok := err.(Errors)
	if !ok {
		t.Fatalf("error is %T, want model.Errors: %v", err, err)
	}
	if len(es) == 0 {
		t.Fatal("empty model.Errors")
	}
	// Lines as YAML counts them: a line break is CR LF, LF, or a lone CR.
	lines := 1 + strings.Count(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(string(src), "\r\n", "\n"), "\r")
	for _, e := range es {
		if e == nil {
			t.Fatal("nil *Error in model.Errors")
		}
		if e.File != "fuzz.yaml" {
			t.Errorf("error names file %q: %s", e.File, e)
		}
		if e.Msg == "" {
			t.Errorf("error without a message: %s", e)
		}
		if strings.Contains(e.Error(), "\n") {
			t.Errorf("error spans several lines: %q", e.Error())
		}
		switch {
		case e.Line == 0 && len(src) > MaxFileSize:
			// The whole file is too large: no line to point at.
		case e.Line < 1 || e.Line > lines:
			t.Errorf("error on line %d of a %d-line file: %s", e.Line, lines, e)
		}
	}
	for i := 1; i < len(es); i++ {
		if es[i].Line < es[i-1].Line {
			t.Errorf("errors not sorted by line:\n%v", es)
			break
		}
	}
}

// checkScenario checks that a scenario Parse accepted is safe to compute with.
func checkScenario(t *testing.T, s *Scenario) {
	t.Helper()
	in := func(i, n int) bool { return i >= 0 && i < n }
	opt := func(i, n int) bool { return i == -1 || in(i, n) }
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	if !finite(s.AnnuityFactor) || s.AnnuityFactor <= 0 {
		t.Errorf("annuity factor %v", s.AnnuityFactor)
	}
	estimate := func(what string, e Estimate) {
		if e.Dist == nil {
			t.Errorf("%s: estimate without a distribution", what)
			return
		}
		if !finite(e.Point) {
			t.Errorf("%s: point %v", what, e.Point)
		}
		if lo, hi := e.Dist.Support(); !(lo <= e.Point && e.Point <= hi) {
			t.Errorf("%s: point %v outside the support [%v, %v]", what, e.Point, lo, hi)
		}
	}
	frequency := func(what string, fr Frequency) {
		if len(fr.Factors) == 0 {
			t.Errorf("%s: frequency without factors", what)
		}
		for _, x := range fr.Factors {
			estimate(what, x.Estimate)
		}
	}
	for _, a := range s.Assets {
		if !opt(a.Site, len(s.Sites)) {
			t.Errorf("asset %q: site %d of %d", a.ID, a.Site, len(s.Sites))
		}
	}
	for _, h := range s.Hazards {
		frequency("hazard "+h.ID, h.AFE)
	}
	ids := map[string]bool{}
	for _, f := range s.Findings {
		ids[f.ID] = true
	}
	for _, f := range s.Findings {
		if !opt(f.Site, len(s.Sites)) || !opt(f.Class, len(s.Classes)) || !opt(f.Asset, len(s.Assets)) || !opt(f.Hazard, len(s.Hazards)) {
			t.Errorf("finding %q: site %d, class %d, asset %d, hazard %d out of range", f.ID, f.Site, f.Class, f.Asset, f.Hazard)
		}
		switch f.Status {
		case Quantified:
			if f.Site < 0 {
				t.Errorf("quantified finding %q without a site", f.ID)
			}
			if f.Hazard < 0 {
				frequency("finding "+f.ID, f.AFE)
			}
			estimate("finding "+f.ID+" loss", f.Loss)
		case Covered:
			if len(f.CoveredBy) == 0 {
				t.Errorf("covered finding %q covered by nothing", f.ID)
			}
			for _, c := range f.CoveredBy {
				if !ids[c] || c == f.ID {
					t.Errorf("finding %q covered by %q", f.ID, c)
				}
			}
		}
	}
	for _, sg := range s.Safeguards {
		if len(sg.Effects) == 0 {
			t.Errorf("safeguard %q without effects", sg.ID)
		}
		estimate("safeguard "+sg.ID+" one_time_cost", sg.OneTimeCost)
		estimate("safeguard "+sg.ID+" annual_cost", sg.AnnualCost)
		for _, e := range sg.Effects {
			if !in(e.Finding, len(s.Findings)) || s.Findings[e.Finding].Status != Quantified {
				t.Errorf("safeguard %q: effect on finding %d", sg.ID, e.Finding)
				return // Point would index out of range
			}
			estimate("safeguard "+sg.ID+" effect", e.Value)
		}
	}
	for _, p := range s.Portfolios {
		for _, k := range p.Safeguards {
			if !in(k, len(s.Safeguards)) {
				t.Errorf("portfolio %q: safeguard %d of %d", p.ID, k, len(s.Safeguards))
				return
			}
		}
	}
	if t.Failed() {
		return
	}
	names := []string{""}
	for _, p := range s.Portfolios {
		names = append(names, p.ID)
	}
	for _, name := range names {
		sel, err := s.Selection(name)
		if err != nil {
			t.Errorf("selection %q: %v", name, err)
			continue
		}
		r := s.Point(sel)
		tt := r.Totals
		for _, x := range []float64{tt.ALE, tt.NewALE, tt.LossNow, tt.LossAfter, tt.Reduction, tt.Cost, tt.Savings} {
			if !finite(x) {
				t.Errorf("selection %q: point totals not finite: %+v", name, tt)
				break
			}
		}
		if tt.Ratio != nil && !finite(*tt.Ratio) {
			t.Errorf("selection %q: point ratio %v", name, *tt.Ratio)
		}
	}
}
