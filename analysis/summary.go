package analysis

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/alesim/alesim/internal/xmath"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

// Summary is the result of a run; its JSON form is the output contract of `alesim run`. Money is
// in the scenario's currency, probabilities in [0, 1].
type Summary struct {
	Scenario   ScenarioInfo      `json:"scenario"`
	Run        RunInfo           `json:"run"`
	ALE        ALEStats          `json:"ale"`
	AnnualLoss LossStats         `json:"annual_loss"`
	Exceedance []ExceedancePoint `json:"exceedance"`
	Histogram  Histogram         `json:"annual_loss_histogram"`
	// Occurrence is the distribution of the year's largest single event loss (OEP), beside the
	// annual aggregate's (AEP).
	Occurrence OccurrenceStats `json:"occurrence"`
	// Recommended is the annual loss with the recommended set of safeguards in place, simulated on
	// the same events.
	Recommended *RecommendedStats `json:"recommended,omitempty"`
	Findings    []FindingStats    `json:"findings"`
	Sites       []GroupStats      `json:"sites"`
	Classes     []GroupStats      `json:"classes"`
	Safeguards  []SafeguardStats  `json:"safeguards"`
	Portfolios  []SafeguardStats  `json:"portfolios"`
	Budget      *BudgetResult     `json:"budget,omitempty"`
	// Sensitivity, when asked for (run --sensitivity), ranks the inputs by how much they move a target.
	Sensitivity *SensitivityResult `json:"sensitivity,omitempty"`
	// VOI, when asked for (run --voi), is the value of information of the decision among doing
	// nothing, each safeguard, each portfolio and the budget's sets (voi.go).
	VOI *VOIResult `json:"voi,omitempty"`
	// Tolerance, when the scenario states a risk tolerance, holds where the loss exceedance curves
	// cross it.
	Tolerance *ToleranceResult `json:"tolerance,omitempty"`
	Warnings  []string         `json:"warnings"`
}

