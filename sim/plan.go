package sim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"

	"github.com/alesim/alesim/internal/xmath"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/model/dist"
)

// plan is a scenario compiled for the trial loop. Once compiled it is shared, unchanged, by all
// workers.
type plan struct {
	s        *model.Scenario
	collapse bool
	keys     []string // variable keys, indexed by variable number
	hashes   []uint64

	hazards  []pHazard
	findings []pFinding // quantified findings only, in file order
	assets   []pAsset

	sites   []group // sites with at least one quantified finding, in file order
	classes []group

	safeguards         []pSafeguard
	units              []pUnit
	policies           []pPolicy // insurance policies (insurance.go), each with a unit after all others
	unitOf             []int     // unit of each plan finding
	variants           []pVariant
	nSafeguardVariants int // variants[:n] are the safeguards alone, then the named portfolios, then extra sets
	nPortfolioVariants int // variants[n:n+m] are the named portfolios
	// pairs are the paired savings differences of the variants of a group (safeguards; named
	// portfolios and extra sets), in a fixed order for the trial loop; pairsSkipped says a group
	// had more than MaxPairVariants variants and is not tracked.
	pairs        []pairRef
	pairGroups   []pairGroup
	pairsSkipped bool
	unitTables   bool    // the units' ALE tables are laid out (Options.UnitTables)
	inputs       []input // the recorded inputs (Options.RecordInputs), in scenario order
	rec          *pRec   // the recommended set, when its annual loss is simulated
	portLoss     []*pRec // the named portfolios' annual losses, when the scenario states a tolerance
	corr         []pCorr // correlated groups (copula.go)
	nCorr        int     // correlated inputs in all groups

	// q is the quantity layout of a trial's result vector (see layout.go).
	q    layout
	vary []int // the quantities that are not the same in every trial (layout.varying)
	sums []int // the quantities a trial sums into, reset at its start
	// fastF are the findings of a common shape, which the trial draws through its short path
	// (worker.drawFast), general the others, each in file order.
	general  []int
	aleConst bool // every finding's ALE(theta) is certain: the total's is the same in every trial
	// allFast: every finding is fast and charged to no asset; the trial then runs fastYear.
	allFast bool
	fastF   []fastF
	// with allFast, fastYear's ALE(theta) pass: every finding (a worker's first trial), and the
	// findings whose ALE(theta) is added to a sum in every trial (fastF.aleLive)
	allFindings, aleLive []int
	groupSums            []int // the sums (sums) but the total loss and ALE
	qLoss                int   // total annual loss
	qALE                 int   // total ALE(theta)
	qRec                 int   // annual loss with the recommended set, when simulated
	qOcc                 int   // the year's largest single event loss (occurrence.go)
	occ                  []occHazard
	// occOwn are the findings with events of their own (no hazard), occCap their assets' values
	occOwn []int
	occCap []float64
}

// Options says what a simulation evaluates beside the baseline, each safeguard alone and each named
// portfolio. The zero value evaluates just those.
type Options struct {
	// Recommended, when not nil, is a set of safeguards whose annual loss is simulated beside the
	// baseline's, on the same events (thinned).
	Recommended *Set
	// Sets are further sets of safeguards (scenario indices), evaluated as variants after the named
	// portfolios, as the budget search's candidates are.
	Sets [][]int
	// UnitTables records, for every unit, its ALE(theta) with each subset of its own safeguards
	// (the budget search's tables; see Result.UnitALE).
	UnitTables bool
	// RecordInputs records every uncertain input's draw in each trial (sensitivity): they become
	// per-trial columns "input:NAME".
	RecordInputs bool
	// Hold fixes inputs, named as Result.Inputs names them, at a value; their streams stay unused,
	// so no other draw changes.
	Hold []Held
}

// Set is a named set of safeguards (scenario indices).
type Set struct {
	Name    string
	Members []int
}

// Held is an input held at a value.
type Held struct {
	Input string
	Value float64
}

type group struct {
	id, name    string
	members     []int // plan finding indices
	qLoss, qALE int
	aleConst    bool // every member's ALE(theta) is certain: the group's is the same in every trial
}

