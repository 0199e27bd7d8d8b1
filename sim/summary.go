package sim

import (
	"fmt"
	"math"
)

// Summary is the result of a run; its JSON form is the output contract of `alesim run`. Money is
// in the scenario's currency, probabilities in [0, 1].
type Summary struct {
	Scenario   ScenarioInfo      `json:"scenario"`
	Run        RunInfo           `json:"run"`
	ALE        ALEStats          `json:"ale"`
	AnnualLoss LossStats         `json:"annual_loss"`
	Exceedance []ExceedancePoint `json:"exceedance"`
	Findings   []FindingStats    `json:"findings"`
	Sites      []GroupStats      `json:"sites"`
	Classes    []GroupStats      `json:"classes"`
	Warnings   []string          `json:"warnings"`
}

// ScenarioInfo identifies the scenario run.
type ScenarioInfo struct {
	Name          string  `json:"name"`
	SHA256        string  `json:"sha256"`
	Currency      string  `json:"currency"`
	AnnuityFactor float64 `json:"annuity_factor"`
	HorizonYears  int     `json:"horizon_years"`
}

// RunInfo is the run's provenance.
type RunInfo struct {
	Trials      int64   `json:"trials"`
	Seed        uint64  `json:"seed"`
	Workers     int     `json:"workers"`
	Version     string  `json:"version"`
	WallSeconds float64 `json:"wall_seconds"`
	BlockSize   int     `json:"block_size"`
	Precision   float64 `json:"precision,omitempty"` // the requested relative CI half-width, when set
	// TotalsQuantiles says how the quantiles of the total annual loss and ALE were computed:
	// "exact" (every trial kept and sorted) or "sketch".
	TotalsQuantiles string `json:"totals_quantiles"`
	// SketchRelativeError bounds the relative error of every quantile taken from a sketch (the
	// per-finding, per-site and per-class quantiles, and the totals' when not exact).
	SketchRelativeError float64 `json:"sketch_relative_error"`
	Collapse            bool    `json:"collapse,omitempty"`
}

// ALEStats describes ALE(theta), the expected annual loss given one draw of the uncertain inputs,
// across trials: its mean with a 95% Monte Carlo confidence interval, and its spread.
type ALEStats struct {
	Point float64    `json:"point"` // the 1983 arithmetic on point values, no caps
	Mean  float64    `json:"mean"`
	CI95  [2]float64 `json:"ci95"`
	SD    float64    `json:"sd"`
	P05   float64    `json:"p05"`
	P50   float64    `json:"p50"`
	P95   float64    `json:"p95"`
}

// LossStats describes the annual loss: what simulated years actually cost. VaR is the quantile,
// TVaR (expected shortfall) the mean loss in the years at or beyond it.
type LossStats struct {
	Mean   float64    `json:"mean"`
	CI95   [2]float64 `json:"ci95"`
	SD     float64    `json:"sd"`
	PZero  float64    `json:"p_zero"` // probability of a year without loss
	P50    float64    `json:"p50"`
	P90    float64    `json:"p90"`
	P95    float64    `json:"p95"`
	P99    float64    `json:"p99"`
	VaR95  float64    `json:"var95"`
	TVaR95 float64    `json:"tvar95"`
	VaR99  float64    `json:"var99"`
	TVaR99 float64    `json:"tvar99"`
}

// ExceedancePoint is a point of the loss exceedance curve: P(annual loss > Loss).
type ExceedancePoint struct {
	Loss        float64 `json:"loss"`
	Probability float64 `json:"probability"`
}

// ShortLoss is the annual loss of a finding, site or class.
type ShortLoss struct {
	Mean float64    `json:"mean"`
	CI95 [2]float64 `json:"ci95"`
	P95  float64    `json:"p95"`
	P99  float64    `json:"p99"`
}

// FindingStats is one quantified finding's results.
type FindingStats struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	Site       string    `json:"site"`
	Class      string    `json:"class"`
	PointALE   float64   `json:"point_ale"`
	ALE        ALEStats  `json:"ale"`
	AnnualLoss ShortLoss `json:"annual_loss"`
	// ALEMethod is how ALE(theta) is computed: closed_form (AFE x mean loss), closed_form_capped
	// (a fixed loss capped at its asset's value, from Poisson probabilities) or estimate (the
	// trial's own capped loss, unbiased, where no closed form exists).
	ALEMethod string `json:"ale_method"`
	Asset     string `json:"asset,omitempty"`
}

// GroupStats is a site's or a threat class's results.
type GroupStats struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	PointALE   float64   `json:"point_ale"`
	ALE        ALEStats  `json:"ale"`
	AnnualLoss ShortLoss `json:"annual_loss"`
}

func (r *results) quantilerFor(p *plan, q int) quantiler {
	if q <= 1 && r.lossVals != nil {
		if q == 0 {
			return newExactQ(r.lossVals)
		}
		return newExactQ(r.aleVals)
	}
	if !p.sketchedQ[q] {
		return constQ{r.total.mean[q]}
	}
	return sketchQ{r.sk.sk[q]}
}

