package sim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/model/dist"
)

// plan is a scenario compiled for the trial loop: read-only, shared by all workers.
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
	unitOf             []int // unit of each plan finding
	variants           []pVariant
	nSafeguardVariants int   // variants[:n] are the safeguards alone, the rest portfolios and sets
	unitTableQ         []int // with the budget search: first quantity of each unit's ALE table
	// pairQ[a] is the first quantity of the paired differences of variant a with each later
	// variant of its group (safeguards, or portfolios); nil when there are too many to track.
	exactTotals bool     // the totals' quantiles are exact: no sketch for them
	qInput      int      // first quantity of recorded input draws (sensitivity), 0 when none
	inputNames  []string // names of the recorded inputs
	rec         *pRec    // the recommended set, when its annual loss is simulated
	qRec        int
	pairQ       map[[2]int]int
	pairList    []pairRef // the same, in a fixed order for the trial loop

	// Quantity layout of a trial's result vector: total loss, total ALE, then per finding (loss,
	// ALE), per site (loss, ALE), per class (loss, ALE).
	nq        int
	qFinding  int
	qSite     int
	qClass    int
	sketchedQ []bool // which quantities need quantiles from a sketch
}

type group struct {
	id, name string
	members  []int // plan finding indices
}

// pEst is an estimate compiled for drawing: a constant needs no stream.
type pEst struct {
	d     dist.Distribution
	konst bool
	v     float64 // the value when konst
	vr    int     // variable number when not konst
	in    int     // 1 + the quantity its draws are recorded in (sensitivity), 0 for none
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
	aleEstimate         // the trial's own capped loss: unbiased, used when no closed form exists
)

var aleMethodNames = [...]string{"closed_form", "closed_form_capped", "estimate"}

type pFinding struct {
	id        string
	sIdx      int // index in the scenario's findings
	factors   []pEst
	hazard    int
	bernoulli bool
	loss      pEst // per-event loss
	lossMean  float64
	vCount    int
	asset     int // plan asset index, -1 if none
	site      int // plan site group index
	class     int // plan class group index, -1 if none
	aleMethod int
	certain   bool // ALE(theta) is the same in every trial
	// constRate is set when the finding's own AFE is certain (no hazard): the Poisson sampler then
	// uses expNeg = exp(-rate), computed once.
	constRate    bool
	rate, expNeg float64
	thin         bool // events are kept for thinning under safeguards (capped, estimated ALE)
	vThin        int
	// lognormal losses are drawn inline (no interface call) from these parameters.
	lognormal     bool
	lnMu, lnSigma float64
}

type pAsset struct {
	value   float64
	members []int // plan finding indices charged to this asset
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
	return pEst{d: e.Dist, vr: p.newVar(key)}
}

func (p *plan) frequency(f model.Frequency, prefix string) []pEst {
	out := make([]pEst, len(f.Factors))
	for i, x := range f.Factors {
		out[i] = p.est(x.Estimate, fmt.Sprintf("%s/afe/%d", prefix, i))
	}
	return out
}

// maxPairVariants bounds the variants of a group whose paired differences are tracked (their
// number grows as the square).
const maxPairVariants = 64

// compile builds the plan. With collapse, every estimate takes its point value, event counts take
// their expectation, and asset caps are off: the engine then computes the 1983 arithmetic. extra
// lists further sets of safeguards to evaluate (the budget search's candidates); budget lays out the
// per-unit tables the search needs.
func compile(s *model.Scenario, collapse bool) *plan {
	p, _ := compileWith(s, collapse, nil, false, nil, "")
	return p
}

func compileWith(s *model.Scenario, collapse bool, extra [][]int, budget bool, rec []int, recName string) (*plan, error) {
	p := &plan{s: s, collapse: collapse}
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
		certain := true
		factors := pf.factors
		if pf.hazard >= 0 {
			factors = p.hazards[pf.hazard].factors
		}
		for _, x := range factors {
			certain = certain && x.konst
		}
		switch {
		case pf.asset < 0:
			pf.aleMethod = aleClosed
		case len(p.assets[pf.asset].members) == 1 && pf.loss.konst:
			pf.aleMethod = aleClosedCap
		default:
			pf.aleMethod = aleEstimate
			certain = false
		}
		pf.certain = certain
		pf.setConstRate()
	}
	nf := len(p.findings)
	p.qFinding = 2
	p.qSite = p.qFinding + 2*nf
	p.qClass = p.qSite + 2*len(p.sites)
	p.nq = p.qClass + 2*len(p.classes)
	if err := p.compileSafeguards(extra); err != nil {
		return nil, err
	}
	p.compileRecommended(rec, recName)
	p.layoutVariants(budget)
	p.layoutPairs()
	p.sketchedQ = make([]bool, p.nq)
	for q := 0; q < p.qClass+2*len(p.classes); q++ {
		p.sketchedQ[q] = true
	}
	for i, f := range p.findings {
		if f.certain {
			p.sketchedQ[p.qFinding+2*i+1] = false
		}
	}
	// A site's or class's ALE is constant when every member's is.
	for _, g := range []struct {
		gs   []group
		base int
	}{{p.sites, p.qSite}, {p.classes, p.qClass}} {
		for k, grp := range g.gs {
			certain := true
			for _, i := range grp.members {
				certain = certain && p.findings[i].certain
			}
			if certain {
				p.sketchedQ[g.base+2*k+1] = false
			}
		}
	}
	for _, v := range p.variants {
		p.sketchedQ[v.q+vqSavings] = true
	}
	if p.rec != nil {
		p.sketchedQ[p.qRec] = true
	}
	return p, nil
}

// layoutPairs appends, for each group of variants (safeguards alone; portfolios and sets), the
// paired difference of savings of every two variants, so that whether a ranking is settled can be
// read off their confidence intervals.
func (p *plan) layoutPairs() {
	p.pairQ = map[[2]int]int{}
	groups := [][2]int{{0, p.nSafeguardVariants}, {p.nSafeguardVariants, len(p.variants)}}
	for _, g := range groups {
		if g[1]-g[0] > maxPairVariants {
			continue
		}
		for a := g[0]; a < g[1]; a++ {
			for b := a + 1; b < g[1]; b++ {
				p.pairQ[[2]int{a, b}] = p.nq
				p.nq++
			}
		}
	}
	p.pairList = p.pairList[:0]
	for a := range p.variants {
		for b := a + 1; b < len(p.variants); b++ {
			if q, ok := p.pairQ[[2]int{a, b}]; ok {
				p.pairList = append(p.pairList, pairRef{a, b, q})
			}
		}
	}
}

type pairRef struct{ a, b, q int }

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
	return L*lambda*below + V*(1-mathext.GammaIncRegComp(m+1, lambda))
}

// sketchMask is sketchedQ, less the totals whose quantiles come from exact per-trial values.
func (p *plan) sketchMask() []bool {
	m := append([]bool(nil), p.sketchedQ...)
	if p.exactTotals {
		m[0], m[1] = false, false
		if p.rec != nil {
			m[p.qRec] = false
		}
	}
	return m
}

// setConstRate marks a finding whose own AFE is certain (no hazard, Poisson events), so that its
// counts use exp(-rate) computed once.
func (f *pFinding) setConstRate() {
	f.constRate = false
	if f.hazard >= 0 || f.bernoulli {
		return
	}
	f.constRate, f.rate = true, 1
	for _, x := range f.factors {
		f.constRate = f.constRate && x.konst
		f.rate *= x.v
	}
	f.expNeg = math.Exp(-f.rate)
}