// pEst is an estimate compiled for drawing: a constant needs no stream.
type pEst struct {
	d     dist.Distribution
	konst bool
	v     float64 // the value when konst
	vr    int     // variable number when not konst
	in    int     // 1 + the index of the recorded input it is (sensitivity), 0 for none
	path  string  // the estimate's field path in the scenario (model.Estimate.Path)
	corr  int     // 1 + its index in worker.cv when in a correlated group (copula.go), else 0
	// at is set for an input whose value in trial t is at.At(t) (a SIP): it has no stream.
	at dist.TrialIndexed
}

func (e *pEst) draw(st []stream) float64 {
	if e.konst {
		return e.v
	}
	return e.d.Rand(st[e.vr].r)
}

type pHazard struct {
	factors   []pEst
	bernoulli bool
	vCount    int
}

// ALE methods: how ALE(theta) of a finding is computed within a trial.
const (
	aleClosed    = iota // AFE x mean loss
	aleClosedCap        // closed form of E[min(N L, V)] for a fixed loss L charged alone to an asset
	// aleControlVariate: where no closed form exists (a cap on random or shared losses), the
	// closed form E[S | theta] less the year's excess over the cap, S - min(S, V) (DESIGN section
	// 7): unbiased, and exactly the closed form in a year the cap does not bind.
	aleControlVariate
)

var aleMethodNames = [...]string{"closed_form", "closed_form_capped", "control_variate"}

type pFinding struct {
	id        string
	sIdx      int // index in the scenario's findings
	factors   []pEst
	hazard    int
	bernoulli bool
	loss      pEst    // per-event loss
	lossMean  float64 // E[loss | theta] when the loss model has nothing uncertain (else per trial)
	// A loss with uncertain parameters or factors (model.LossModel; not in collapse mode): the
	// parameters and the per-year factors are theta, drawn once a trial; per-event factors are
	// drawn for each event, each from its own stream.
	lossModel   *model.LossModel
	lossParams  []pEst
	lossFactors []pEst
	perYear     []bool
	vCount      int
	atMostOnce  bool // its events, or its hazard's, are at most one a year (Bernoulli)
	asset       int  // plan asset index, -1 if none
	site        int  // plan site group index
	class       int  // plan class group index, -1 if none
	aleMethod   int
	certain     bool // ALE(theta) is the same in every trial
	// constRate is set when the finding's own AFE is certain (no hazard): the Poisson sampler then
	// uses expNeg = exp(-rate), computed once.
	constRate    bool
	rate, expNeg float64
	inversion    bool // constRate below dist.InversionLimit: counts by inversion from expNeg
	thin         bool // events are kept for re-simulating the year under safeguards (events.go)
	vThin        int
	extra        bool // a variant may raise its frequency: extra events are drawn (events.go)
	vExtra       int
	// lognormal losses are drawn inline (no interface call) from these parameters.
	lognormal     bool
	lnMu, lnSigma float64
	qLoss, qALE   int
}

type pAsset struct {
	value   float64
	members []int // plan finding indices charged to this asset
	// controlVariate: its findings' ALE(theta) uses the control variate (no closed form)
	controlVariate bool
}

func (p *plan) newVar(key string) int {
	p.keys = append(p.keys, key)
	p.hashes = append(p.hashes, keyHash(key))
	return len(p.keys) - 1
}

func (p *plan) est(e model.Estimate, key string) pEst {
	if p.collapse || e.Certain() {
		v := e.Point
		if !p.collapse {
			lo, _ := e.Dist.Support()
			v = lo
		}
		return pEst{d: dist.Constant{V: v}, konst: true, v: v}
	}
	if ti, ok := e.Dist.(dist.TrialIndexed); ok {
		// Its variable keeps the key for holding it (sensitivity); the stream goes unused.
		return pEst{d: e.Dist, at: ti, vr: p.newVar(key), path: e.Path}
	}
	return pEst{d: e.Dist, vr: p.newVar(key), path: e.Path}
}