// ScenarioInfo identifies the scenario run.
type ScenarioInfo struct {
	Name          string  `json:"name"`
	SHA256        string  `json:"sha256"`
	Currency      string  `json:"currency"`
	AnnuityFactor float64 `json:"annuity_factor"`
	HorizonYears  int     `json:"horizon_years"`
	// PointLabel names the point figures for people (scenario.point_label).
	PointLabel string `json:"point_label"`
	// Libraries are the SIPmath libraries the scenario's SIP inputs come from.
	Libraries []model.Library `json:"sip_libraries,omitempty"`
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

// Spread summarizes a quantity across trials: its mean with a 95% Monte Carlo confidence
// interval, its standard deviation, and its 5th, 50th and 95th percentiles.
type Spread struct {
	Mean float64    `json:"mean"`
	CI95 [2]float64 `json:"ci95"`
	SD   float64    `json:"sd"`
	P05  float64    `json:"p05"`
	P50  float64    `json:"p50"`
	P95  float64    `json:"p95"`
}

// ALEStats describes ALE(theta), the expected annual loss given one draw of the uncertain inputs,
// across trials, beside the 1983 arithmetic's point figure.
type ALEStats struct {
	Point float64 `json:"point"` // the 1983 arithmetic on point values, no caps
	Spread
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

// Histogram counts simulated years by annual loss on a log scale: Counts[i] years had a loss in
// (10^Log10Edges[i], 10^Log10Edges[i+1]]; ZeroYears had none.
type Histogram struct {
	Log10Edges []float64 `json:"log10_edges"`
	Counts     []float64 `json:"counts"`
	ZeroYears  float64   `json:"zero_years"`
}

// RecommendedStats is the annual loss with a set of safeguards in place.
type RecommendedStats struct {
	Name       string            `json:"name"`
	Members    []string          `json:"members"`
	AnnualLoss LossStats         `json:"annual_loss"`
	Exceedance []ExceedancePoint `json:"exceedance"`
}

// OccurrenceStats describes the year's largest single event loss: one event's losses at every
// finding it causes (a shared hazard's event at several findings is one event), each asset's share
// capped at the asset's value, before the annual cap; 0 in a year without an event (see
// sim/occurrence.go). It never exceeds the year's annual loss. Its quantiles come from a sketch
// (within the run's sketch_relative_error). Exceedance gives P(largest event > Loss) at the
// annual loss curve's own levels, so the two curves compare point by point.
type OccurrenceStats struct {
	Mean       float64           `json:"mean"`
	CI95       [2]float64        `json:"ci95"`
	P50        float64           `json:"p50"`
	P90        float64           `json:"p90"`
	P95        float64           `json:"p95"`
	P99        float64           `json:"p99"`
	Exceedance []ExceedancePoint `json:"exceedance"`
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
	// (a fixed loss capped at its asset's value, from Poisson probabilities) or control_variate
	// (where no closed form exists: the closed form less the year's excess over the cap, unbiased,
	// and exactly the closed form in years the cap does not bind; DESIGN section 7).
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

// summarizer turns a simulation's result into the summary.
type summarizer struct {
	s   *model.Scenario
	res *sim.Result
}

func (z *summarizer) ci(q int) MeanCI { return MeanCI{z.res.Mean(q), z.res.CI95(q)} }

func (z *summarizer) lossStats(q int) LossStats {
	r, loss := z.res, z.res.Dist(q)
	return LossStats{
		Mean: r.Mean(q), CI95: r.CI95(q), SD: r.SD(q),
		PZero: 1 - loss.Exceed(0),
		P50:   loss.Quantile(0.50), P90: loss.Quantile(0.90), P95: loss.Quantile(0.95), P99: loss.Quantile(0.99),
		VaR95: loss.Quantile(0.95), TVaR95: loss.TailMean(0.95),
		VaR99: loss.Quantile(0.99), TVaR99: loss.TailMean(0.99),
	}
}

// histogram bins the positive losses into 50 equal steps of log10(loss) between the smallest and
// the largest; counts come from exceedance probabilities, so exact and sketched data bin alike.
func histogram(q sim.Quantiler, n float64) Histogram {
	h := Histogram{ZeroYears: n * (1 - q.Exceed(0)), Log10Edges: []float64{}, Counts: []float64{}}
	lo, hi := q.MinPositive(), q.Max()
	if !(lo > 0) || !(hi > 0) || math.IsInf(hi, 0) {
		return h
	}
	a, b := xmath.Log10(lo), xmath.Log10(hi)
	if b-a < 1e-9 {
		a, b = a-0.5, b+0.5
	}
	const bins = 50
	// The first edge sits just below the smallest loss so that it is counted.
	a -= float64((b - a) * 1e-9)
	for i := 0; i <= bins; i++ {
		h.Log10Edges = append(h.Log10Edges, a+(b-a)*float64(i)/bins)
	}
	for i := 0; i < bins; i++ {
		lo := xmath.Pow(10, h.Log10Edges[i])
		hi := xmath.Pow(10, h.Log10Edges[i+1])
		c := n * (q.Exceed(lo) - q.Exceed(hi))
		if i == bins-1 {
			c = n * q.Exceed(lo)
		}
		h.Counts = append(h.Counts, math.Round(c))
	}
	return h
}

// spread summarizes quantity q.
func (z *summarizer) spread(q int) Spread {
	r, qq := z.res, z.res.Dist(q)
	return Spread{Mean: r.Mean(q), CI95: r.CI95(q), SD: r.SD(q),
		P05: qq.Quantile(0.05), P50: qq.Quantile(0.50), P95: qq.Quantile(0.95)}
}

func (z *summarizer) aleStats(q int, point float64) ALEStats {
	return ALEStats{Point: point, Spread: z.spread(q)}
}

func (z *summarizer) shortLoss(q int) ShortLoss {
	r, qq := z.res, z.res.Dist(q)
	return ShortLoss{Mean: r.Mean(q), CI95: r.CI95(q), P95: qq.Quantile(0.95), P99: qq.Quantile(0.99)}
}

// Summarize turns a simulation's result into the summary of the run (the JSON contract). cfg is the
// configuration the result was simulated with; the wall time is left for the caller to set.
func Summarize(s *model.Scenario, res *sim.Result, cfg sim.Config) *Summary {
	z := &summarizer{s: s, res: res}
	trials := res.Trials()
	sum := &Summary{
		Scenario: ScenarioInfo{s.Name, s.SHA256, s.Currency, s.AnnuityFactor, s.HorizonYears, s.PointLabel, s.Libraries},
		Run: RunInfo{Trials: trials, Seed: cfg.Seed, Workers: cfg.Workers, Version: cfg.Version,
			BlockSize: sim.BlockSize, Precision: cfg.Precision, TotalsQuantiles: "exact",
			SketchRelativeError: sim.SketchRelativeError, Collapse: cfg.Collapse},
		Warnings: []string{},
	}
	if !res.ExactTotals() {
		sum.Run.TotalsQuantiles = "sketch"
	}
	for _, w := range s.Warnings() {
		sum.Warnings = append(sum.Warnings, w.String())
	}
	// Tail quantiles need trials beyond them: P99 from fewer than 10 trials above it is noise.
	if n := float64(trials); n*(1-0.99) < 10 {
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("%d trials leave fewer than 10 years beyond the 99th percentile: P99, VaR99 and TVaR99 are unreliable (run at least 1,000 trials)", trials))
	}
	if c := res.Clamped(); c > 0 {
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("%d AFE draws beyond %g events a year were clamped to it", c, float64(model.MaxAFE)))
	}

	findings := res.Findings()
	pointALE := map[string]float64{}
	for _, f := range s.Point(nil).Findings {
		pointALE[f.ID] = f.ALE
	}
	totalPoint := 0.0
	for _, f := range findings { // index order: a map's order would change the sum's last bits
		totalPoint += pointALE[f.ID]
	}
	sum.ALE = z.aleStats(res.TotalALE(), totalPoint)
	loss := res.Dist(res.TotalLoss())
	sum.AnnualLoss = z.lossStats(res.TotalLoss())
	sum.Exceedance = exceedanceCurve(loss)
	sum.Histogram = histogram(loss, float64(trials))
	sum.Occurrence = z.occurrence(sum.Exceedance)
	if rec := res.Recommended(); rec != nil {
		q := res.RecommendedLoss()
		rs := &RecommendedStats{Name: rec.Name, Members: []string{}, AnnualLoss: z.lossStats(q)}
		for _, k := range rec.Members {
			rs.Members = append(rs.Members, s.Safeguards[k].ID)
		}
		rs.Exceedance = exceedanceCurve(res.Dist(q))
		sum.Recommended = rs
	}
	sum.Tolerance = toleranceResult(s, res)
	sites, classes := res.Sites(), res.Classes()
	var estimated []string
	for _, f := range findings {
		mf := &s.Findings[f.Scenario]
		fs := FindingStats{
			ID: f.ID, Title: mf.Title, Site: sites[f.Site].ID, PointALE: pointALE[f.ID],
			ALE:        z.aleStats(f.QALE, pointALE[f.ID]),
			AnnualLoss: z.shortLoss(f.QLoss),
			ALEMethod:  f.ALEMethod,
		}
		if f.Class >= 0 {
			fs.Class = classes[f.Class].ID
		}
		if mf.Asset >= 0 {
			fs.Asset = s.Assets[mf.Asset].ID
		}
		if f.ALEMethod == "control_variate" {
			estimated = append(estimated, mf.Title)
		}
		sum.Findings = append(sum.Findings, fs)
	}
	if len(estimated) > 0 {
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("ALE(theta) of %s is the closed form less each year's excess over its asset's cap (a control variate: no closed form exists for a cap on random or shared losses): unbiased, and exactly the closed form in years the cap does not bind", nameList("the finding", "the findings", estimated)))
	}
	groupStats := func(gs []sim.GroupInfo) []GroupStats {
		out := make([]GroupStats, len(gs))
		for k, g := range gs {
			pt := 0.0
			for _, i := range g.Members {
				pt += pointALE[findings[i].ID]
			}
			out[k] = GroupStats{ID: g.ID, Name: g.Name, PointALE: pt,
				ALE: z.aleStats(g.QALE, pt), AnnualLoss: z.shortLoss(g.QLoss)}
		}
		return out
	}
	sum.Sites = groupStats(sites)
	sum.Classes = groupStats(classes)
	z.safeguardSummary(sum)
	z.convergenceWarnings(sum, trials)
	if w := precisionWarning(sum, cfg.Precision); w != "" {
		sum.Warnings = append(sum.Warnings, w)
	}
	if res.PairsSkipped() {
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("more than %d safeguards or portfolios: whether their ranking is settled is not assessed", sim.MaxPairVariants))
	}
	return sum
}

