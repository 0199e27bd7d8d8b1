package sim

import (
	"math"
	"math/bits"

	"github.com/alesim/alesim/internal/xmath"
	"github.com/alesim/alesim/model"
)

// Insurance policies (issue 18). A policy pays part of each event's loss at the findings it
// covers: min(max(x - d, 0), limit) of an event's loss x, and at most the aggregate limit in a
// year. It changes the retained loss, so ALE_with(theta) of a set holding it is the expected
// retained loss given theta.
//
// A policy is a unit of its own (variants.go), after every other unit, so that a scenario without
// a policy lays out and sums exactly as before. Its safeguards are the policy itself and every
// control acting on a finding whose year the payout depends on: the covered findings and the other
// findings charged to their assets. Its ALE with a mask is minus the expected payout given theta
// with the mask's controls in place (controls first, then the policy on what remains), and 0 when
// the policy is not in the mask; with no safeguard it is 0. So a variant's ALE reduction is the
// controls' reduction plus the payout, savings and P(pays) compare policies with controls on the
// same draws, and the budget's tables work unchanged.
//
// The expected payout given theta:
//   - in closed form (aleClosed) when every covered finding has no asset and no shared hazard with
//     another covered finding, and either a fixed loss L per event with no aggregate limit or one
//     covered finding, or a plain lognormal loss with no aggregate limit. A fixed loss is paid
//     p = min(max(L' - d, 0), limit) an event of its loss L' with the controls in place, so
//     E[paid] = lambda' p, and E[min(N p, A)] = cappedMean(lambda', p, A) with an aggregate limit
//     (N ~ Poisson(lambda') or Bernoulli); a lognormal loss X scaled by the controls' c is paid
//     lambda' E[min(max(cX - d, 0), limit)], the layer of the limited expected value
//     (lognormalLayer);
//   - otherwise as the control variate of DESIGN section 7 does for asset caps: the payout is the
//     difference between the (controlled, capped) loss and the retained loss, and the retained
//     ALE is estimated by the controlled closed form less this year's simulated payout on the
//     year's own events (thinned, or with extra events, under the controls: events.go). Its
//     expectation given theta is the expected payout, so the estimate is unbiased, and in a year
//     in which the policy pays nothing it is exactly the controls' closed form.
//
// What an event is, for the policy:
//   - a finding's own event is one event;
//   - one event of a shared hazard is one event at every covered finding it strikes: the losses at
//     the covered findings are added before the deductible and limit apply (the k-th kept event of
//     each of the hazard's findings is the hazard's k-th event; a control that thins one finding's
//     events removes that finding's loss from the event); extra events that a control adds to one
//     finding are events of their own;
//   - asset caps apply first: the year's losses at an asset are capped at its value and shared
//     pro rata among them, as for the annual loss, and the policy pays on each event's capped
//     loss. So a policy never pays more than the loss it covers.
// In collapse mode (the point arithmetic) the payout is the point figure of model.Scenario.Point:
// each covered finding's expected events each paid the per-event terms of its loss, the sum capped
// at the aggregate limit.

type pPolicy struct {
	sg      int // plan safeguard index
	unit    int // its unit
	bit     uint32
	terms   *model.Insurance
	covered []int // plan finding indices
	// hazards groups the covered findings of each shared hazard with more than one of them; solo
	// holds the others (each of their events is an event of its own).
	hazards [][]int
	solo    []int
	assets  []int // plan assets charged with a covered finding
	closed  bool
	member  []int // per plan finding: its index among the unit's members, or -1
}

