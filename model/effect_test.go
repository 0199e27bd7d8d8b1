package model

import (
	"math"
	"testing"
)

// Every effect kind has a complete table entry, and folds into an Adjust as documented: on a base
// AFE of 2 and loss of 100 (mean loss 100).
func TestEffectKinds(t *testing.T) {
	cases := []struct {
		kind       EffectKind
		onLoss     bool
		v          float64
		afe, loss  float64
		lossScale  float64
		neutralSet bool
	}{
		{ALEReduction, false, 0.25, 1.5, 100, 1, true},
		{ALEReduction, true, 0.25, 2, 75, 0.75, true},
		{FrequencyFactor, false, 0.5, 1, 100, 1, true},
		{LossFactor, false, 0.5, 2, 50, 0.5, true},
		{NewAFE, false, 0.5, 0.5, 100, 1, false},
		{NewLoss, false, 40, 2, 40, 0.4, false},
	}
	seen := map[EffectKind]bool{}
	for _, c := range cases {
		seen[c.kind] = true
		a := NoAdjust()
		a.Add(c.kind, c.onLoss, c.v)
		if got := a.AFE(2); got != c.afe {
			t.Errorf("%v %v: AFE %v, want %v", c.kind, c.v, got, c.afe)
		}
		if got := a.Loss(100); got != c.loss {
			t.Errorf("%v %v: loss %v, want %v", c.kind, c.v, got, c.loss)
		}
		if got := a.LossScale(100); got != c.lossScale {
			t.Errorf("%v %v: loss scale %v, want %v", c.kind, c.v, got, c.lossScale)
		}
		ek := effectKinds[c.kind]
		if ek.key == "" || ek.key != c.kind.String() || ek.validate == nil || ek.add == nil || ek.warn == nil {
			t.Errorf("%v: incomplete table entry", c.kind)
		}
		if has := !math.IsNaN(ek.neutral); has != c.neutralSet {
			t.Errorf("%v: has a neutral value: %v, want %v", c.kind, has, c.neutralSet)
		} else if has {
			n := NoAdjust()
			n.Add(c.kind, c.onLoss, ek.neutral)
			if n.AFE(2) != 2 || n.Loss(100) != 100 {
				t.Errorf("%v: neutral value %v changes the finding", c.kind, ek.neutral)
			}
		}
	}
	if len(seen) != len(effectKinds) {
		t.Errorf("tested %d effect kinds, the table has %d", len(seen), len(effectKinds))
	}
	// Replacements: the lowest wins, whatever the order.
	a := NoAdjust()
	a.Add(NewAFE, false, 0.5)
	a.Add(NewAFE, false, 0.2)
	a.Add(NewAFE, false, 0.9)
	if got := a.AFE(2); got != 0.2 {
		t.Errorf("three new_afe: AFE %v, want the lowest, 0.2", got)
	}
}
