package sim

import (
	"sync"

	"github.com/alesim/alesim/model/dist"
)

// Result is a simulation's merged accumulators, read through the quantity layout: every per-trial
// quantity's moments and distribution, and descriptors of what the quantities belong to. Package
// analysis turns it into the summary people read.
type Result struct {
	p      *plan
	r      *results
	trials int64
	once   sync.Once
}

// FindingInfo describes a quantified finding of the run.
type FindingInfo struct {
	ID       string
	Scenario int // index in the scenario's findings
	Site     int // index in Result.Sites
	Class    int // index in Result.Classes, -1 for none
	// ALEMethod is how ALE(theta) is computed: "closed_form", "closed_form_capped" or "control_variate".
	ALEMethod   string
	QLoss, QALE int // its quantities
}

// GroupInfo describes a site or a threat class with at least one quantified finding.
type GroupInfo struct {
	ID, Name    string
	Members     []int // indices in Result.Findings
	QLoss, QALE int
}

// VariantInfo describes a variant: a safeguard alone, a named portfolio or an extra set.
type VariantInfo struct {
	ID, Title string
	Members   []int // scenario safeguard indices
	Findings  []int // indices in Result.Findings the variant acts on, in order of first effect
	// its quantities
	QSavings, QReduction, QCost, QPays, QALEWith int
}

// UnitInfo describes a unit: the smallest part of the scenario whose ALE(theta) a safeguard
// changes on its own (see variants.go).
type UnitInfo struct {
	Safeguards []int // scenario safeguard indices acting on it; bit b of a mask is Safeguards[b]
	// Table is the quantity of its ALE with no safeguard; Table+mask with the safeguards of mask
	// (laid out only with Options.UnitTables; -1 otherwise or when no safeguard acts on it).
	Table int
}

// InputInfo describes an uncertain input (theta).
type InputInfo struct {
	Name string // e.g. "3.3-1.afe", "rec-3.annual_cost"
	Dist dist.Distribution
}

// Trials is the number of trials run.
func (r *Result) Trials() int64 { return r.trials }

// Clamped is the number of AFE draws clamped at model.MaxAFE.
func (r *Result) Clamped() int64 { return r.r.clamped }

// ExactTotals reports whether the totals' quantiles come from every trial (else from sketches).
func (r *Result) ExactTotals() bool { return r.r.vals != nil }

// Layout is the table of the run's quantities (shared: do not modify).
func (r *Result) Layout() []Quantity { return r.p.q }

// Mean is quantity q's mean over the trials.
func (r *Result) Mean(q int) float64 { return r.r.total.mean[q] }

// SD is quantity q's standard deviation over the trials.
func (r *Result) SD(q int) float64 { return r.r.total.sd(q) }

// CI95 is the 95% Monte Carlo confidence interval of quantity q's mean.
func (r *Result) CI95(q int) [2]float64 { return r.r.total.ci95(q) }

// Dist answers distribution questions about quantity q: exactly from every trial for the totals
// when they fit, within SketchRelativeError from a sketch otherwise, and as a constant for a
// quantity the layout marks constant or keeps no quantiles for.
func (r *Result) Dist(q int) Quantiler {
	if r.r.vals != nil {
		r.once.Do(r.r.sortExact)
		for k, qi := range r.r.exactQs {
			if qi == q {
				return r.r.sorted[k]
			}
		}
	}
	if r.r.sk.sk[q] == nil {
		return constQ{r.r.total.mean[q]}
	}
	return sketchQ{r.r.sk.sk[q], r.r.sk.min[q], r.r.sk.max[q]}
}

// RatioQuantile is the p-quantile of variant v's per-trial cost to savings ratio, given the
// fraction of trials in which it pays (a trial that does not pay counts as an infinite ratio).
func (r *Result) RatioQuantile(v int, pays, p float64) float64 {
	return ratioQuantile(r.r.ratio[v].s, pays, p)
}

// TotalLoss, TotalALE and RecommendedLoss are the quantities of the total annual loss, the total
// ALE(theta) and the annual loss with the recommended set (-1 when not simulated).
func (r *Result) TotalLoss() int       { return r.p.qLoss }
func (r *Result) TotalALE() int        { return r.p.qALE }
func (r *Result) RecommendedLoss() int { return r.p.qRec }

// PortfolioLoss is the quantity of the annual loss with named portfolio k (scenario index) in
// place, simulated on the baseline's events when the scenario states a risk tolerance; -1 when
// not simulated.
func (r *Result) PortfolioLoss(k int) int {
	if k < 0 || k >= len(r.p.portLoss) {
		return -1
	}
	return r.p.portLoss[k].q
}