// occurrence summarizes the year's largest event loss, its exceedance at the levels of the annual
// loss's curve aep.
func (z *summarizer) occurrence(aep []ExceedancePoint) OccurrenceStats {
	q := z.res.Occurrence()
	d := z.res.Dist(q)
	o := OccurrenceStats{Mean: z.res.Mean(q), CI95: z.res.CI95(q),
		P50: d.Quantile(0.50), P90: d.Quantile(0.90), P95: d.Quantile(0.95), P99: d.Quantile(0.99),
		Exceedance: []ExceedancePoint{}}
	for _, pt := range aep {
		o.Exceedance = append(o.Exceedance, ExceedancePoint{pt.Loss, d.Exceed(pt.Loss)})
	}
	return o
}

// exceedanceCurve gives P(loss > x) at x = 0 and at 48 log-spaced losses from the smallest
// positive loss (or the 1st percentile, if larger) to the largest.
func exceedanceCurve(q sim.Quantiler) []ExceedancePoint {
	out := []ExceedancePoint{{0, q.Exceed(0)}}
	lo := math.Max(q.MinPositive(), q.Quantile(0.01))
	hi := q.Max()
	if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
		return out
	}
	const n = 48
	step := xmath.Log(hi/lo) / (n - 1)
	for k := 0; k < n; k++ {
		x := lo * xmath.Exp(float64(k)*step)
		if k == n-1 {
			x = hi
		}
		out = append(out, ExceedancePoint{x, q.Exceed(x)})
	}
	return out
}

