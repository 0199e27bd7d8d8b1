package model

import (
	"math"

	"github.com/alesim/alesim/internal/xmath"
)

// TolerancePoint is a point of the risk tolerance curve: the board accepts at most Probability a
// year of an annual loss above Loss.
type TolerancePoint struct {
	Loss        float64 // in the scenario's currency, > 0
	Probability float64 // in (0, 1]
	Pos         Pos
}

// Tolerance is the accepted probability of an annual loss above x: a straight line between the
// points on log-log axes; one point is an appetite (its probability, up to its loss). Beyond the
// last point the line's last segment carries on; with one point, the probability is flat. ok is
// false outside the curve's range (below the first loss or above the last).
func Tolerance(pts []TolerancePoint, x float64) (p float64, ok bool) {
	if len(pts) == 0 || !(x > 0) {
		return 0, false
	}
	if len(pts) == 1 {
		return pts[0].Probability, x <= pts[0].Loss*(1+1e-12)
	}
	if x < pts[0].Loss*(1-1e-12) || x > pts[len(pts)-1].Loss*(1+1e-12) {
		return 0, false
	}
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		if x <= b.Loss || i == len(pts)-1 {
			t := (xmath.Log(x) - xmath.Log(a.Loss)) / (xmath.Log(b.Loss) - xmath.Log(a.Loss))
			t = math.Max(0, math.Min(1, t))
			return xmath.Exp(xmath.Log(a.Probability) + float64(t*(xmath.Log(b.Probability)-xmath.Log(a.Probability)))), true
		}
	}
	return 0, false
}

// toleranceKeys are the keys of a tolerance point.
var toleranceKeys = []string{"loss", "probability"}

func (d *decoder) tolerance(s *Scenario, n *node) {
	const p = "tolerance"
	for i, item := range d.list(n, p) {
		ip := idx(p, i)
		m := d.fields(item, ip, toleranceKeys...)
		if m == nil {
			continue
		}
		l, okL := d.num(d.required(m, item, ip, "loss", "an annual loss > 0"), ip+".loss")
		pr, okP := d.num(d.required(m, item, ip, "probability", "a probability a year in (0, 1]"), ip+".probability")
		if okL && !(l > 0) {
			d.add(m["loss"], ip+".loss", "must be > 0 (got %s)", m["loss"].text)
			okL = false
		}
		if okP && !(pr > 0 && pr <= 1) {
			d.add(m["probability"], ip+".probability", "must be a probability in (0, 1], 0.1 is 10%% (got %s)", m["probability"].text)
			okP = false
		}
		if !okL || !okP {
			continue
		}
		if k := len(s.Tolerance); k > 0 {
			prev := s.Tolerance[k-1]
			if l <= prev.Loss {
				d.add(m["loss"], ip+".loss", "must be larger than the previous point's loss %g (got %s)", prev.Loss, m["loss"].text)
				continue
			}
			if pr > prev.Probability {
				d.add(m["probability"], ip+".probability", "must not exceed the previous point's probability %g: tolerance falls as losses grow (got %s)", prev.Probability, m["probability"].text)
				continue
			}
		}
		s.Tolerance = append(s.Tolerance, TolerancePoint{Loss: l, Probability: pr, Pos: Pos{item.line, item.col}})
	}
}