// compilePolicies adds a unit per policy after every other unit and marks the findings whose
// events its payout needs.
func (p *plan) compilePolicies() {
	byScenario := map[int]int{}
	for i := range p.findings {
		byScenario[p.findings[i].sIdx] = i
	}
	for k := range p.safeguards {
		sg := &p.s.Safeguards[p.safeguards[k].sIdx]
		if sg.Insurance == nil {
			continue
		}
		pol := pPolicy{sg: k, terms: sg.Insurance, unit: len(p.units)}
		covered := make([]bool, len(p.findings))
		for _, fi := range sg.Insurance.Findings {
			i := byScenario[fi]
			pol.covered = append(pol.covered, i)
			covered[i] = true
		}
		// members: the covered findings, then the other findings charged to their assets
		members := append([]int(nil), pol.covered...)
		inAsset := map[int]bool{}
		for _, i := range pol.covered {
			if a := p.findings[i].asset; a >= 0 && !inAsset[a] {
				inAsset[a] = true
				pol.assets = append(pol.assets, a)
				for _, j := range p.assets[a].members {
					if !covered[j] {
						members = append(members, j)
					}
				}
			}
		}
		byHazard := map[int][]int{}
		var hz []int
		for _, i := range pol.covered {
			if h := p.findings[i].hazard; h >= 0 {
				if byHazard[h] == nil {
					hz = append(hz, h)
				}
				byHazard[h] = append(byHazard[h], i)
			}
		}
		for _, i := range pol.covered {
			if h := p.findings[i].hazard; h < 0 || len(byHazard[h]) == 1 {
				pol.solo = append(pol.solo, i)
			}
		}
		for _, h := range hz {
			if len(byHazard[h]) > 1 {
				pol.hazards = append(pol.hazards, byHazard[h])
			}
		}
		unlimited := math.IsInf(pol.terms.AggregateLimit, 1)
		pol.closed = len(pol.hazards) == 0 && (unlimited || len(pol.covered) == 1)
		for _, i := range pol.covered {
			f := &p.findings[i]
			fixed := f.loss.konst && f.lossModel == nil
			pol.closed = pol.closed && f.asset < 0 && (fixed || f.lognormal && unlimited)
		}
		pol.member = make([]int, len(p.findings))
		for i := range pol.member {
			pol.member[i] = -1
		}
		for m, i := range members {
			pol.member[i] = m
		}
		// The unit's safeguards, in scenario order: the policy and the controls acting on a member.
		u := pUnit{members: members, asset: -1, policy: len(p.policies) + 1, policySG: k}
		for k2 := range p.safeguards {
			acts := k2 == k
			for _, e := range p.safeguards[k2].effects {
				acts = acts || pol.member[e.finding] >= 0
			}
			if acts {
				if k2 == k {
					pol.bit = 1 << len(u.sgs)
				}
				u.sgs = append(u.sgs, k2)
			}
		}
		if !pol.closed && !p.collapse {
			for _, i := range members {
				p.keepEvents(i)
			}
		}
		p.safeguards[k].policy = len(p.policies) + 1
		p.policies = append(p.policies, pol)
		p.units = append(p.units, u)
	}
}

// keepEvents marks a finding whose events are kept, with a thinning uniform each (events.go).
// Not in collapse mode, which has no events.
func (p *plan) keepEvents(i int) {
	f := &p.findings[i]
	if !f.thin && !p.collapse {
		f.thin = true
		f.vThin = p.newVar("finding/" + f.id + "/thin")
	}
}

// policyWith is a policy unit's ALE(theta) with the safeguards of mask: minus the policy's
// expected payout given theta with the mask's controls in place, 0 without the policy.
func (w *worker) policyWith(u *pUnit, mask uint32) float64 {
	pol := &w.p.policies[u.policy-1]
	if mask&pol.bit == 0 {
		return 0
	}
	paid, _ := w.policyYear(pol, u, mask, pol.closed)
	return -paid
}

// policyAdjust fills w.polAdj, per member of the policy's unit, with the adjustment of the mask's
// controls.
func (w *worker) policyAdjust(u *pUnit, mask uint32) []model.Adjust {
	p := w.p
	adj := w.polAdj[:len(u.members)]
	for m := range adj {
		adj[m] = model.NoAdjust()
		for mm := mask; mm != 0; mm &= mm - 1 {
			b := bits.TrailingZeros32(mm)
			if j := u.eff[b][m]; j >= 0 {
				k := u.sgs[b]
				e := &p.safeguards[k].effects[j]
				adj[m].Add(e.kind, e.onLoss, w.effVal[k][j])
			}
		}
	}
	return adj
}

