package model

import (
	"errors"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"
)

// docExample returns the first YAML block of docs/scenario-format.md, so the documented example is
// tested and cannot drift from the parser.
func docExample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../docs/scenario-format.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatal("no yaml block in docs/scenario-format.md")
	}
	return string(m[1])
}

func TestDocExampleLoads(t *testing.T) {
	s, err := Parse("example.yaml", []byte(docExample(t)))
	if err != nil {
		t.Fatalf("documented example does not load:\n%v", err)
	}
	if len(s.Findings) != 3 || len(s.Safeguards) != 2 || len(s.Portfolios) != 1 {
		t.Fatalf("got %d findings, %d safeguards, %d portfolios", len(s.Findings), len(s.Safeguards), len(s.Portfolios))
	}
	if got, want := s.AnnuityFactor, 3.7907867694084483; math.Abs(got-want) > 1e-12 {
		t.Errorf("annuity factor %v, want %v", got, want)
	}
	f2 := s.Findings[1]
	if len(f2.AFE.Factors) != 2 || f2.AFE.Factors[1].Name != "lawsuit" || f2.AFE.Point() != 0.005 {
		t.Errorf("F2 factors %+v point %v", f2.AFE.Factors, f2.AFE.Point())
	}
	if s.Findings[2].Status != Covered || s.Findings[2].CoveredBy[0] != "F1" {
		t.Errorf("F3 status %v", s.Findings[2].Status)
	}
	if s.Findings[0].Asset != 0 || s.Assets[0].Value != 250000 {
		t.Errorf("asset not resolved")
	}
}

func TestAnnuity(t *testing.T) {
	for _, c := range []struct {
		h    int
		r    float64
		want float64
	}{
		{5, 0.10, 3.7907867694084483}, // the report's 3.79
		{1, 0.10, 1 / 1.1},
		{10, 0, 10},
		{3, 0.05, 1/1.05 + 1/1.05/1.05 + 1/1.05/1.05/1.05},
	} {
		if got := Annuity(c.h, c.r); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Annuity(%d, %g) = %v, want %v", c.h, c.r, got, c.want)
		}
	}
}

const head = "scenario: {name: t, horizon_years: 5}\nsites: [{id: hq}]\n"

