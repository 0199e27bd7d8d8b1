package scenarios

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/alesim/alesim/internal/human"
	"github.com/alesim/alesim/model"
)

// printedCell is a figure as section 1.3 prints it, with the resolution it is compared at.
type printedCell struct {
	value   float64
	figures int // significant figures compared; 0 for a printed 0 (exact match)
}

// parsePrinted reads "57K", "2.8K", "1.1E-4", ".023", "-3.7K", "460", "10.26K", "0". The report
// says it rounds to two significant figures, so a cell is compared at two significant figures, or
// at more where it prints more ("10.26K", "63.1", "16.0"); trailing zeros of a whole number are not
// counted as printed figures ("460" is 4.6 x 10^2). A printed 0 matches only an exact 0.
func parsePrinted(s string) (printedCell, error) {
	t := strings.TrimSpace(s)
	mult := 1.0
	switch {
	case strings.HasSuffix(strings.ToUpper(t), "K"):
		mult, t = 1e3, t[:len(t)-1]
	case strings.HasSuffix(strings.ToUpper(t), "M"):
		mult, t = 1e6, t[:len(t)-1]
	}
	exp := 0
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		e, err := strconv.Atoi(t[i+1:])
		if err != nil {
			return printedCell{}, err
		}
		exp, t = e, t[:i]
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return printedCell{}, fmt.Errorf("printed cell %q: %v", s, err)
	}
	v *= mult * math.Pow(10, float64(exp))
	if v == 0 {
		return printedCell{0, 0}, nil
	}
	digits := strings.TrimLeft(strings.TrimLeft(t, "-"), "0.")
	figures := len(strings.ReplaceAll(digits, ".", ""))
	if !strings.Contains(t, ".") {
		figures = len(strings.TrimRight(digits, "0"))
	}
	return printedCell{v, max(figures, 2)}, nil
}

// matches reports whether x, rounded to the cell's significant figures, is the printed figure.
func (c printedCell) matches(x float64) bool {
	if c.figures == 0 {
		return x == 0
	}
	r := human.Round(x, c.figures)
	return math.Abs(r-c.value) <= 1e-9*math.Abs(c.value)
}

var columns = []string{"now", "new", "reduction", "cost", "savings", "ratio"}

func rowValues(f model.PointFinding) map[string]float64 {
	r := math.NaN()
	if f.Ratio != nil {
		r = *f.Ratio
	}
	return map[string]float64{"now": f.LossNow, "new": f.LossAfter, "reduction": f.Reduction,
		"cost": f.Cost, "savings": f.Savings, "ratio": r}
}