// policyYear returns the policy's payout this year with the mask's controls in place and the
// retained loss of its covered findings, on the year's events; with expected (the closed form), the
// expected payout and retained loss given theta instead. In collapse mode both are the point
// figures.
func (w *worker) policyYear(pol *pPolicy, u *pUnit, mask uint32, expected bool) (paid, retained float64) {
	p := w.p
	t := pol.terms
	adj := w.policyAdjust(u, mask)
	if expected || p.collapse {
		for _, i := range pol.covered {
			f := &p.findings[i]
			a := adj[pol.member[i]]
			lambda := a.AFE(w.afe[i])
			bern := f.atMostOnce
			if bern {
				lambda = math.Min(lambda, 1)
			}
			scale := a.LossScale(w.lossMean[i])
			retained += float64(lambda * w.lossMean[i] * scale)
			if f.lognormal && !p.collapse {
				// a lognormal loss, no aggregate limit (closed): lambda' E[per-event payout]
				paid += float64(lambda * lognormalLayer(f.lnMu, f.lnSigma, scale, t.Deductible, t.Limit))
				continue
			}
			per := t.PerEvent(f.loss.v * scale)
			switch {
			case per <= 0 || lambda <= 0:
			case p.collapse || math.IsInf(t.AggregateLimit, 1):
				paid += float64(lambda * per)
			default: // one covered finding (closed): E[min(N per, A)]
				paid += cappedMean(lambda, per, t.AggregateLimit, bern)
			}
		}
		if p.collapse {
			paid = math.Min(paid, t.AggregateLimit)
		}
		return paid, retained - paid
	}
	// Asset caps first: this year's losses at each asset with the controls in place, and the
	// factor that caps them at its value.
	sc := w.polScale[:len(u.members)]
	for m, i := range u.members {
		sc[m] = adj[m].LossScale(w.lossMean[i]) // members at an asset: set below, with its cap
	}
	for _, a := range pol.assets {
		as := &p.assets[a]
		tot := 0.0
		for _, i := range as.members {
			tot += w.thinnedLoss(i, adj[pol.member[i]])
		}
		capf := 1.0
		if tot > as.value {
			capf = as.value / tot
		}
		for _, i := range as.members {
			m := pol.member[i]
			sc[m] = adj[m].LossScale(w.lossMean[i]) * capf
		}
	}
	sum := 0.0 // per-event payouts
	event := func(x float64) {
		pe := t.PerEvent(x)
		sum += pe
		retained += x - pe
	}
	for _, i := range pol.solo {
		m := pol.member[i]
		w.eachEvent(i, adj[m], sc[m], event)
	}
	for _, g := range pol.hazards {
		n := len(w.ev[g[0]])
		for e := 0; e < n; e++ {
			x := 0.0
			for _, i := range g {
				m := pol.member[i]
				if w.keptEvent(i, e, adj[m]) {
					x += float64(w.ev[i][e] * sc[m])
				}
			}
			event(x)
		}
		for _, i := range g {
			m := pol.member[i]
			w.eachExtraEvent(i, adj[m], sc[m], event)
		}
	}
	paid = math.Min(sum, t.AggregateLimit)
	return paid, retained + (sum - paid)
}

// lognormalLayer is E[min(max(cX - d, 0), l)] for X lognormal(mu, sigma) and a scale c >= 0: the
// layer of cX from d to d + l, LEV(d + l) - LEV(d), where the limited expected value of
// Y = cX ~ lognormal(m = mu + ln c, sigma) is LEV(u) = E[min(Y, u)] =
// exp(m + sigma^2/2) Phi((ln u - m - sigma^2)/sigma) + u (1 - Phi((ln u - m)/sigma))
// (Klugman, Panjer and Willmot, Loss Models, appendix A), with LEV(0) = 0 and LEV(inf) = E[Y].
func lognormalLayer(mu, sigma, c, d, l float64) float64 {
	if !(c > 0) {
		return 0
	}
	m := mu + xmath.Log(c)
	mean := xmath.Exp(m + float64(sigma*sigma/2))
	phi := func(x float64) float64 { return 0.5 * xmath.Erfc(-x/math.Sqrt2) }
	lev := func(u float64) float64 {
		switch {
		case u <= 0:
			return 0
		case math.IsInf(u, 1):
			return mean
		}
		lu := xmath.Log(u)
		return float64(mean*phi((lu-m-float64(sigma*sigma))/sigma)) + float64(u*phi(-(lu-m)/sigma))
	}
	return math.Max(lev(d+l)-lev(d), 0)
}