// TestErrors: each malformed scenario yields exactly the expected messages, with their lines.
func TestErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		src  string
		want []string // "line: field: message" fragments, in order
	}{
		{"three mistakes", head + `findings:
  - id: F1
    title: One
    site: hq
    afe: {dist: lognormal, p05: 10, p95: 5}
    loss: 100
  - id: F2
    title: Two
    site: hqq
    afe: 1
    los: 100
    loss: 5
`, []string{
			"t.yaml:7: findings[0].afe.p95: must be > p05 10 (got 5)",
			"t.yaml:11: findings[1].site: no site has id \"hqq\": did you mean \"hq\"?",
			"t.yaml:13: findings[1].los: unknown field \"los\": did you mean \"loss\"?",
		}},
		{"missing loss", head + "findings:\n  - {id: F1, title: x, site: hq, afe: 1}\n",
			[]string{"t.yaml:4: findings[0].loss: missing required field"}},
		{"duplicate id", head + "findings:\n  - {id: F1, title: x, site: hq, afe: 1, loss: 1}\n  - {id: F1, title: y, site: hq, afe: 1, loss: 1}\n",
			[]string{"t.yaml:5: findings[1].id: duplicate finding id \"F1\""}},
		{"covered_by cycle", head + "findings:\n  - {id: A, title: x, covered_by: [B]}\n  - {id: B, title: y, covered_by: [A]}\n",
			[]string{"t.yaml:4: findings[0].covered_by: covered_by forms a cycle: A -> B -> A"}},
		{"covered_by dangling", head + "findings:\n  - {id: A, title: x, covered_by: [Z]}\n",
			[]string{"t.yaml:4: findings[0].covered_by: no finding has id \"Z\""}},
		{"triangular order", head + "findings:\n  - {id: A, title: x, site: hq, afe: {dist: triangular, min: 5, mode: 9, max: 7}, loss: 1}\n",
			[]string{"t.yaml:4: findings[0].afe.mode: must lie in [min, max] = [5, 7] (got 9)"}},
		{"probability above one", head + "findings:\n  - {id: A, title: x, site: hq, afe: 1, loss: 1}\nsafeguards:\n  - {id: S, title: s, effects: [{finding: A, ale_reduction: {dist: uniform, min: 0.5, max: 1.2}}]}\n",
			[]string{"t.yaml:6: safeguards[0].effects[0].ale_reduction: a reduction fraction must lie in [0, 1] over its whole range (got [0.5, 1.2])"}},
		{"negative scale", head + "findings:\n  - {id: A, title: x, site: hq, afe: 1, loss: {dist: lognormal, mu: 3, sigma: -1}}\n",
			[]string{"t.yaml:4: findings[0].loss.sigma: must be > 0 (got -1)"}},
		{"overflow", head + "findings:\n  - {id: A, title: x, site: hq, afe: 1, loss: 1e400}\n",
			[]string{"t.yaml:4: findings[0].loss: must be a finite number (got 1e400)"}},
		{"NaN", head + "findings:\n  - {id: A, title: x, site: hq, afe: .nan, loss: 1}\n",
			[]string{"t.yaml:4: findings[0].afe: must be a finite number (got .nan)"}},
		{"absurd magnitude", head + "findings:\n  - {id: A, title: x, site: hq, afe: 1, loss: 1e308}\n",
			[]string{"t.yaml:4: findings[0].loss: must be at most 1e100 in magnitude (got 1e308)"}},
		{"thousands separator", head + "findings:\n  - {id: A, title: x, site: hq, afe: 1, loss: \"810,000\"}\n",
			[]string{"t.yaml:4: findings[0].loss: must be a number without $, % or thousands separators (got \"810,000\")"}},
		{"point outside range", head + "findings:\n  - {id: A, title: x, site: hq, afe: {dist: loguniform, min: 1, max: 50, point: 0.5}, loss: 1}\n",
			[]string{"t.yaml:4: findings[0].afe.point: must lie within the distribution's range [1, 50] (got 0.5)"}},
		{"discount rate -100%", "scenario: {name: t, horizon_years: 5, discount_rate: -1}\nsites: [{id: hq}]\nfindings:\n  - {id: A, title: x, site: hq, afe: 1, loss: 1}\n",
			[]string{"t.yaml:1: scenario.discount_rate: must be > -1"}},
		{"horizon zero", "scenario: {name: t, horizon_years: 0}\nsites: [{id: hq}]\nfindings:\n  - {id: A, title: x, site: hq, afe: 1, loss: 1}\n",
			[]string{"t.yaml:1: scenario.horizon_years: must be a whole number of years from 1 to 1000 (got 0)"}},
		{"annuity overflow", "scenario: {name: t, horizon_years: 1000, discount_rate: -0.9999999}\nsites: [{id: hq}]\nfindings:\n  - {id: A, title: x, site: hq, afe: 1, loss: 1}\n",
			[]string{"t.yaml:1: scenario.discount_rate: with horizon_years 1000 gives an annuity factor of"}},
		{"AFE too large", head + "findings:\n  - {id: A, title: x, site: hq, afe: {dist: loguniform, min: 1, max: 1e9}, loss: 1}\n",
			[]string{"t.yaml:4: findings[0].afe: must stay below 1e+06 events a year (its 1-in-a-billion high is 1e+09)"}},
		{"bernoulli above one", head + "findings:\n  - {id: A, title: x, site: hq, events: bernoulli, afe: {dist: uniform, min: 0.5, max: 2}, loss: 1}\n",
			[]string{"t.yaml:4: findings[0].afe: with events: bernoulli the AFE is a probability and must be <= 1"}},
		{"syntax", "scenario: {name: t\nfindings: [\n", []string{"t.yaml:2: YAML syntax:"}},
		{"empty", "", []string{"t.yaml:1: scenario file is empty"}},
		{"duplicate key", head + "findings:\n  - id: A\n    id: B\n", []string{"t.yaml:5: "}},
		{"unknown top key", head + "findngs: []\n", []string{
			"t.yaml:1: findings: missing required field",
			"t.yaml:3: findngs: unknown field \"findngs\": did you mean \"findings\"?"}},
		{"effect on covered finding", head + "findings:\n  - {id: A, title: x, site: hq, afe: 1, loss: 1}\n  - {id: B, title: y, covered_by: [A]}\nsafeguards:\n  - {id: S, title: s, effects: [{finding: B, new_afe: 0}]}\n",
			[]string{"t.yaml:7: safeguards[0].effects[0].finding: finding \"B\" is covered_by; a safeguard acts on a quantified finding"}},
		{"two effect kinds", head + "findings:\n  - {id: A, title: x, site: hq, afe: 1, loss: 1}\nsafeguards:\n  - {id: S, title: s, effects: [{finding: A, new_afe: 0, loss_factor: 0.5}]}\n",
			[]string{"t.yaml:6: safeguards[0].effects[0]: must have exactly one of ale_reduction, frequency_factor, loss_factor, new_afe, new_loss (got 2)"}},
		{"not utf-8", head + "findings: [{id: \"\xff\"}]\n", []string{"t.yaml:3: file is not valid UTF-8"}},
		{"alias to undefined anchor", head + "findings: *nope\n", []string{"t.yaml:3"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(c.src))
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("got %v, want model.Errors", err)
			}
			if len(es) != len(c.want) {
				t.Errorf("got %d errors, want %d:\n%v", len(es), len(c.want), err)
			}
			for i, w := range c.want {
				if i < len(es) && !strings.HasPrefix(es[i].Error(), w) {
					t.Errorf("error %d:\n got %s\nwant %s...", i, es[i], w)
				}
			}
			for _, e := range es {
				if e.Line == 0 {
					t.Errorf("error without a line: %s", e)
				}
			}
		})
	}
}

