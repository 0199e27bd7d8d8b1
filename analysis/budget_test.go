package analysis

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/alesim/alesim/sim"
)

// TestBudgetHonest (issue 18): eight safeguards of equal true savings, each on its own finding (AFE
// uniform on [0.5, 1.5], loss 100,000, ALE reduction 0.5, one-time cost 10,000, A = 1): each saves
// 50,000 E[AFE] - 10,000 = 40,000 in expectation, with sd 50,000/sqrt(12) per trial. A budget of
// 15,000 buys one. The search picks the best of eight equal, independent means, so the in-sample
// figure of the winner is biased upward by E[max of 8 standard normals] = 1.4236 standard errors of
// a mean; the held-out figure, on blocks the choice never saw, is unbiased. Over 30 replications
// (seeds) the held-out mean is within 4 SE of the truth, the in-sample mean is above it by more
// than 4 SE and its bias matches 1.4236 standard errors within 4 SE of the replication mean.
func TestBudgetHonest(t *testing.T) {
	var b strings.Builder
	b.WriteString("scenario: {name: equal, annuity_factor: 1}\nsites: [{id: s}]\nfindings:\n")
	for i := range 8 {
		fmt.Fprintf(&b, "  - {id: F%d, title: f, site: s, afe: {dist: uniform, min: 0.5, max: 1.5}, loss: 100000}\n", i)
	}
	b.WriteString("safeguards:\n")
	for i := range 8 {
		fmt.Fprintf(&b, "  - {id: S%d, title: s, one_time_cost: 10000, effects: [{finding: F%d, ale_reduction: 0.5}]}\n", i, i)
	}
	s := parse(t, b.String())
	const truth, sd, trials, reps = 40000.0, 50000 / 3.4641016151377544, 20000, 20
	seHalf := sd / math.Sqrt(trials/2) // standard error of one set's mean on one half
	var in, out, curse []float64
	for rep := range reps {
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Seed, cfg.Workers = trials, uint64(100+rep), 2
		sum, err := Run(context.Background(), s, cfg, Options{Budget: 15000})
		if err != nil {
			t.Fatal(err)
		}
		bs := sum.Budget.Best
		if len(bs.Members) != 1 || bs.HeldOut == nil || sum.Budget.ChoiceBlocks != "even" {
			t.Fatalf("best %+v, choice on %s", bs, sum.Budget.ChoiceBlocks)
		}
		in = append(in, bs.InSample.Mean)
		out = append(out, bs.HeldOut.Mean)
		curse = append(curse, bs.OptimizersCurse.Mean)
	}
	mIn, seIn := meanSE(in)
	mOut, seOut := meanSE(out)
	mCurse, _ := meanSE(curse)
	t.Logf("in-sample %.6g (se %.3g), held-out %.6g (se %.3g), curse %.4g; truth %g, expected bias %.4g", mIn, seIn, mOut, seOut, mCurse, truth, 1.4236*seHalf)
	within(t, "held-out savings of the best set, mean over replications", mOut, truth, seOut, 4)
	if mIn-truth < 4*seIn {
		t.Errorf("in-sample savings %.6g not biased upward of the truth %g (se %.3g)", mIn, truth, seIn)
	}
	within(t, "in-sample bias", mIn-truth, 1.4236*seHalf, seIn, 4)
}

// TestBudgetHonestDeterministic: the honest budget's figures do not depend on the workers.
func TestBudgetHonestDeterministic(t *testing.T) {
	s := load(t, "../scenarios/soes-1983.yaml")
	var got [2]*BudgetResult
	for i, w := range []int{1, 3} {
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Workers = 20000, w
		sum, err := Run(context.Background(), s, cfg, Options{Budget: 50000})
		if err != nil {
			t.Fatal(err)
		}
		got[i] = sum.Budget
	}
	a, b := got[0].Best, got[1].Best
	if fmt.Sprint(a.Members) != fmt.Sprint(b.Members) || a.InSample != b.InSample || *a.HeldOut != *b.HeldOut || a.Savings != b.Savings {
		t.Errorf("1 worker %+v\n3 workers %+v", a, b)
	}
}