// SavingsStats describes a safeguard's savings over the horizon across trials:
// A x (ALE_base(theta) - ALE_with(theta) - annual cost) - one-time cost.
type SavingsStats = Spread

// MeanCI is a mean with its 95% confidence interval.
type MeanCI struct {
	Mean float64    `json:"mean"`
	CI95 [2]float64 `json:"ci95"`
}

// RatioStats is the cost to savings ratio (cost / savings, as the 1983 report defines it). Mean is
// the ratio of the means, E[cost] / E[savings] (null when expected savings are not positive); P05
// and P95 are quantiles of the per-trial ratio, a trial in which the safeguard does not pay
// counting as an infinite ratio (null when the quantile falls among those trials).
type RatioStats struct {
	Mean *float64 `json:"mean"`
	P05  *float64 `json:"p05"`
	P95  *float64 `json:"p95"`
}

// PairDiff is the paired difference of mean savings between a safeguard and the next in rank, on
// the same trials. Settled is false when its 95% interval includes zero: the order of the two is
// not established by this run.
type PairDiff struct {
	Next    string     `json:"next"`
	Mean    float64    `json:"mean"`
	CI95    [2]float64 `json:"ci95"`
	Settled bool       `json:"settled"`
}

// SafeguardStats is a safeguard's (or a portfolio's) cost-benefit under uncertainty, beside the
// point-mode figures.
type SafeguardStats struct {
	ID             string       `json:"id"`
	Title          string       `json:"title"`
	Members        []string     `json:"members,omitempty"` // portfolios only
	Findings       []string     `json:"findings"`
	Alternative    bool         `json:"alternative,omitempty"`
	PointReduction float64      `json:"point_reduction"`
	PointCost      float64      `json:"point_cost"`
	PointSavings   float64      `json:"point_savings"`
	PointRatio     *float64     `json:"point_ratio"`
	Savings        SavingsStats `json:"savings"`
	PPositive      float64      `json:"p_positive"` // probability that savings > 0
	Ratio          RatioStats   `json:"ratio"`
	Reduction      MeanCI       `json:"reduction"` // horizon loss reduction, A x (ALE - ALE with)
	Cost           MeanCI       `json:"cost"`      // one-time + A x annual
	ALEWith        MeanCI       `json:"ale_with"`  // total ALE(theta) with this safeguard or set
	Rank           int          `json:"rank"`      // 1 = highest mean savings, within its group
	VsNext         *PairDiff    `json:"vs_next,omitempty"`
	// Kind is "insurance" for an insurance policy (empty for a control, and for portfolios);
	// Insurance holds its terms.
	Kind      string         `json:"kind,omitempty"`
	Insurance *InsuranceInfo `json:"insurance,omitempty"`
}