func (p *plan) frequency(f model.Frequency, prefix string) []pEst {
	out := make([]pEst, len(f.Factors))
	for i, x := range f.Factors {
		out[i] = p.est(x.Estimate, fmt.Sprintf("%s/afe/%d", prefix, i))
	}
	return out
}

// MaxPairVariants bounds the variants of a group whose paired differences are tracked (their
// number grows as the square).
const MaxPairVariants = 64

// compile builds the plan. With collapse, every estimate takes its point value, event counts take
// their expectation, and asset caps are off: the engine then computes the 1983 arithmetic.
func compile(s *model.Scenario, collapse bool, opts Options) (*plan, error) {
	p := &plan{s: s, collapse: collapse, qRec: -1}
	p.qLoss = p.q.add(Quantity{Owner: OwnerTotal, Measure: MeasureLoss, Quantiles: QuantilesTotals, Column: "annual_loss"})
	p.qALE = p.q.add(Quantity{Owner: OwnerTotal, Measure: MeasureALE, Quantiles: QuantilesTotals, Column: "ale"})
	if opts.Recommended != nil {
		p.qRec = p.q.add(Quantity{Owner: OwnerRecommended, Measure: MeasureLoss, Quantiles: QuantilesTotals, Column: "annual_loss_with"})
	}
	p.qOcc = p.q.add(Quantity{Owner: OwnerTotal, Measure: MeasureMaxEvent, Quantiles: QuantilesSketch})
	for _, h := range s.Hazards {
		key := "hazard/" + h.ID
		p.hazards = append(p.hazards, pHazard{
			factors:   p.frequency(h.AFE, key),
			bernoulli: h.Events == model.Bernoulli,
			vCount:    p.newVar(key + "/count"),
		})
	}
	assetIdx := map[int]int{}
	siteIdx := map[int]int{}
	classIdx := map[int]int{}
	for i := range s.Findings {
		f := &s.Findings[i]
		if f.Status != model.Quantified {
			continue
		}
		key := "finding/" + f.ID
		pf := pFinding{id: f.ID, sIdx: i, hazard: f.Hazard, asset: -1, class: -1}
		if f.Hazard < 0 {
			pf.factors = p.frequency(f.AFE, key)
			pf.bernoulli = f.Events == model.Bernoulli
			pf.vCount = p.newVar(key + "/count")
		}
		pf.loss = p.est(f.Loss, key+"/loss")
		if ln, ok := pf.loss.d.(dist.LogNormal); ok && !pf.loss.konst {
			pf.lognormal, pf.lnMu, pf.lnSigma = true, ln.Mu, ln.Sigma
		}
		pf.lossMean = f.Loss.Dist.Mean()
		if collapse {
			pf.lossMean = f.Loss.Point
		} else if pf.loss.konst {
			pf.lossMean = pf.loss.v
		}
		if lm := f.LossModel; lm != nil && !collapse {
			pf.lossModel = lm
			if pf.loss.konst {
				// The point distribution is certain, but the per-event draws need a stream.
				pf.loss = pEst{d: f.Loss.Dist, vr: p.newVar(key + "/loss"), path: f.Loss.Path}
			}
			pf.lognormal = false
			for j := range lm.Params {
				pf.lossParams = append(pf.lossParams, p.est(lm.Params[j].Estimate, key+"/loss/"+lm.Params[j].Name))
			}
			for j := range lm.Factors {
				pf.lossFactors = append(pf.lossFactors, p.est(lm.Factors[j].Estimate, key+"/loss/"+lm.Factors[j].Name))
				pf.perYear = append(pf.perYear, lm.Factors[j].PerYear)
			}
		}
		if f.Asset >= 0 && !collapse {
			k, ok := assetIdx[f.Asset]
			if !ok {
				k = len(p.assets)
				assetIdx[f.Asset] = k
				p.assets = append(p.assets, pAsset{value: s.Assets[f.Asset].Value})
			}
			pf.asset = k
			p.assets[k].members = append(p.assets[k].members, len(p.findings))
		}
		pf.site = join(&p.sites, siteIdx, f.Site, s.Sites[f.Site].ID, s.Sites[f.Site].Name, len(p.findings))
		if f.Class >= 0 {
			pf.class = join(&p.classes, classIdx, f.Class, s.Classes[f.Class].ID, s.Classes[f.Class].Name, len(p.findings))
		}
		p.findings = append(p.findings, pf)
	}
	for i := range p.findings {
		pf := &p.findings[i]
		pf.atMostOnce = pf.bernoulli || (pf.hazard >= 0 && p.hazards[pf.hazard].bernoulli)
		certain := true
		factors := pf.factors
		if pf.hazard >= 0 {
			factors = p.hazards[pf.hazard].factors
		}
		for _, x := range factors {
			certain = certain && x.konst
		}
		for _, x := range pf.lossParams {
			certain = certain && x.konst
		}
		for j, x := range pf.lossFactors {
			certain = certain && (x.konst || !pf.perYear[j])
		}
		switch {
		case pf.asset < 0:
			pf.aleMethod = aleClosed
		case len(p.assets[pf.asset].members) == 1 && pf.loss.konst:
			pf.aleMethod = aleClosedCap
		default:
			pf.aleMethod = aleControlVariate
			p.assets[pf.asset].controlVariate = true
			certain = false
		}
		pf.certain = certain
		pf.setConstRate()
	}
	p.compileOccurrence()
	p.layoutGroups()
	if err := p.compileSafeguards(opts.Sets); err != nil {
		return nil, err
	}
	if opts.Recommended != nil {
		p.compileRecommended(opts.Recommended.Members, opts.Recommended.Name)
	}
	p.compilePortfolioLosses()
	p.compileExtra()
	p.layoutVariants(opts.UnitTables)
	p.layoutPairs()
	if opts.RecordInputs {
		p.recordInputs()
	}
	if err := p.compileCorrelations(); err != nil {
		return nil, err
	}
	for _, h := range opts.Hold {
		if err := p.hold(h.Input, h.Value); err != nil {
			return nil, err
		}
	}
	p.compileTrial()
	return p, nil
}

