package model

import (
	"encoding/json"
	"math"
	"testing"
)

const pointSrc = `
scenario: {name: p, horizon_years: 5, discount_rate: 0.1, annuity_factor: 3.79}
sites: [{id: a}, {id: b}]
findings:
  - {id: F1, title: flood, site: a, afe: 0.01, loss: 810000}
  - {id: F2, title: quake, site: b, afe: {factors: [{name: quake, value: 0.02}, {name: collapse, value: 0.5}]}, loss: 1247000}
  - {id: F3, title: theft, site: a, afe: {dist: loguniform, min: 1, max: 50, point: 5}, loss: 1000}
  - {id: F4, title: smoke, site: a, afe: 0.01, loss: 0}
  - {id: F5, title: covered, covered_by: [F1]}
safeguards:
  - id: plan
    title: contingency plan on two findings
    one_time_cost: 29000
    effects:
      - {finding: F1, new_loss: 747333}
      - {finding: F2, loss_factor: 0.5}
  - {id: lock, title: lock, annual_cost: 100, effects: [{finding: F3, ale_reduction: 0.9}]}
  - {id: guard, title: guard, annual_cost: 200, effects: [{finding: F3, frequency_factor: 0.5}]}
  - {id: fans, title: fans, one_time_cost: 3700, effects: [{finding: F4, ale_reduction: 1}]}
  - {id: alt, title: alternative, alternative: true, one_time_cost: 1, effects: [{finding: F3, new_afe: 0}]}
`

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.10g, want %.10g", what, got, want)
	}
}

func TestPointArithmetic(t *testing.T) {
	s, err := Parse("p.yaml", []byte(pointSrc))
	if err != nil {
		t.Fatal(err)
	}
	sel, _ := s.Selection("")
	if len(sel) != 4 {
		t.Fatalf("selection %v: the alternative must be left out", sel)
	}
	r := s.Point(sel)
	const A = 3.79
	rows := map[string]PointFinding{}
	for _, f := range r.Findings {
		rows[f.ID] = f
	}
	if len(rows) != 4 {
		t.Fatalf("got %d rows, want the 4 quantified findings", len(rows))
	}
	// F1: ALE = .01 x 810000 = 8100; new ALE = .01 x 747333.
	f1 := rows["F1"]
	near(t, "F1 ALE", f1.ALE, 8100)
	near(t, "F1 new ALE", f1.NewALE, 7473.33)
	near(t, "F1 loss now", f1.LossNow, A*8100)
	// F2: AFE = .02 x .5 = .01, ALE 12470, halved by the plan.
	f2 := rows["F2"]
	near(t, "F2 ALE", f2.ALE, 12470)
	near(t, "F2 new ALE", f2.NewALE, 6235)
	// The plan is costed once; both rows show its combined figures.
	planReduction := A * ((8100 - 7473.33) + (12470 - 6235))
	for _, id := range []string{"F1", "F2"} {
		near(t, id+" cost", rows[id].Cost, 29000)
		near(t, id+" savings", rows[id].Savings, planReduction-29000)
		near(t, id+" ratio", *rows[id].Ratio, 29000/(planReduction-29000))
	}
	if len(f1.SharedWith) != 1 || f1.SharedWith[0] != "F2" {
		t.Errorf("F1 shared with %v", f1.SharedWith)
	}
	// F3: two safeguards combine multiplicatively: 5 x 1000 x (1 - .9) x .5 = 250.
	f3 := rows["F3"]
	near(t, "F3 new ALE", f3.NewALE, 250)
	near(t, "F3 cost", f3.Cost, A*300)
	near(t, "F3 savings", f3.Savings, A*(5000-250)-A*300)
	// F4: nothing to save, 3.7K spent: ratio = cost/savings = -1, as the report prints.
	near(t, "F4 savings", rows["F4"].Savings, -3700)
	near(t, "F4 ratio", *rows["F4"].Ratio, -1)
	// Safeguards on their own: lock alone reduces F3 by 90%.
	var lock PointSafeguard
	for _, sg := range r.Safeguards {
		if sg.ID == "lock" {
			lock = sg
		}
	}
	near(t, "lock reduction", lock.Reduction, A*4500)
	near(t, "lock savings", lock.Savings, A*4500-A*100)
	near(t, "lock cost/reduction", *lock.CostToReduction, 100.0/4500)
	// Totals: each finding once, each safeguard's cost once.
	near(t, "total ALE", r.Totals.ALE, 8100+12470+5000)
	near(t, "total cost", r.Totals.Cost, 29000+A*100+A*200+3700)
	near(t, "total savings", r.Totals.Savings, A*(8100+12470+5000-7473.33-6235-250)-r.Totals.Cost)
	// Report order: paying rows by increasing ratio, then the rest by savings.
	if last := r.Findings[len(r.Findings)-1]; last.ID != "F4" {
		t.Errorf("last row %s, want the non-paying F4", last.ID)
	}
	if len(rows["F1"].Covers) != 1 || rows["F1"].Covers[0] != "F5" {
		t.Errorf("F1 covers %v", rows["F1"].Covers)
	}
}