// Recommended is the recommended set simulated (nil when none).
func (r *Result) Recommended() *Set {
	if r.p.rec == nil {
		return nil
	}
	return &Set{Name: r.p.rec.name, Members: r.p.rec.members}
}

// Column is the quantity exported as the per-trial column name, or -1.
func (r *Result) Column(name string) int {
	for i, q := range r.p.q {
		if q.Column == name {
			return i
		}
	}
	return -1
}

// Findings describes the quantified findings, in scenario order.
func (r *Result) Findings() []FindingInfo {
	out := make([]FindingInfo, len(r.p.findings))
	for i, f := range r.p.findings {
		out[i] = FindingInfo{ID: f.id, Scenario: f.sIdx, Site: f.site, Class: f.class,
			ALEMethod: aleMethodNames[f.aleMethod], QLoss: f.qLoss, QALE: f.qALE}
	}
	return out
}

func groupInfos(gs []group) []GroupInfo {
	out := make([]GroupInfo, len(gs))
	for k, g := range gs {
		out[k] = GroupInfo{ID: g.id, Name: g.name, Members: g.members, QLoss: g.qLoss, QALE: g.qALE}
	}
	return out
}

// Sites and Classes describe the sites and threat classes that have quantified findings, in the
// order their findings first name them.
func (r *Result) Sites() []GroupInfo   { return groupInfos(r.p.sites) }
func (r *Result) Classes() []GroupInfo { return groupInfos(r.p.classes) }

// Variants describes the variants: the safeguards alone (the first SafeguardVariants), the named
// portfolios (the next PortfolioVariants), then the extra sets of Options.Sets.
func (r *Result) Variants() []VariantInfo {
	out := make([]VariantInfo, len(r.p.variants))
	for vi, v := range r.p.variants {
		vinfo := VariantInfo{ID: v.id, Title: v.title, Members: v.members,
			QSavings: v.qSavings, QReduction: v.qReduction, QCost: v.qCost, QPays: v.qPays, QALEWith: v.qALEWith}
		seen := map[int]bool{}
		for _, k := range v.members {
			for _, e := range r.p.safeguards[k].effects {
				if !seen[e.finding] {
					seen[e.finding] = true
					vinfo.Findings = append(vinfo.Findings, e.finding)
				}
			}
			if pi := r.p.safeguards[k].policy; pi > 0 {
				for _, fi := range r.p.policies[pi-1].covered {
					if !seen[fi] {
						seen[fi] = true
						vinfo.Findings = append(vinfo.Findings, fi)
					}
				}
			}
		}
		out[vi] = vinfo
	}
	return out
}

// SafeguardVariants and PortfolioVariants count the safeguard and named-portfolio variants.
func (r *Result) SafeguardVariants() int { return r.p.nSafeguardVariants }
func (r *Result) PortfolioVariants() int { return r.p.nPortfolioVariants }

// Pair is the quantity of the paired savings difference of variants a < b (savings of a minus
// savings of b), when tracked.
func (r *Result) Pair(a, b int) (int, bool) {
	for _, pr := range r.p.pairs {
		if pr.a == a && pr.b == b {
			return pr.q, true
		}
	}
	return 0, false
}

// PairsSkipped reports whether a group of variants had more than MaxPairVariants members, so that
// its paired differences are not tracked.
func (r *Result) PairsSkipped() bool { return r.p.pairsSkipped }

// Units describes the units.
func (r *Result) Units() []UnitInfo {
	out := make([]UnitInfo, len(r.p.units))
	for ui, u := range r.p.units {
		t := -1
		if r.p.unitTables && len(u.sgs) > 0 {
			t = u.qTable
		}
		out[ui] = UnitInfo{Safeguards: u.sgs, Table: t}
	}
	return out
}

// Mask is the bitmask of the unit's safeguards that are in a set (in[k] for scenario safeguard k).
func (u UnitInfo) Mask(in []bool) uint32 { return maskOf(u.Safeguards, in) }

// Inputs describes the uncertain inputs (theta), in scenario order, by the names Options.Hold and
// the "input:NAME" columns use.
func (r *Result) Inputs() []InputInfo {
	ins := r.p.listInputs()
	out := make([]InputInfo, len(ins))
	for i, in := range ins {
		out[i] = InputInfo{Name: in.name, Dist: in.est.d}
	}
	return out
}
