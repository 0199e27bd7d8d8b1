package analysis

import (
	"context"
	"github.com/alesim/alesim/sim"
	"math"
	"testing"
)

// TestSensitivityKnownAnswer: ALE = 1000 x (A's AFE + B's AFE) with A's AFE log-uniform on
// [0.1, 100] and B's uniform on [0.99, 1.01]: A explains almost all the variance. Its rank
// correlation with the ALE must be near 1 and B's near 0 (|r| below 4/sqrt(n)); the swings are
// exact: holding A at its P05 and P95 moves the mean by 1000 x (Q(.95) - Q(.05)) of A's AFE.
// For the safeguard's savings, its annual cost decides the answer.
func TestSensitivityKnownAnswer(t *testing.T) {
	src := `scenario: {name: sens, horizon_years: 5, annuity_factor: 4}
sites: [{id: s}]
findings:
  - {id: A, title: a, site: s, afe: {dist: loguniform, min: 0.1, max: 100}, loss: 1000}
  - {id: B, title: b, site: s, afe: {dist: uniform, min: 0.99, max: 1.01}, loss: 1000}
safeguards:
  - {id: S, title: s, annual_cost: {dist: uniform, min: 0, max: 200000}, effects: [{finding: B, ale_reduction: {dist: uniform, min: 0.49, max: 0.51}}]}
`
	s := parse(t, src)
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers = 20000, 2
	r, err := Sensitivity(context.Background(), s, cfg, "ale")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Inputs) != 4 || r.Inputs[0].Name != "A.afe" {
		t.Fatalf("inputs %+v, want A.afe first", r.Inputs)
	}
	a := r.Inputs[0]
	if a.RankCorrelation < 0.99 {
		t.Errorf("A's rank correlation %v, want about 1", a.RankCorrelation)
	}
	lu := s.Findings[0].AFE.Factors[0].Dist
	if want := 1000 * (lu.Quantile(0.95) - lu.Quantile(0.05)); math.Abs(a.Swing-want) > 1e-9*want {
		t.Errorf("A's swing %v, want exactly %v (same trials, only A held)", a.Swing, want)
	}
	for _, in := range r.Inputs[1:] {
		// B's true correlation with the ALE is about sqrt(Var(B)/Var(A)) = 3e-4, far below the
		// sampling error of a rank correlation, 1/sqrt(n).
		if in.Name == "B.afe" && math.Abs(in.RankCorrelation) > 4/math.Sqrt(20000) {
			t.Errorf("B's rank correlation %v, want within 4/sqrt(n) of 0", in.RankCorrelation)
		}
		if in.Name == "S.annual_cost" && (in.Swing != 0 || math.Abs(in.RankCorrelation) > 4/math.Sqrt(20000)) {
			t.Errorf("the safeguard's cost cannot move the ALE: %+v", in)
		}
	}
	sv, err := Sensitivity(context.Background(), s, cfg, "savings:S")
	if err != nil {
		t.Fatal(err)
	}
	if sv.Inputs[0].Name != "S.annual_cost" || sv.Inputs[0].RankCorrelation > -0.99 {
		t.Errorf("savings: first input %+v, want S.annual_cost with rank correlation about -1", sv.Inputs[0])
	}
	if _, err := Sensitivity(context.Background(), s, cfg, "savings:nope"); err == nil {
		t.Error("unknown safeguard accepted")
	}
}

// TestInputNamesFromModel: the engine's inputs are the model's, by name and in order, on every
// shipped scenario (validation of names, as a correlations section uses them, relies on it).
func TestInputNamesFromModel(t *testing.T) {
	for _, path := range []string{"../scenarios/soes-1983.yaml", "../scenarios/usps-wets-access.yaml", "../scenarios/usps-cloud-records.yaml", "../scenarios/bench-30.yaml"} {
		s := load(t, path)
		ins, err := sim.Inputs(s)
		if err != nil {
			t.Fatal(err)
		}
		want := s.InputNames()
		if len(ins) != len(want) {
			t.Fatalf("%s: %d engine inputs, model names %d", path, len(ins), len(want))
		}
		for i := range ins {
			if ins[i].Name != want[i] {
				t.Errorf("%s: input %d is %q in the engine, %q in the model", path, i, ins[i].Name, want[i])
			}
		}
	}
}