func (r *results) aleStats(p *plan, q int, point float64) ALEStats {
	qq := r.quantilerFor(p, q)
	return ALEStats{
		Point: point, Mean: r.total.mean[q], CI95: r.total.ci95(q), SD: r.total.sd(q),
		P05: qq.quantile(0.05), P50: qq.quantile(0.50), P95: qq.quantile(0.95),
	}
}

func (r *results) shortLoss(p *plan, q int) ShortLoss {
	qq := r.quantilerFor(p, q)
	return ShortLoss{Mean: r.total.mean[q], CI95: r.total.ci95(q), P95: qq.quantile(0.95), P99: qq.quantile(0.99)}
}

func (r *results) summary(p *plan, cfg Config, trials int64) *Summary {
	s := p.s
	sum := &Summary{
		Scenario: ScenarioInfo{s.Name, s.SHA256, s.Currency, s.AnnuityFactor, s.HorizonYears},
		Run: RunInfo{Trials: trials, Seed: cfg.Seed, Workers: cfg.Workers, Version: cfg.Version,
			BlockSize: BlockSize, Precision: cfg.Precision, TotalsQuantiles: "exact",
			SketchRelativeError: SketchRelativeError, Collapse: cfg.Collapse},
		Warnings: []string{},
	}
	if r.lossVals == nil {
		sum.Run.TotalsQuantiles = "sketch"
	} else if int64(len(r.lossVals)) > trials {
		// A precision run that stopped early: keep only the trials run.
		r.lossVals, r.aleVals = r.lossVals[:trials], r.aleVals[:trials]
	}
	if r.total.overflowed {
		sum.Warnings = append(sum.Warnings, "some simulated years overflowed float64 (infinite or undefined loss); the inputs are too heavy-tailed for the figures to mean anything")
	}
	pointALE := map[string]float64{}
	for _, f := range s.Point(nil).Findings {
		pointALE[f.ID] = f.ALE
	}
	totalPoint := 0.0
	for _, v := range pointALE {
		totalPoint += v
	}
	sum.ALE = r.aleStats(p, 1, totalPoint)
	loss := r.quantilerFor(p, 0)
	sum.AnnualLoss = LossStats{
		Mean: r.total.mean[0], CI95: r.total.ci95(0), SD: r.total.sd(0),
		PZero: 1 - loss.exceed(0),
		P50:   loss.quantile(0.50), P90: loss.quantile(0.90), P95: loss.quantile(0.95), P99: loss.quantile(0.99),
		VaR95: loss.quantile(0.95), TVaR95: loss.tailMean(0.95),
		VaR99: loss.quantile(0.99), TVaR99: loss.tailMean(0.99),
	}
	sum.Exceedance = exceedanceCurve(loss)
	var estimated []string
	for i, f := range p.findings {
		mf := &s.Findings[f.sIdx]
		fs := FindingStats{
			ID: f.id, Title: mf.Title, Site: p.sites[f.site].id, PointALE: pointALE[f.id],
			ALE:        r.aleStats(p, p.qFinding+2*i+1, pointALE[f.id]),
			AnnualLoss: r.shortLoss(p, p.qFinding+2*i),
			ALEMethod:  aleMethodNames[f.aleMethod],
		}
		if f.class >= 0 {
			fs.Class = p.classes[f.class].id
		}
		if mf.Asset >= 0 {
			fs.Asset = s.Assets[mf.Asset].ID
		}
		if f.aleMethod == aleEstimate {
			estimated = append(estimated, f.id)
		}
		sum.Findings = append(sum.Findings, fs)
	}
	if len(estimated) > 0 {
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("ALE(theta) of %v is estimated from each trial's capped losses (no closed form for a cap on random or shared losses): unbiased, but its spread includes event randomness", estimated))
	}
	groupStats := func(gs []group, base int) []GroupStats {
		out := make([]GroupStats, len(gs))
		for k, g := range gs {
			pt := 0.0
			for _, i := range g.members {
				pt += pointALE[p.findings[i].id]
			}
			out[k] = GroupStats{ID: g.id, Name: g.name, PointALE: pt,
				ALE: r.aleStats(p, base+2*k+1, pt), AnnualLoss: r.shortLoss(p, base+2*k)}
		}
		return out
	}
	sum.Sites = groupStats(p.sites, p.qSite)
	sum.Classes = groupStats(p.classes, p.qClass)
	return sum
}

// exceedanceCurve gives P(loss > x) at x = 0 and at 48 log-spaced losses from the smallest
// positive loss (or the 1st percentile, if larger) to the largest.
func exceedanceCurve(q quantiler) []ExceedancePoint {
	out := []ExceedancePoint{{0, q.exceed(0)}}
	lo := math.Max(q.minPositive(), q.quantile(0.01))
	hi := q.max()
	if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
		return out
	}
	const n = 48
	step := math.Log(hi/lo) / (n - 1)
	for k := 0; k < n; k++ {
		x := lo * math.Exp(float64(k)*step)
		if k == n-1 {
			x = hi
		}
		out = append(out, ExceedancePoint{x, q.exceed(x)})
	}
	return out
}