// InsuranceInfo is a policy's terms and how ALE(theta) with it is computed.
type InsuranceInfo struct {
	Deductible     float64  `json:"deductible"`
	Limit          *float64 `json:"limit"`           // per event; null when unlimited
	AggregateLimit *float64 `json:"aggregate_limit"` // per year; null when unlimited
	// ALEMethod is closed_form (the expected payout given theta in closed form) or
	// control_variate (the controlled closed form less each year's simulated payout: unbiased, and
	// exactly the closed form in years the policy pays nothing; sim/insurance.go).
	ALEMethod string `json:"ale_method"`
}

func finiteOrNil(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func (z *summarizer) variantStats(vi int, v sim.VariantInfo, findings []sim.FindingInfo, point model.PointSafeguard, pointTotals *model.PointTotals) SafeguardStats {
	r := z.res
	st := SafeguardStats{
		ID: v.ID, Title: v.Title, Findings: []string{},
		Savings:   z.spread(v.QSavings),
		PPositive: r.Mean(v.QPays),
		Reduction: z.ci(v.QReduction),
		Cost:      z.ci(v.QCost),
		ALEWith:   z.ci(v.QALEWith),
	}
	if st.Savings.Mean > 0 {
		st.Ratio.Mean = finiteOrNil(st.Cost.Mean / st.Savings.Mean)
	}
	st.Ratio.P05 = finiteOrNil(r.RatioQuantile(vi, st.PPositive, 0.05))
	st.Ratio.P95 = finiteOrNil(r.RatioQuantile(vi, st.PPositive, 0.95))
	for _, fi := range v.Findings {
		st.Findings = append(st.Findings, findings[fi].ID)
	}
	if pointTotals != nil {
		st.PointReduction, st.PointCost, st.PointSavings, st.PointRatio = pointTotals.Reduction, pointTotals.Cost, pointTotals.Savings, pointTotals.Ratio
	} else {
		st.PointReduction, st.PointCost, st.PointSavings, st.PointRatio = point.Reduction, point.Cost, point.Savings, point.Ratio
		st.Alternative = point.Alternative
	}
	return st
}

// rankGroup ranks variants [from, from+len(stats)) by mean savings (ties by id) and fills each
// one's paired difference with the next in rank.
func (z *summarizer) rankGroup(stats []SafeguardStats, from int) {
	order := make([]int, len(stats))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := stats[a].Savings.Mean, stats[b].Savings.Mean
		switch {
		case x > y:
			return -1
		case x < y:
			return 1
		}
		return strings.Compare(stats[a].ID, stats[b].ID)
	})
	for rank, i := range order {
		stats[i].Rank = rank + 1
		if rank+1 >= len(order) {
			continue
		}
		j := order[rank+1]
		a, b, sign := from+i, from+j, 1.0
		if a > b {
			a, b, sign = b, a, -1
		}
		q, ok := z.res.Pair(a, b)
		if !ok {
			continue
		}
		ci := z.res.CI95(q)
		d := &PairDiff{Next: stats[j].ID, Mean: sign * z.res.Mean(q), CI95: ci}
		if sign < 0 {
			d.CI95 = [2]float64{-ci[1], -ci[0]}
		}
		d.Settled = d.CI95[0] > 0 || d.CI95[1] < 0
		stats[i].VsNext = d
	}
}

