package model

import (
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const corrBase = `scenario: {name: t, horizon_years: 5}
sites: [{id: hq}]
findings:
  - {id: A, title: a, site: hq, afe: {dist: uniform, min: 1, max: 3}, loss: 1000}
  - {id: B, title: b, site: hq, afe: {dist: uniform, min: 1, max: 3}, loss: 1000}
  - {id: C, title: c, site: hq, afe: {dist: uniform, min: 1, max: 3}, loss: 1000}
  - {id: D, title: d, site: hq, afe: {dist: uniform, min: 1, max: 3}, loss: 1000}
correlations:
`

// TestNearestCorrelationHigham: Higham's (2002) own example, section 4: the nearest correlation
// matrix to [[1 1 0] [1 1 1] [0 1 1]] has off-diagonal entries 0.7607, 0.1573 and 0.7607 (to the
// four places printed there).
func TestNearestCorrelationHigham(t *testing.T) {
	got := NearestCorrelation([][]float64{{1, 1, 0}, {1, 1, 1}, {0, 1, 1}})
	want := [][]float64{{1, 0.7607, 0.1573}, {0.7607, 1, 0.7607}, {0.1573, 0.7607, 1}}
	for i := range want {
		for j := range want {
			if math.Abs(got[i][j]-want[i][j]) > 1e-4 {
				t.Errorf("[%d][%d] = %.5f, want %.4f", i, j, got[i][j], want[i][j])
			}
			if got[i][j] != got[j][i] {
				t.Errorf("not symmetric at [%d][%d]", i, j)
			}
		}
	}
	if lo := minEigen(got); lo < -psdTolerance {
		t.Errorf("smallest eigenvalue %g", lo)
	}
	// A correlation matrix is its own nearest.
	r := [][]float64{{1, 0.3, -0.2}, {0.3, 1, 0.4}, {-0.2, 0.4, 1}}
	near := NearestCorrelation(r)
	for i := range r {
		for j := range r {
			if math.Abs(near[i][j]-r[i][j]) > 1e-12 {
				t.Errorf("PSD input moved: [%d][%d] %g -> %g", i, j, r[i][j], near[i][j])
			}
		}
	}
}

// TestPearsonOfRank: r = 2 sin(pi rho/6) and its inverse (6/pi) asin(r/2) round-trip; a rank
// correlation of 0.5 is a Pearson one of 2 sin(pi/12) = 0.5176.
func TestPearsonOfRank(t *testing.T) {
	for _, rho := range []float64{-1, -0.7, -0.2, 0, 0.3, 0.5, 0.9, 1} {
		if got := RankOfPearson(PearsonOfRank(rho)); math.Abs(got-rho) > 1e-15 {
			t.Errorf("round trip of %g: %g", rho, got)
		}
	}
	if got := PearsonOfRank(0.5); math.Abs(got-0.5176380902050415) > 1e-15 {
		t.Errorf("PearsonOfRank(0.5) = %v", got)
	}
}

// TestCorrelationsMergeGroups: pairs and a matrix sharing inputs become one group in order of
// first mention, with unstated pairs 0; a disjoint pair is its own group.
func TestCorrelationsMergeGroups(t *testing.T) {
	s, err := Parse("t.yaml", []byte(corrBase+`  - {inputs: [A.afe, B.afe], rank: 0.4}
  - {inputs: [C.afe, B.afe], rank: -0.3}
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Correlations) != 1 {
		t.Fatalf("%d groups, want 1", len(s.Correlations))
	}
	c := s.Correlations[0]
	if !slices.Equal(c.Inputs, []string{"A.afe", "B.afe", "C.afe"}) {
		t.Errorf("inputs %v", c.Inputs)
	}
	want := [][]float64{{1, 0.4, 0}, {0.4, 1, -0.3}, {0, -0.3, 1}}
	for i := range want {
		if !slices.Equal(c.Rank[i], want[i]) {
			t.Errorf("rank row %d: %v, want %v", i, c.Rank[i], want[i])
		}
		for j := range want {
			if p := PearsonOfRank(want[i][j]); c.Pearson[i][j] != p {
				t.Errorf("pearson[%d][%d] = %v, want %v", i, j, c.Pearson[i][j], p)
			}
		}
	}
	if c.Repaired || c.Pos.Line != 9 || !slices.Equal(c.Entries, []string{"correlations[0]", "correlations[1]"}) {
		t.Errorf("group %+v", c)
	}
	if len(s.Warnings()) != 0 {
		t.Errorf("warnings %v", s.Warnings())
	}
	s, err = Parse("t.yaml", []byte(corrBase+`  - {inputs: [A.afe, B.afe], rank: 0.4}
  - {inputs: [C.afe, D.afe], rank: 1}
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Correlations) != 2 || s.Correlations[1].Pearson[0][1] != 1 {
		t.Errorf("groups %+v", s.Correlations)
	}
}

// TestCorrelationNotPSD: a matrix whose Pearson form is not positive semidefinite is an error
// naming every input of the group and the entry's line; with repair: true it loads, with a
// warning at that line, and the repaired matrix is a correlation matrix.
func TestCorrelationNotPSD(t *testing.T) {
	const bad = `  - inputs: [A.afe, B.afe, C.afe]
    matrix: [[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]]
`
	_, err := Parse("t.yaml", []byte(corrBase+bad))
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 {
		t.Fatalf("got %v, want one error", err)
	}
	e := es[0]
	if e.Line != 9 || e.Field != "correlations[0]" || !strings.Contains(e.Msg, "A.afe, B.afe, C.afe") || !strings.Contains(e.Msg, "positive semidefinite") {
		t.Errorf("error %q, want line 9, correlations[0], the three inputs", e)
	}
	s, err := Parse("t.yaml", []byte(corrBase+bad+"    repair: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := s.Correlations[0]
	if !c.Repaired || c.RepairChange <= 0 {
		t.Errorf("group %+v, want repaired", c)
	}
	for i := range 3 {
		if c.Pearson[i][i] != 1 {
			t.Errorf("diagonal %v", c.Pearson[i][i])
		}
	}
	if lo := minEigen(c.Pearson); lo < -psdTolerance {
		t.Errorf("repaired matrix has eigenvalue %g", lo)
	}
	ws := s.Warnings()
	if len(ws) != 1 || ws[0].Line != 9 || !strings.Contains(ws[0].Msg, "A.afe, B.afe, C.afe") {
		t.Errorf("warnings %v", ws)
	}
}

// TestCorrelationsNeedCleanScenario: with an error elsewhere (an unknown finding in an effect)
// the names are not resolved, and nothing panics; the values are still checked.
func TestCorrelationsNeedCleanScenario(t *testing.T) {
	src := corrBase + `  - {inputs: [A.afe, nope], rank: 2}
safeguards:
  - {id: S, title: s, effects: [{finding: Z, frequency_factor: 0.5}]}
`
	_, err := Parse("t.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "rank: must lie in [-1, 1]") || strings.Contains(err.Error(), "nope") {
		t.Errorf("got %v", err)
	}
}

// TestDocCorrelationsExample: the example of the docs' Correlations section loads, with the groups
// it describes.
func TestDocCorrelationsExample(t *testing.T) {
	b, err := os.ReadFile("../docs/scenario-format.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, "\n## Correlations")
	if i < 0 {
		t.Fatal("docs/scenario-format.md has no Correlations section")
	}
	m := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindStringSubmatch(doc[i:])
	if m == nil {
		t.Fatal("no yaml block in the Correlations section")
	}
	s, err := Parse("correlations.yaml", []byte(m[1]))
	if err != nil {
		t.Fatalf("the Correlations example does not load:\n%v", err)
	}
	if len(s.Correlations) != 2 {
		t.Fatalf("%d groups, want 2", len(s.Correlations))
	}
	if !s.Correlations[1].Repaired || len(s.Warnings()) != 1 {
		t.Errorf("want the second group repaired, with one warning: %+v %v", s.Correlations[1], s.Warnings())
	}
}

// TestCorrelationsOddInput: malformed sections load without a panic, as an error with a line, or
// (the empty ones) as no correlations.
func TestCorrelationsOddInput(t *testing.T) {
	var many []string
	for i := range 70 {
		many = append(many, fmt.Sprintf("X%d.afe", i))
	}
	for _, sec := range []string{
		"  ~\n",
		"  - ~\n",
		"  - {inputs: ~, rank: 0.5}\n",
		"  - {inputs: [~, ~], rank: ~}\n",
		"  - {inputs: [A.afe, B.afe], matrix: [~, ~]}\n",
		"  - {inputs: [A.afe, B.afe], matrix: [[1, x], [x, 1]]}\n",
		"  - {inputs: [A.afe, B.afe], matrix: [[[1]], [1]]}\n",
		"  - {inputs: [A.afe, B.afe], matrix: {a: 1}}\n",
		"  - {inputs: {a: 1}, rank: 1}\n",
		"  - {inputs: [[A.afe], B.afe], rank: 1}\n",
		"  - {inputs: [A.afe, B.afe], rank: .nan}\n",
		"  - {inputs: [" + strings.Join(many, ", ") + "], matrix: [[1]]}\n",
		"  - {inputs: [A.afe, B.afe], rank: 0.5}\n  - {inputs: [A.afe, B.afe], rank: 0.5}\n",
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("%q: panic %v", sec, r)
				}
			}()
			s, err := Parse("t.yaml", []byte(corrBase+sec))
			if err == nil {
				if len(s.Correlations) != 0 {
					t.Errorf("%q: loaded with correlations %+v", sec, s.Correlations)
				}
				return
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("%q: %v", sec, err)
			}
			for _, e := range es {
				if e.Line == 0 {
					t.Errorf("%q: error without a line: %v", sec, e)
				}
			}
		}()
	}
}
