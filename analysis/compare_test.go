package analysis

import (
	"context"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

// variant loads the reference scenario with one edit of its text.
func variant(t *testing.T, old, new string) *model.Scenario {
	t.Helper()
	src, err := os.ReadFile("../scenarios/soes-1983.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(src), old) != 1 {
		t.Fatalf("%q is not once in the scenario", old)
	}
	s, err := model.Parse("soes-1983-edited.yaml", []byte(strings.Replace(string(src), old, new, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCompareDoubledCost is issue 17's acceptance: the reference scenario against a copy with one
// safeguard's one-time cost doubled (sg-3.3-1: 15K to 30K). Paired on common random numbers, only
// that safeguard's savings and those of the portfolio holding it change, by exactly the extra
// 15K in every trial, so the paired interval is a point; the unpaired interval of the same change
// is wide.
func TestCompareDoubledCost(t *testing.T) {
	before, err := model.Load("../scenarios/soes-1983.yaml")
	if err != nil {
		t.Fatal(err)
	}
	after := variant(t, "one_time_cost: 15000\n    annual_cost: 6200", "one_time_cost: 30000\n    annual_cost: 6200")
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers = 20000, 2
	cmp, sa, sb, err := CompareScenarios(context.Background(), before, after, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Paired {
		t.Fatal("two scenarios on one seed: want paired")
	}
	if want := []string{"sg-3.3-1", "report"}; !slices.Equal(cmp.Changed, want) {
		t.Fatalf("changed: %v, want %v", cmp.Changed, want)
	}
	if cmp.ALE.Change.Changed || cmp.AnnualLoss.Change.Changed || cmp.ALE.Before != cmp.ALE.After {
		t.Errorf("ALE or annual loss changed: %+v %+v", cmp.ALE, cmp.AnnualLoss.Compared)
	}
	for _, q := range cmp.AnnualLoss.Quantiles {
		if q.Change != 0 {
			t.Errorf("annual loss P%g changed by %g", 100*q.P, q.Change)
		}
	}
	for _, it := range append(append([]ItemCompared(nil), cmp.Safeguards...), cmp.Portfolios...) {
		c := it.Change
		if it.ID != "sg-3.3-1" && it.ID != "report" {
			if c.Changed || c.Mean != 0 || c.CI95 != [2]float64{} || *it.PPositiveBefore != *it.PPositiveAfter {
				t.Errorf("%s changed: %+v", it.ID, c)
			}
			continue
		}
		// 15K more one-time cost: savings fall by exactly 15K in every trial (to rounding).
		if math.Abs(c.Mean+15000) > 1e-6 || math.Abs(c.CI95[0]+15000) > 1e-6 || math.Abs(c.CI95[1]+15000) > 1e-6 || !c.Settled {
			t.Errorf("%s: change %+v, want -15000 with a point interval", it.ID, c)
		}
		t.Logf("%s: savings %.6g -> %.6g, change %.6g, paired 95%% CI [%.6g, %.6g], P(pays) %.4g -> %.4g",
			it.ID, *it.Before, *it.After, c.Mean, c.CI95[0], c.CI95[1], *it.PPositiveBefore, *it.PPositiveAfter)
	}
	un := CompareSummaries(sa, sb)
	for _, it := range un.Safeguards {
		if it.ID == "sg-3.3-1" {
			w := it.Change.CI95[1] - it.Change.CI95[0]
			t.Logf("unpaired 95%% CI of the same change: [%.6g, %.6g] (width %.4g)", it.Change.CI95[0], it.Change.CI95[1], w)
			if un.Paired || w < 1000 {
				t.Errorf("unpaired interval width %g: want the wide interval of two independent means", w)
			}
		}
	}
}

// TestCompareEffect: a change with a real paired interval. sg-3.3-1's reduction from 0.9 to 0.8
// lowers its savings and the report portfolio's; the paired interval excludes zero and is far
// narrower than the unpaired one.
func TestCompareEffect(t *testing.T) {
	before, err := model.Load("../scenarios/soes-1983.yaml")
	if err != nil {
		t.Fatal(err)
	}
	after := variant(t, `{finding: "3.3-1", ale_reduction: 0.9}`, `{finding: "3.3-1", ale_reduction: 0.8}`)
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers = 20000, 2
	cmp, sa, sb, err := CompareScenarios(context.Background(), before, after, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"sg-3.3-1", "report"}; !slices.Equal(cmp.Changed, want) {
		t.Fatalf("changed: %v, want %v", cmp.Changed, want)
	}
	un := CompareSummaries(sa, sb)
	for i, it := range cmp.Safeguards {
		if it.ID != "sg-3.3-1" {
			continue
		}
		c, u := it.Change, un.Safeguards[i].Change
		if !c.Settled || c.Mean >= 0 {
			t.Errorf("paired change %+v: want a settled fall", c)
		}
		if pw, uw := c.CI95[1]-c.CI95[0], u.CI95[1]-u.CI95[0]; pw*2 > uw {
			t.Errorf("paired width %g, unpaired %g: want the paired at most half", pw, uw)
		}
		if math.Abs(c.Mean-(*it.After-*it.Before)) > 1e-6*math.Abs(c.Mean) {
			t.Errorf("paired mean change %g, difference of means %g", c.Mean, *it.After-*it.Before)
		}
	}
}