func loadSOES(t *testing.T) *model.Scenario {
	t.Helper()
	s, err := model.Load("soes-1983.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSOES1983Table reproduces the printed summary table of section 1.3: every cell of the 29 rows,
// computed exactly from the scenario's stated inputs and shown at the precision the report printed,
// equals the printed figure, except the cells listed in soesErrata. Each erratum must really be one
// (the printed figure does not match) and must state the exact value the inputs give.
func TestSOES1983Table(t *testing.T) {
	s := loadSOES(t)
	sel, err := s.Selection("")
	if err != nil {
		t.Fatal(err)
	}
	res := s.Point(sel)
	byID := map[string]model.PointFinding{}
	for _, f := range res.Findings {
		byID[f.ID] = f
	}
	errata := map[string]erratum{}
	for _, e := range soesErrata {
		key := e.finding + "/" + e.column
		if _, dup := errata[key]; dup {
			t.Errorf("erratum %s listed twice", key)
		}
		if e.reason == "" {
			t.Errorf("erratum %s has no reason", key)
		}
		errata[key] = e
	}
	f, err := os.Open("testdata/soes-1983-table-1.3.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := recs[0]
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	if len(recs)-1 != 29 {
		t.Fatalf("table has %d rows, want 29", len(recs)-1)
	}
	seen := map[string]bool{}
	used := map[string]bool{}
	for _, rec := range recs[1:] {
		id := rec[col["finding"]]
		seen[id] = true
		row, ok := byID[id]
		if !ok {
			t.Errorf("printed row %s: finding %s not computed by point mode", rec[col["row"]], id)
			continue
		}
		vals := rowValues(row)
		for _, c := range columns {
			cell, err := parsePrinted(rec[col[c]])
			if err != nil {
				t.Fatal(err)
			}
			key := id + "/" + c
			got := vals[c]
			e, listed := errata[key]
			switch {
			case listed:
				used[key] = true
				if cell.matches(got) {
					t.Errorf("%s: listed as an erratum but %.6g does match the printed %s", key, got, rec[col[c]])
				}
				if math.Abs(got-e.exact) > 1e-6*math.Max(1, math.Abs(e.exact)) {
					t.Errorf("%s: erratum states exact %.10g, point mode computes %.10g", key, e.exact, got)
				}
				if e.printed != rec[col[c]] {
					t.Errorf("%s: erratum says printed %q, table has %q", key, e.printed, rec[col[c]])
				}
			case !cell.matches(got):
				t.Errorf("%s: computed %.6g, printed %s (%d significant figures)", key, got, rec[col[c]], cell.figures)
			}
		}
	}
	for key := range errata {
		if !used[key] {
			t.Errorf("erratum %s names no printed cell", key)
		}
	}
	if len(byID) != 29 {
		t.Errorf("point mode computes %d quantified findings, want 29", len(byID))
	}
	for id := range byID {
		if !seen[id] {
			t.Errorf("finding %s computed but not in the printed table", id)
		}
	}
}

// TestSOES1983Findings checks the scenario carries all 53 findings of the report.
func TestSOES1983Findings(t *testing.T) {
	s := loadSOES(t)
	count := map[model.Status]int{}
	for _, f := range s.Findings {
		count[f.Status]++
	}
	if len(s.Findings) != 53 || count[model.Quantified] != 29 || count[model.Covered] != 22 || count[model.NotQuantified] != 2 {
		t.Errorf("findings %d (quantified %d, covered %d, not quantified %d), want 53 (29, 22, 2)",
			len(s.Findings), count[model.Quantified], count[model.Covered], count[model.NotQuantified])
	}
	if s.AnnuityFactor != 3.79 {
		t.Errorf("annuity factor %v, want the report's 3.79", s.AnnuityFactor)
	}
	// The Threeville contingency plan is one safeguard on 2.2-1 and 2.3-2, costed once.
	plans := 0
	for _, sg := range s.Safeguards {
		ids := map[string]bool{}
		for _, e := range sg.Effects {
			ids[s.Findings[e.Finding].ID] = true
		}
		if ids["2.2-1"] || ids["2.3-2"] {
			plans++
			if !(ids["2.2-1"] && ids["2.3-2"]) || len(ids) != 2 {
				t.Errorf("safeguard %s acts on %v, want exactly 2.2-1 and 2.3-2", sg.ID, ids)
			}
			if sg.OneTimeCost.Point+3.79*sg.AnnualCost.Point != 29000 {
				t.Errorf("Threeville plan costs %v + %v a year, want the table's 29K", sg.OneTimeCost.Point, sg.AnnualCost.Point)
			}
		}
	}
	if plans != 1 {
		t.Errorf("%d safeguards act on 2.2-1 or 2.3-2, want the one Threeville plan", plans)
	}
}

func TestParsePrinted(t *testing.T) {
	for _, c := range []struct {
		s        string
		v        float64
		figures  int
		matchVal float64
	}{
		{"57K", 57000, 2, 56850},
		{"2.8K", 2800, 2, 2842.5},
		{"460", 460, 2, 455.1},
		{"1.1E-4", 1.1e-4, 2, 1.0995e-4},
		{".023", 0.023, 2, 0.0231},
		{".002", 0.002, 2, 0.00204},
		{"-3.7K", -3700, 2, -3700},
		{"10.26K", 10260, 4, 10262},
		{"16.0", 16, 3, 15.96},
		{"184K", 184000, 3, 183500},
		{"0", 0, 0, 0},
	} {
		got, err := parsePrinted(c.s)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got.value-c.v) > 1e-12*math.Max(1, math.Abs(c.v)) || got.figures != c.figures {
			t.Errorf("parsePrinted(%q) = %+v, want %v at %d figures", c.s, got, c.v, c.figures)
		}
		if !got.matches(c.matchVal) {
			t.Errorf("%q does not match %v", c.s, c.matchVal)
		}
	}
	for _, c := range []struct {
		s string
		x float64
	}{{"460", 454.8}, {".002", 0.001644}, {"9K", 8699}, {"0", 1e-6}, {"30K", 31912}, {"1K", 960.3}} {
		if p, _ := parsePrinted(c.s); p.matches(c.x) {
			t.Errorf("%q must not match %v at two significant figures", c.s, c.x)
		}
	}
}
