package analysis

import (
	"math"

	"github.com/alesim/alesim/internal/xmath"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

// ToleranceResult holds the loss exceedance curves against the scenario's risk tolerance. The
// baseline is the curve with no safeguard; Portfolios holds each named portfolio, in scenario
// order (the engine simulates their annual losses on the baseline's events when the scenario
// states a tolerance), then the recommended set when it is not one of them, by id.
type ToleranceResult struct {
	Points     []TolerancePoint     `json:"points"`
	Baseline   ToleranceCheck       `json:"baseline"`
	Portfolios []PortfolioTolerance `json:"portfolios"`
}

// TolerancePoint is one point of the tolerance curve: at most Probability a year of an annual loss
// above Loss.
type TolerancePoint struct {
	Loss        float64 `json:"loss"`
	Probability float64 `json:"probability"`
}

// ToleranceCheck says whether a loss exceedance curve stays within tolerance. MaxExcess is the
// largest P(loss > x) minus the tolerance at x over the tolerance's range (negative when the curve
// stays below it everywhere), AtLoss the x where it is largest; Within is MaxExcess <= 0.
type ToleranceCheck struct {
	Within    bool    `json:"within"`
	MaxExcess float64 `json:"max_excess"`
	AtLoss    float64 `json:"at_loss"`
}

// PortfolioTolerance is a portfolio's ToleranceCheck.
type PortfolioTolerance struct {
	ID string `json:"id"`
	ToleranceCheck
}

// toleranceGrid is the number of log-spaced losses the excess is evaluated at, besides the
// tolerance's own points and the curve's jumps near them.
const toleranceGrid = 400

// checkTolerance evaluates P(loss > x) - tolerance(x) over the tolerance's range: from its first
// loss to its last (from the smallest simulated positive loss to the loss, for a single appetite
// point), on a log-spaced grid and at the tolerance's points. Where the curve is a step function
// the sup is approached just below a jump; the grid's spacing bounds how far off it can be.
func checkTolerance(pts []model.TolerancePoint, q sim.Quantiler) ToleranceCheck {
	lo, hi := pts[0].Loss, pts[len(pts)-1].Loss
	if len(pts) == 1 {
		lo = q.MinPositive()
		if !(lo > 0) || lo > hi {
			lo = hi
		}
		lo *= 1 - 1e-9 // just below the smallest loss: P(loss > x) is P(loss > 0) there
	}
	xs := make([]float64, 0, toleranceGrid+len(pts))
	for _, p := range pts {
		xs = append(xs, p.Loss)
	}
	if hi > lo {
		step := xmath.Log(hi/lo) / (toleranceGrid - 1)
		for k := 0; k < toleranceGrid-1; k++ {
			xs = append(xs, lo*xmath.Exp(float64(k)*step))
		}
		xs = append(xs, hi) // exactly: lo*exp(log(hi/lo)) can fall a rounding short (7999999.999999999)
	} else {
		xs = append(xs, lo)
	}
	best := ToleranceCheck{MaxExcess: math.Inf(-1)}
	for _, x := range xs {
		x = math.Min(math.Max(x, lo), hi)
		t, ok := model.Tolerance(pts, x)
		if !ok && len(pts) == 1 {
			t, ok = pts[0].Probability, true
		}
		if !ok {
			continue
		}
		if e := q.Exceed(x) - t; e > best.MaxExcess || (e == best.MaxExcess && x < best.AtLoss) {
			best.MaxExcess, best.AtLoss = e, x
		}
	}
	best.Within = best.MaxExcess <= 0
	return best
}

// toleranceResult checks the baseline's, each named portfolio's and the recommended set's annual
// loss against the scenario's tolerance; nil when the scenario states none. A portfolio whose
// annual loss was not simulated (a collapsed run) is left out.
func toleranceResult(s *model.Scenario, res *sim.Result) *ToleranceResult {
	if len(s.Tolerance) == 0 {
		return nil
	}
	out := &ToleranceResult{Portfolios: []PortfolioTolerance{}}
	for _, p := range s.Tolerance {
		out.Points = append(out.Points, TolerancePoint{p.Loss, p.Probability})
	}
	out.Baseline = checkTolerance(s.Tolerance, res.Dist(res.TotalLoss()))
	rec := res.Recommended()
	recShown := false
	for k := range s.Portfolios {
		q := res.PortfolioLoss(k)
		if q < 0 {
			continue
		}
		if q == res.RecommendedLoss() {
			recShown = true
		}
		out.Portfolios = append(out.Portfolios, PortfolioTolerance{ID: s.Portfolios[k].ID, ToleranceCheck: checkTolerance(s.Tolerance, res.Dist(q))})
	}
	if rec != nil && !recShown {
		out.Portfolios = append(out.Portfolios, PortfolioTolerance{ID: rec.Name, ToleranceCheck: checkTolerance(s.Tolerance, res.Dist(res.RecommendedLoss()))})
	}
	return out
}