// TestAliasBombBounded: a billion-laughs document loads in bounded time and memory because aliases
// are shared, never expanded, and the decoder walks only the scenario's own structure.
func TestAliasBombBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(head + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		b.WriteString("a" + string(rune('0'+i%10)) + string(rune('a'+i)) + ": &a" + string(rune('a'+i)) + " [")
		prev := "a0"
		if i > 1 {
			prev = "a" + string(rune('a'+i-1))
		}
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
	}
	b.WriteString("findings: *al\n")
	_, err := Parse("bomb.yaml", []byte(b.String()))
	if err == nil {
		t.Fatal("alias bomb accepted")
	}
	if !strings.Contains(err.Error(), "unknown field") {
		t.Errorf("got %v", err)
	}
}

func TestMergeKeys(t *testing.T) {
	src := head + `base: &base {site: hq, afe: 1}
findings:
  - {<<: *base, id: A, title: x, loss: 10}
`
	_, err := Parse("t.yaml", []byte(src))
	// base is not a scenario key, so it is reported; the finding itself merges cleanly.
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || !strings.Contains(es[0].Error(), `unknown field "base"`) {
		t.Fatalf("got %v", err)
	}
}

// TestHostileNesting: nesting the YAML parser would take quadratic time and memory on is refused
// before parsing, with a line (found by the review: 4 MB of "- - - ..." took 20 GB).
func TestHostileNesting(t *testing.T) {
	var indent strings.Builder
	for i := 0; i < 300; i++ {
		indent.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	for name, src := range map[string]string{
		"dashes":   strings.Repeat("- ", 2_000_000),
		"brackets": "x: " + strings.Repeat("[", 400_000),
		"braces":   "x: " + strings.Repeat("{a: ", 100_000),
		"indent":   indent.String(),
	} {
		_, err := Parse(name+".yaml", []byte(src))
		var es Errors
		if !errors.As(err, &es) || len(es) != 1 || es[0].Line == 0 {
			t.Errorf("%s: got %v", name, err)
		}
	}
	// Legitimate flow nesting and quoted brackets pass the scan.
	ok := head + "findings:\n  - {id: A, title: \"[[[[ not nesting {{{{\", site: hq, afe: {factors: [{value: 1}, {dist: discrete, values: [1, 2]}]}, loss: 1} # [[[[\n"
	if _, err := Parse("ok.yaml", []byte(ok)); err != nil {
		t.Errorf("legitimate file refused: %v", err)
	}
}

// TestWarnings: legal but suspicious inputs are warned about, with their lines.
func TestWarnings(t *testing.T) {
	src := head + `assets: [{id: lease, site: hq, value: 1000}]
findings:
  - {id: A, title: a, site: hq, afe: 400, loss: 10}
  - {id: B, title: b, site: hq, asset: lease, afe: 1, loss: {dist: uniform, min: 500, max: 2000, point: 900}}
  - {id: C, title: c, site: hq, afe: 1, loss: 10}
safeguards:
  - {id: S, title: s, effects: [{finding: A, frequency_factor: 1}]}
portfolios: [{id: P, safeguards: [S]}]
`
	s, err := Parse("w.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range s.Warnings() {
		got = append(got, w.String())
	}
	want := []string{
		"w.yaml:5: findings[0].afe: warning: an AFE of 400 events a year is more than daily",
		"w.yaml:6: findings[1].loss: warning: loss per event (point 900, P95 1925) exceeds the value 1000",
		"w.yaml:6: findings[1]: warning: no safeguard acts on finding \"B\"",
		"w.yaml:7: findings[2]: warning: no safeguard acts on finding \"C\"",
		"w.yaml:9: safeguards[0]: warning: safeguard \"S\" has no effect",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d warnings:\n%s", len(got), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("warning %d:\n got %s\nwant %s...", i, got[i], want[i])
		}
	}
}