// safeguardSummary fills the safeguards and portfolios of the summary: the named portfolios, then
// any extra sets (which the budget search moves into its own result).
func (z *summarizer) safeguardSummary(sum *Summary) {
	s := z.s
	all := make([]int, len(s.Safeguards))
	for i := range all {
		all[i] = i
	}
	pointSG := map[string]model.PointSafeguard{}
	for _, ps := range s.Point(all).Safeguards {
		pointSG[ps.ID] = ps
	}
	variants, findings := z.res.Variants(), z.res.Findings()
	nSG := z.res.SafeguardVariants()
	sum.Safeguards = []SafeguardStats{}
	sum.Portfolios = []SafeguardStats{}
	for vi := 0; vi < nSG; vi++ {
		st := z.variantStats(vi, variants[vi], findings, pointSG[variants[vi].ID], nil)
		if pol := s.Safeguards[vi].Insurance; pol != nil {
			st.Kind = "insurance"
			st.Insurance = &InsuranceInfo{Deductible: pol.Deductible, Limit: finiteOrNil(pol.Limit),
				AggregateLimit: finiteOrNil(pol.AggregateLimit), ALEMethod: z.res.PolicyALEMethod(vi)}
		}
		sum.Safeguards = append(sum.Safeguards, st)
	}
	for vi := nSG; vi < len(variants); vi++ {
		v := variants[vi]
		pt := s.Point(v.Members).Totals
		st := z.variantStats(vi, v, findings, model.PointSafeguard{}, &pt)
		st.Members = []string{}
		for _, k := range v.Members {
			st.Members = append(st.Members, s.Safeguards[k].ID)
		}
		sum.Portfolios = append(sum.Portfolios, st)
	}
	z.rankGroup(sum.Safeguards, 0)
	z.rankGroup(sum.Portfolios[:z.res.PortfolioVariants()], nSG)
	var cv []string
	for _, st := range sum.Safeguards {
		if st.Insurance != nil && st.Insurance.ALEMethod == "control_variate" {
			cv = append(cv, st.Title)
		}
	}
	if len(cv) > 0 {
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("ALE(theta) with %s is the controls' closed form less each year's simulated payout (a control variate: no closed form exists for random, shared, capped or aggregated losses): unbiased, but its savings percentiles and P(pays) include whether a claim happened that year, not only the uncertainty of the inputs", nameList("the insurance policy", "the insurance policies", cv)))
	}
}

// convergenceWarnings flags a mean annual loss that has not converged.
func (z *summarizer) convergenceWarnings(sum *Summary, trials int64) {
	// A mean whose 95% interval is wider than 5% of it has not converged (heavy tails, few trials).
	if half := (sum.AnnualLoss.CI95[1] - sum.AnnualLoss.CI95[0]) / 2; sum.AnnualLoss.Mean > 0 && half > 0.05*sum.AnnualLoss.Mean {
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("the mean annual loss has not converged: its 95%% interval is +/-%.0f%% of it (heavy-tailed inputs or too few trials; add trials or use --precision)", 100*half/sum.AnnualLoss.Mean))
	}
	// Heavy tails: when one simulated year carries more than 5% of all the years' losses, the mean
	// is decided by a few extreme years, whatever its interval says.
	if total := sum.AnnualLoss.Mean * float64(trials); total > 0 {
		if share := z.res.Dist(z.res.TotalLoss()).Max() / total; share > 0.05 {
			sum.Warnings = append(sum.Warnings, fmt.Sprintf("the mean annual loss has not converged: the worst simulated year carries %.0f%% of all losses (heavy-tailed inputs; add trials)", 100*share))
		}
	}
}

// nameList names things for a warning people read, by their quoted titles: `the finding "Flood"`,
// `the findings "Flood", "Fire" and "Theft"`. one and many are the kind of thing, singular and
// plural, with its article.
func nameList(one, many string, names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	if len(q) == 1 {
		return one + " " + q[0]
	}
	return many + " " + strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}