// slowPath, set only by tests, compiles the trial loop without its shortcuts: every finding on
// the general path, every quantity's moments summed, every ALE(theta) and sum recomputed in every
// trial, every sketch value added through DDSketch.Add; TestShortcutsChangeNoBit compares the two.
var slowPath bool

// compileTrial lists what the trial loop visits: the findings of the short path, the sums it
// resets, the quantities whose moments it sums.
func (p *plan) compileTrial() {
	p.aleConst = true
	var fast []int
	for i := range p.findings {
		f := &p.findings[i]
		p.aleConst = p.aleConst && f.certain
		if f.hazard < 0 && !p.collapse && f.lossModel == nil && !f.thin && !f.extra && !slowPath {
			fast = append(fast, i)
		} else {
			p.general = append(p.general, i)
		}
	}
	p.allFast = len(p.general) == 0 && len(p.assets) == 0 && len(p.hazards) == 0
	for _, i := range fast {
		f := &p.findings[i]
		ff := fastF{i: i, vCount: f.vCount, vLoss: -1, inversion: f.inversion, bernoulli: f.bernoulli,
			konst: f.loss.konst, lognormal: f.lognormal, rate: f.rate, expNeg: f.expNeg, mu: f.lnMu,
			sigma: f.lnSigma, v: f.loss.v, certain: f.certain, qLoss: f.qLoss, qALE: f.qALE,
			qSiteLoss: p.sites[f.site].qLoss, qSiteALE: p.sites[f.site].qALE, siteConst: p.sites[f.site].aleConst,
			qClassLoss: -1, qClassALE: -1}
		if !f.loss.konst {
			ff.vLoss = f.loss.vr
		}
		if f.class >= 0 {
			c := &p.classes[f.class]
			ff.qClassLoss, ff.qClassALE, ff.classConst = c.qLoss, c.qALE, c.aleConst
		}
		p.fastF = append(p.fastF, ff)
	}
	for k := range p.fastF {
		ff := &p.fastF[k]
		ff.aleLive = !ff.certain || !p.aleConst || !ff.siteConst || (ff.qClassALE >= 0 && !ff.classConst)
		ff.sparse = p.allFast && (ff.lognormal || (ff.konst && ff.v > 0))
		if p.allFast {
			if ff.i != k {
				panic("internal: allFast findings out of file order")
			}
			p.allFindings = append(p.allFindings, k)
			if ff.aleLive {
				p.aleLive = append(p.aleLive, k)
			}
		}
	}
	p.sums = []int{p.qLoss}
	if !p.aleConst {
		p.sums = append(p.sums, p.qALE)
	}
	for _, gs := range [][]group{p.sites, p.classes} {
		for k := range gs {
			p.sums = append(p.sums, gs[k].qLoss)
			if !gs[k].aleConst {
				p.sums = append(p.sums, gs[k].qALE)
			}
		}
	}
	for _, k := range p.sums {
		if k != p.qLoss && k != p.qALE {
			p.groupSums = append(p.groupSums, k) // fastYear writes the totals as a whole
		}
	}
	p.vary = p.q.varying()
	if slowPath {
		p.aleConst = false
		for _, gs := range [][]group{p.sites, p.classes} {
			for k := range gs {
				gs[k].aleConst = false
			}
		}
		p.sums = p.sums[:0]
		for _, gs := range [][]group{p.sites, p.classes} {
			for k := range gs {
				p.sums = append(p.sums, gs[k].qLoss, gs[k].qALE)
			}
		}
		p.sums = append(p.sums, p.qLoss, p.qALE)
		p.vary = p.vary[:0]
		for i := range p.q {
			p.vary = append(p.vary, i)
		}
	}
}

