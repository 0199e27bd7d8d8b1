package sim

import (
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/alesim/alesim/model"
)

// Safeguards, portfolios and the units they act on.
//
// A variant is the baseline with some safeguards in place: each safeguard alone, each named
// portfolio, and any candidate set of the budget search. Variants are evaluated on the baseline's
// own draws (common random numbers), so a saving is a paired difference.
//
// A unit is the smallest part of the scenario whose ALE(theta) a safeguard changes on its own: one
// finding, or the findings charged to one asset whose ALE is estimated from capped losses (a cap
// couples them). A unit's ALE with a set of safeguards depends only on which of the safeguards
// acting on it are in the set: a bitmask over the unit's own safeguards. Effects combine as
// model.Adjust says (multiplicatively), so a portfolio is evaluated as the combination.

type pSafeguard struct {
	id      string
	sIdx    int
	oneTime pEst
	annual  pEst
	effects []pEffect
	policy  int // 1 + its index in plan.policies when it is an insurance policy (insurance.go), else 0
}

type pEffect struct {
	finding int // plan finding index
	kind    model.EffectKind
	onLoss  bool
	val     pEst
	sameAs  int // 1 + the index of the effect whose value this one takes (findings: [...]), 0 for none
}

type pUnit struct {
	members []int // plan finding indices
	// correction: the control variate's term of an asset whose findings have no closed form,
	// -(S - min(S, V)), re-simulated under safeguards on the year's own events (events.go)
	correction bool
	asset      int   // plan asset index when correction
	sgs        []int // plan safeguard indices acting on a member, by bit
	// eff[b][m] is the index, in safeguard sgs[b]'s effects, of its effect on member m, or -1.
	eff [][]int
	// qTable is the first of the unit's 2^len(sgs) table quantities (Options.UnitTables), -1 when
	// not laid out; quantity qTable+mask is its ALE with the safeguards of mask.
	qTable   int
	policy   int // 1 + the index in plan.policies of the policy whose payout it is (insurance.go), else 0
	policySG int // that policy's plan safeguard index
}

type pVariant struct {
	id      string
	title   string
	members []int // plan safeguard indices
	units   []unitMask
	// the variant's quantities: savings, horizon reduction, cost, pays (0 or 1), total ALE with it
	qSavings, qReduction, qCost, qPays, qALEWith int
}

type unitMask struct {
	unit int
	mask uint32
}

// maxUnitSafeguards bounds the safeguards acting on one unit (2^n subset masks).
const maxUnitSafeguards = 24