// keptEvent says whether baseline event e of finding i happens under the adjustment (thinning:
// events.go).
func (w *worker) keptEvent(i, e int, adj model.Adjust) bool {
	lambda := w.afe[i]
	lambda2 := adj.AFE(lambda)
	return lambda2 >= lambda || w.evU[i][e] < lambda2/lambda
}

// eachEvent calls fn with the loss of every event of finding i this year under the adjustment,
// each scaled by sc: the baseline's events thinned, then any extra events.
func (w *worker) eachEvent(i int, adj model.Adjust, sc float64, fn func(float64)) {
	for e, x := range w.ev[i] {
		if w.keptEvent(i, e, adj) {
			fn(x * sc)
		}
	}
	w.eachExtraEvent(i, adj, sc, fn)
}

// eachExtraEvent calls fn with the loss of each extra event of finding i under an adjustment that
// raises its frequency (events.go), each scaled by sc.
func (w *worker) eachExtraEvent(i int, adj model.Adjust, sc float64, fn func(float64)) {
	p := w.p
	f := &p.findings[i]
	lambda := w.afe[i]
	lambda2 := adj.AFE(lambda)
	if !(lambda2 > lambda) {
		return
	}
	x := w.extraLoss(i, lambda2) // draws the extra events up to lambda2
	if f.atMostOnce {
		if x != 0 {
			fn(x * sc)
		}
		return
	}
	for k, m := range w.exMark[i] {
		if m >= lambda2 {
			break
		}
		fn(w.exLoss[i][k] * sc)
	}
}

// compileRecommendedPolicies keeps the events of the findings the policies of a set whose annual
// loss is simulated (the recommended set, a portfolio checked against the tolerance) depend on and
// notes the set's policies with their masks.
func (p *plan) compileRecommendedPolicies(r *pRec) {
	in := make([]bool, len(p.safeguards))
	for _, k := range r.members {
		in[k] = true
	}
	r.covered = make([]bool, len(p.findings))
	for pi := range p.policies {
		pol := &p.policies[pi]
		if !in[pol.sg] {
			continue
		}
		u := &p.units[pol.unit]
		r.policies = append(r.policies, pi)
		r.masks = append(r.masks, maskOf(u.sgs, in))
		for _, i := range pol.covered {
			r.covered[i] = true
		}
		if !p.collapse {
			for _, i := range u.members {
				p.keepEvents(i)
			}
		}
	}
}

// setPolicies is this year's retained loss of the findings the set's policies cover, with the
// set's controls in place.
func (w *worker) setPolicies(r *pRec) float64 {
	p := w.p
	tot := 0.0
	for j, pi := range r.policies {
		pol := &p.policies[pi]
		_, ret := w.policyYear(pol, &p.units[pol.unit], r.masks[j], false)
		tot += ret
	}
	return tot
}

// initPolicies sizes the worker's scratch for the policies' units.
func (w *worker) initPolicies() {
	n := 0
	for _, pol := range w.p.policies {
		n = max(n, len(w.p.units[pol.unit].members))
	}
	w.polAdj = make([]model.Adjust, n)
	w.polScale = make([]float64, n)
}

// PolicyALEMethod says how the ALE of scenario safeguard k, an insurance policy, is computed with
// it in place: "closed_form" or "control_variate" (see above); "" for a control.
func (r *Result) PolicyALEMethod(k int) string {
	pi := r.p.safeguards[k].policy
	if pi == 0 {
		return ""
	}
	if r.p.policies[pi-1].closed || r.p.collapse {
		return aleMethodNames[aleClosed]
	}
	return aleMethodNames[aleControlVariate]
}