// TestDocExamplesLoad: every complete scenario in docs/scenario-format.md (a yaml block that starts
// with "scenario:") loads and validates.
func TestDocExamplesLoad(t *testing.T) {
	b, err := os.ReadFile("../docs/scenario-format.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(b), "```yaml\n")
	n := 0
	for _, blk := range blocks[1:] {
		src := strings.SplitN(blk, "```", 2)[0]
		if !strings.HasPrefix(src, "scenario:") {
			continue
		}
		n++
		if _, err := Parse("docs/scenario-format.md", []byte(src)); err != nil {
			t.Errorf("example %d does not load: %v\n%s", n, err, src)
		}
	}
	if n < 4 {
		t.Errorf("%d complete examples in the docs, want at least 4", n)
	}
}

// TestNegativeZeroReadsAsZero: a -0 in the file is read as +0, so no quantity of a run can be -0
// on one path of the trial loop and +0 on another (a loss of -0 made a year's loss -0 on the
// general path and +0 on the short one, and a sketch's extremes kept whichever zero came first).
func TestNegativeZeroReadsAsZero(t *testing.T) {
	src := `scenario: {name: z, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: A, title: a, site: s, afe: 0.5, loss: -0.0}
  - {id: B, title: b, site: s, afe: {dist: uniform, min: -0, max: 1}, loss: {dist: uniform, min: -0.0, max: 10}}
`
	s, err := Parse("z.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if v := s.Findings[0].Loss.Point; math.Signbit(v) || v != 0 {
		t.Errorf("loss -0.0 read as %v (sign bit %v), want +0", v, math.Signbit(v))
	}
	for _, e := range []Estimate{s.Findings[1].AFE.Factors[0].Estimate, s.Findings[1].Loss} {
		if lo, _ := e.Dist.Support(); math.Signbit(lo) {
			t.Errorf("%s: min -0 read as -0, want +0", e.Path)
		}
	}
}