// layoutGroups lays out each finding's, site's and class's loss and ALE(theta). A finding's ALE is
// constant when its frequency is certain and no cap makes it random; a site's or class's when every
// member's is.
func (p *plan) layoutGroups() {
	aleQuantiles := func(certain bool) Quantiles {
		if certain {
			return QuantilesConstant
		}
		return QuantilesSketch
	}
	for i := range p.findings {
		f := &p.findings[i]
		f.qLoss = p.q.add(Quantity{Owner: OwnerFinding, Index: i, Measure: MeasureLoss, Quantiles: QuantilesSketch, Column: "loss:" + f.id, Single: true})
		f.qALE = p.q.add(Quantity{Owner: OwnerFinding, Index: i, Measure: MeasureALE, Quantiles: aleQuantiles(f.certain)})
	}
	for _, g := range []struct {
		gs    []group
		owner Owner
	}{{p.sites, OwnerSite}, {p.classes, OwnerClass}} {
		for k := range g.gs {
			grp := &g.gs[k]
			certain := true
			for _, i := range grp.members {
				certain = certain && p.findings[i].certain
			}
			grp.aleConst = certain
			grp.qLoss = p.q.add(Quantity{Owner: g.owner, Index: k, Measure: MeasureLoss, Quantiles: QuantilesSketch})
			grp.qALE = p.q.add(Quantity{Owner: g.owner, Index: k, Measure: MeasureALE, Quantiles: aleQuantiles(certain)})
		}
	}
}

// layoutPairs lays out, for each group of variants (safeguards alone; portfolios and sets), the
// paired difference of savings of every two variants, so that whether a ranking is settled can be
// read off their confidence intervals.
func (p *plan) layoutPairs() {
	groups := [][2]int{{0, p.nSafeguardVariants}, {p.nSafeguardVariants, len(p.variants)}}
	p.pairs = p.pairs[:0]
	p.pairGroups = p.pairGroups[:0]
	for _, g := range groups {
		if g[1]-g[0] > MaxPairVariants {
			p.pairsSkipped = true
			continue
		}
		if g[1]-g[0] < 2 {
			continue
		}
		pg := pairGroup{lo: g[0], hi: g[1], q0: len(p.q)}
		for a := g[0]; a < g[1]; a++ {
			for b := a + 1; b < g[1]; b++ {
				q := p.q.add(Quantity{Owner: OwnerPair, Index: a, Other: b, Measure: MeasureDiff})
				p.pairs = append(p.pairs, pairRef{a, b, q})
			}
		}
		p.pairGroups = append(p.pairGroups, pg)
	}
}