func (p *plan) compileSafeguards(extra [][]int) error {
	s := p.s
	byScenario := map[int]int{}
	for i := range p.findings {
		byScenario[p.findings[i].sIdx] = i
	}
	for k := range s.Safeguards {
		sg := &s.Safeguards[k]
		key := "safeguard/" + sg.ID
		ps := pSafeguard{id: sg.ID, sIdx: k,
			oneTime: p.est(sg.OneTimeCost, key+"/one_time_cost"),
			annual:  p.est(sg.AnnualCost, key+"/annual_cost")}
		for _, e := range sg.Effects {
			pe := pEffect{finding: byScenario[e.Finding], kind: e.Kind, onLoss: e.OnLoss, sameAs: e.SameAs}
			switch {
			case e.SameAs > 0:
				// One value for the group (findings: [...]): the first effect's, drawn once.
				pe.val = ps.effects[e.SameAs-1].val
			case e.GroupIDs != nil:
				pe.val = p.est(e.Value, key+"/effect/"+strings.Join(e.GroupIDs, "/"))
			default:
				pe.val = p.est(e.Value, key+"/effect/"+s.Findings[e.Finding].ID)
			}
			ps.effects = append(ps.effects, pe)
		}
		p.safeguards = append(p.safeguards, ps)
	}
	// Units: estimate-mode findings grouped by asset, every other finding alone.
	p.unitOf = make([]int, len(p.findings))
	assetUnit := map[int]int{}
	for i := range p.findings {
		p.unitOf[i] = len(p.units)
		p.units = append(p.units, pUnit{members: []int{i}, asset: -1})
	}
	// After every finding's unit, one correction unit per asset whose findings use the control
	// variate: so a cap that never binds adds exact zeros after the same sums as without it.
	for i := range p.findings {
		f := &p.findings[i]
		if f.aleMethod != aleControlVariate {
			continue
		}
		u, ok := assetUnit[f.asset]
		if !ok {
			u = len(p.units)
			assetUnit[f.asset] = u
			p.units = append(p.units, pUnit{correction: true, asset: f.asset})
		}
		p.units[u].members = append(p.units[u].members, i)
	}
	for k, sg := range p.safeguards {
		for _, e := range sg.effects {
			us := []int{p.unitOf[e.finding]}
			if f := &p.findings[e.finding]; f.aleMethod == aleControlVariate {
				us = append(us, assetUnit[f.asset])
			}
			for _, ui := range us {
				u := &p.units[ui]
				if len(u.sgs) == 0 || u.sgs[len(u.sgs)-1] != k {
					u.sgs = append(u.sgs, k)
				}
			}
		}
	}
	p.compilePolicies()
	for ui := range p.units {
		u := &p.units[ui]
		if len(u.sgs) > maxUnitSafeguards {
			return p.tooManySafeguards(u)
		}
		u.eff = make([][]int, len(u.sgs))
		for b, k := range u.sgs {
			u.eff[b] = make([]int, len(u.members))
			for m, fi := range u.members {
				u.eff[b][m] = -1
				for j, e := range p.safeguards[k].effects {
					if e.finding == fi {
						u.eff[b][m] = j
					}
				}
			}
		}
		if u.correction {
			for _, fi := range u.members {
				p.findings[fi].thin = true
				p.findings[fi].vThin = p.newVar("finding/" + p.findings[fi].id + "/thin")
			}
		}
	}
	addVariant := func(id, title string, members []int) {
		v := pVariant{id: id, title: title, members: members}
		in := make([]bool, len(p.safeguards))
		for _, k := range members {
			in[k] = true
		}
		for ui := range p.units {
			if mask := p.units[ui].maskOf(in); mask != 0 {
				v.units = append(v.units, unitMask{ui, mask})
			}
		}
		p.variants = append(p.variants, v)
	}
	for k, sg := range p.safeguards {
		addVariant(sg.id, s.Safeguards[sg.sIdx].Title, []int{k})
	}
	p.nSafeguardVariants = len(p.variants)
	for _, pf := range s.Portfolios {
		addVariant(pf.ID, pf.Title, append([]int(nil), pf.Safeguards...))
	}
	p.nPortfolioVariants = len(s.Portfolios)
	for i, members := range extra {
		addVariant(fmt.Sprintf("budget-set-%d", i+1), "", append([]int(nil), members...))
	}
	return nil
}

// maskOf is the bitmask of the unit's own safeguards that are in a set (in[k] for safeguard k);
// 0 for a policy's unit when the policy is not in the set (its ALE is then 0 whatever the controls).
func (u *pUnit) maskOf(in []bool) uint32 {
	if u.policy > 0 && !in[u.policySG] {
		return 0
	}
	return maskOf(u.sgs, in)
}

// maskOf is the bitmask over sgs (bit b: safeguard sgs[b]) of the safeguards in a set.
func maskOf(sgs []int, in []bool) uint32 {
	var mask uint32
	for b, k := range sgs {
		if in[k] {
			mask |= 1 << b
		}
	}
	return mask
}

// layoutVariants lays out the variants' quantities and, with unit tables, each unit's ALE(theta)
// with every subset of its safeguards (mask 0: none).
func (p *plan) layoutVariants(unitTables bool) {
	for i := range p.variants {
		v := &p.variants[i]
		add := func(m Measure, qs Quantiles, col string) int {
			return p.q.add(Quantity{Owner: OwnerVariant, Index: i, Measure: m, Quantiles: qs, Column: col, Single: col != ""})
		}
		col := ""
		if i < p.nSafeguardVariants+p.nPortfolioVariants {
			col = "savings:" + v.id // extra sets are not exported
		}
		v.qSavings = add(MeasureSavings, QuantilesSketch, col)
		v.qReduction = add(MeasureReduction, QuantilesNone, "")
		v.qCost = add(MeasureCost, QuantilesNone, "")
		v.qPays = add(MeasurePays, QuantilesNone, "")
		v.qALEWith = add(MeasureALEWith, QuantilesNone, "")
	}
	p.unitTables = unitTables
	if unitTables {
		for ui := range p.units {
			u := &p.units[ui]
			u.qTable = -1
			if len(u.sgs) == 0 {
				continue
			}
			for mask := 0; mask < 1<<len(u.sgs); mask++ {
				q := p.q.add(Quantity{Owner: OwnerUnit, Index: ui, Other: mask, Measure: MeasureUnitALE})
				if mask == 0 {
					u.qTable = q
				}
			}
		}
	}
}