func TestPointPortfolioSelection(t *testing.T) {
	s, err := Parse("p.yaml", []byte(pointSrc+"portfolios: [{id: only-alt, safeguards: [alt]}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	sel, err := s.Selection("only-alt")
	if err != nil || len(sel) != 1 {
		t.Fatalf("selection %v %v", sel, err)
	}
	r := s.Point(sel)
	for _, f := range r.Findings {
		if f.ID == "F3" && f.NewALE != 0 {
			t.Errorf("new_afe 0 must remove F3's ALE, got %v", f.NewALE)
		}
	}
	if _, err := s.Selection("nope"); err == nil {
		t.Error("unknown portfolio accepted")
	}
}

// TestPointGroupCostsEverySafeguard: S1 (cost 10) acts on A and B and S2 (cost 500) on B; A's row
// shares B's reductions, so it must also carry S2's cost (found by review: it showed savings 860 at
// ratio 0.012 though S1 alone saves 140).
func TestPointGroupCostsEverySafeguard(t *testing.T) {
	src := `scenario: {name: g, horizon_years: 1, annuity_factor: 1}
sites: [{id: s}]
findings:
  - {id: A, title: a, site: s, afe: 1, loss: 100}
  - {id: B, title: b, site: s, afe: 1, loss: 1000}
  - {id: C, title: c, site: s, afe: 1, loss: 50}
safeguards:
  - {id: S1, title: s1, one_time_cost: 10, effects: [{finding: A, ale_reduction: 0.5}, {finding: B, ale_reduction: 0.1}]}
  - {id: S2, title: s2, one_time_cost: 500, effects: [{finding: B, ale_reduction: 0.8}]}
  - {id: S3, title: s3, one_time_cost: 5, effects: [{finding: C, ale_reduction: 1}]}
`
	s, err := Parse("g.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r := s.Point([]int{0, 1, 2})
	rows := map[string]PointFinding{}
	for _, f := range r.Findings {
		rows[f.ID] = f
	}
	// B with both: 1000 x .9 x .2 = 180, reduction 820; A: 50. Group cost 510, savings 360.
	for _, id := range []string{"A", "B"} {
		near(t, id+" group cost", rows[id].Cost, 510)
		near(t, id+" group savings", rows[id].Savings, 50+820-510)
	}
	near(t, "C cost", rows["C"].Cost, 5)
	near(t, "C savings", rows["C"].Savings, 45)
	// S1 on its own: A 50 + B 100 - 10.
	for _, sg := range r.Safeguards {
		if sg.ID == "S1" {
			near(t, "S1 alone", sg.Savings, 140)
		}
	}
	// The same JSON every time (no map-order sums).
	first, _ := json.Marshal(s.Point([]int{0, 1, 2}))
	for i := 0; i < 20; i++ {
		again, _ := json.Marshal(s.Point([]int{0, 1, 2}))
		if string(again) != string(first) {
			t.Fatal("point results differ between calls")
		}
	}
}