// fastF is a finding of a common shape as drawFast draws it (and fastYear sums it).
type fastF struct {
	i                              int // plan finding index
	vCount, vLoss                  int // stream numbers (vLoss -1 for a constant loss)
	inversion, bernoulli           bool
	konst, lognormal               bool
	rate, expNeg, mu, sigma, v     float64
	certain, siteConst, classConst bool
	// aleLive: its ALE(theta) is added to some sum in every trial (not certain, or a sum it is
	// in is not constant); else fastYear adds it in a worker's first trial only
	aleLive bool
	// sparse: fastYear lists its loss for the sketch and moments only in the years it is hit
	// (sketches.setSparse); a lognormal or a positive constant loss, whose years without an event
	// are +0 and whose other years are never -0
	sparse                bool
	qLoss, qALE           int
	qSiteLoss, qSiteALE   int
	qClassLoss, qClassALE int // -1 without a class
}

// pairGroup is a group of variants [lo, hi) whose paired differences are laid out from quantity
// q0 on, by first variant, then second.
type pairGroup struct{ lo, hi, q0 int }

type pairRef struct{ a, b, q int }

// compileExtra marks the kept findings (thin) that some safeguard may give a higher frequency than
// this year's draw, so that their extra events are drawn (events.go): a new AFE, a frequency
// factor that can exceed 1, or an ALE reduction that can be negative.
func (p *plan) compileExtra() {
	if p.collapse {
		return
	}
	for k := range p.safeguards {
		for _, e := range p.safeguards[k].effects {
			f := &p.findings[e.finding]
			if !f.thin || f.extra || e.onLoss {
				continue
			}
			lo, hi := e.val.v, e.val.v
			if !e.val.konst {
				lo, hi = e.val.d.Support()
			}
			raise := false
			switch e.kind {
			case model.NewAFE:
				raise = true
			case model.FrequencyFactor:
				raise = hi > 1
			case model.ALEReduction:
				raise = lo < 0
			}
			if raise {
				f.extra = true
				f.vExtra = p.newVar("finding/" + f.id + "/extra")
			}
		}
	}
}

// join adds finding fi to the group of scenario index key (a site or a class), creating the group
// on first use, and returns the group's index. Groups keep the order findings first name them.
func join(groups *[]group, index map[int]int, key int, id, name string, fi int) int {
	k, ok := index[key]
	if !ok {
		k = len(*groups)
		index[key] = k
		*groups = append(*groups, group{id: id, name: name})
	}
	(*groups)[k].members = append((*groups)[k].members, fi)
	return k
}

// cappedMean is E[min(N L, V)] for N ~ Poisson(lambda) (or Bernoulli(lambda)) and a fixed loss L
// per event. With m = floor(V/L) the cap binds from m+1 events on, and since n P(N=n) =
// lambda P(N=n-1), E = L lambda P(N <= m-1) + V P(N > m), where P(N <= k) is the regularized upper
// incomplete gamma function Q(k+1, lambda): constant time, whatever the rate.
func cappedMean(lambda, L, V float64, bernoulli bool) float64 {
	if lambda <= 0 || L <= 0 {
		return 0
	}
	if bernoulli {
		return math.Min(lambda, 1) * math.Min(L, V)
	}
	m := math.Floor(V / L)
	below := 0.0 // P(N <= m-1)
	if m >= 1 {
		below = mathext.GammaIncRegComp(m, lambda)
	}
	return float64(L*lambda*below) + float64(V*(1-mathext.GammaIncRegComp(m+1, lambda)))
}

// setConstRate marks a finding whose own AFE is certain (no hazard, Poisson events), so that its
// counts use exp(-rate) computed once.
func (f *pFinding) setConstRate() {
	f.constRate, f.inversion = false, false
	if f.hazard >= 0 || f.bernoulli {
		return
	}
	f.constRate, f.rate = true, 1
	for _, x := range f.factors {
		f.constRate = f.constRate && x.konst
		f.rate *= x.v
	}
	f.expNeg = xmath.Exp(-f.rate)
	f.inversion = f.constRate && f.rate < dist.InversionLimit
}