// drawSafeguards draws every safeguard's costs and effect values for this trial.
func (w *worker) drawSafeguards() {
	for k := range w.p.safeguards {
		sg := &w.p.safeguards[k]
		w.sgOne[k] = w.draw(&sg.oneTime)
		w.sgAnn[k] = w.draw(&sg.annual)
		for j := range sg.effects {
			if s := sg.effects[j].sameAs; s > 0 {
				w.effVal[k][j] = w.effVal[k][s-1]
				continue
			}
			w.effVal[k][j] = w.draw(&sg.effects[j].val)
		}
	}
}

// unitBase is the unit's ALE(theta) with no safeguard: a finding's closed form, or the negated
// excess of its asset over its value.
func (w *worker) unitBase(u *pUnit) float64 {
	if u.policy > 0 {
		return 0 // no payout without the policy
	}
	if u.correction {
		return -w.excess[u.asset]
	}
	return w.cf[u.members[0]]
}

// unitWith is the unit's ALE(theta) with the safeguards of mask in place.
func (w *worker) unitWith(u *pUnit, mask uint32) float64 {
	p := w.p
	if u.policy > 0 {
		return w.policyWith(u, mask)
	}
	if !u.correction {
		fi := u.members[0]
		adj := model.NoAdjust()
		for m := mask; m != 0; m &= m - 1 {
			b := bits.TrailingZeros32(m)
			k := u.sgs[b]
			if j := u.eff[b][0]; j >= 0 {
				e := &p.safeguards[k].effects[j]
				adj.Add(e.kind, e.onLoss, w.effVal[k][j])
			}
		}
		return w.aleAdjusted(fi, adj)
	}
	// The control variate's correction with the safeguards in place: the same year re-simulated
	// (events thinned, or extra events added, each loss scaled; events.go), its excess over the
	// asset's value negated. Its expectation given theta, added to the findings' adjusted closed
	// forms, is the capped ALE with the safeguards, so the estimate is unbiased.
	tot := 0.0
	for m, fi := range u.members {
		adj := model.NoAdjust()
		for mm := mask; mm != 0; mm &= mm - 1 {
			b := bits.TrailingZeros32(mm)
			if j := u.eff[b][m]; j >= 0 {
				k := u.sgs[b]
				e := &p.safeguards[k].effects[j]
				adj.Add(e.kind, e.onLoss, w.effVal[k][j])
			}
		}
		tot += w.thinnedLoss(fi, adj)
	}
	return -math.Max(tot-p.assets[u.asset].value, 0)
}

// aleAdjusted is a finding's closed-form ALE(theta) with the adjustment in place.
func (w *worker) aleAdjusted(fi int, adj model.Adjust) float64 {
	p := w.p
	f := &p.findings[fi]
	lambda := adj.AFE(w.afe[fi])
	bern := f.atMostOnce
	if bern {
		lambda = math.Min(lambda, 1)
	}
	scale := adj.LossScale(w.lossMean[fi])
	if f.aleMethod == aleClosedCap {
		return cappedMean(lambda, f.loss.v*scale, p.assets[f.asset].value, bern)
	}
	return lambda * w.lossMean[fi] * scale
}

// variants fills each variant's quantities for this trial, and the budget tables when laid out.
func (w *worker) variants(totalALE float64) {
	p := w.p
	if len(p.variants) == 0 {
		return
	}
	A := p.s.AnnuityFactor
	for ui := range p.units {
		if len(p.units[ui].sgs) > 0 {
			w.unitBaseVal[ui] = w.unitBase(&p.units[ui])
		}
	}
	q := w.q
	for vi := range p.variants {
		v := &p.variants[vi]
		var one, ann, red float64
		for _, k := range v.members {
			one += w.sgOne[k]
			ann += w.sgAnn[k]
		}
		for _, um := range v.units {
			red += w.unitBaseVal[um.unit] - w.unitWith(&p.units[um.unit], um.mask)
		}
		cost := one + float64(A*ann)
		sav := float64(A*red) - cost
		q[v.qSavings] = sav
		q[v.qReduction] = A * red
		q[v.qCost] = cost
		if sav > 0 {
			q[v.qPays] = 1
		} else {
			q[v.qPays] = 0
		}
		q[v.qALEWith] = totalALE - red
	}
	if p.unitTables {
		for ui := range p.units {
			u := &p.units[ui]
			if len(u.sgs) == 0 {
				continue
			}
			base := u.qTable
			q[base] = w.unitBaseVal[ui]
			for mask := uint32(1); mask < 1<<len(u.sgs); mask++ {
				q[base+int(mask)] = w.unitWith(u, mask)
			}
		}
	}
}
