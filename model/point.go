package model

import (
	"fmt"
	"sort"
)

// PointResult is the 1983 arithmetic on the scenario's point values.
type PointResult struct {
	Scenario   PointScenario    `json:"scenario"`
	Selection  []string         `json:"selection"`
	Findings   []PointFinding   `json:"findings"`
	Safeguards []PointSafeguard `json:"safeguards"`
	Totals     PointTotals      `json:"totals"`
}

// PointScenario identifies the scenario and the horizon of the figures.
type PointScenario struct {
	Name          string  `json:"name"`
	Currency      string  `json:"currency"`
	AnnuityFactor float64 `json:"annuity_factor"`
	HorizonYears  int     `json:"horizon_years"`
	SHA256        string  `json:"sha256"`
}

// PointFinding is one row of the report's section 1.3 table. Horizon figures (LossNow, LossAfter,
// Reduction, Cost, Savings) are present values over the horizon: A x the annual figure. Cost,
// Savings and Ratio are those of the safeguards acting on the finding, taken together over every
// finding they act on (a multiple-effects safeguard shows its combined figures on each row).
type PointFinding struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Site       string   `json:"site"`
	Class      string   `json:"class,omitempty"`
	AFE        float64  `json:"afe"`
	Loss       float64  `json:"loss"`
	ALE        float64  `json:"ale"`
	NewALE     float64  `json:"new_ale"`
	LossNow    float64  `json:"loss_now"`
	LossAfter  float64  `json:"loss_after"`
	Reduction  float64  `json:"reduction"`
	Cost       float64  `json:"cost"`
	Savings    float64  `json:"savings"`
	Ratio      *float64 `json:"ratio"` // cost / savings, as the report defines it; null when undefined
	Safeguards []string `json:"safeguards"`
	SharedWith []string `json:"shared_with,omitempty"` // other findings whose cost and savings this row shares
	Covers     []string `json:"covers"`
}

// PointSafeguard is one safeguard on its own against the baseline.
type PointSafeguard struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Findings    []string `json:"findings"`
	OneTimeCost float64  `json:"one_time_cost"`
	AnnualCost  float64  `json:"annual_cost"`
	Cost        float64  `json:"cost"`      // one-time + A x annual
	Reduction   float64  `json:"reduction"` // A x (ALE - new ALE) summed over its findings
	Savings     float64  `json:"savings"`   // reduction - cost
	Ratio       *float64 `json:"ratio"`     // cost / savings
	// CostToReduction is cost / reduction, the ratio as DESIGN.md section 1 words it.
	CostToReduction *float64 `json:"cost_to_reduction"`
	Alternative     bool     `json:"alternative,omitempty"`
	Kind            string   `json:"kind,omitempty"` // "insurance" for a policy (its point figure: Scenario.pointNewALE)
}

// PointTotals sums the findings (each counted once) and the selected safeguards (each costed once).
type PointTotals struct {
	ALE       float64  `json:"ale"`
	NewALE    float64  `json:"new_ale"`
	LossNow   float64  `json:"loss_now"`
	LossAfter float64  `json:"loss_after"`
	Reduction float64  `json:"reduction"`
	Cost      float64  `json:"cost"`
	Savings   float64  `json:"savings"`
	Ratio     *float64 `json:"ratio"`
}

// Selection picks the safeguards point mode applies: a named portfolio, or every safeguard not
// marked alternative when portfolio is "".
func (s *Scenario) Selection(portfolio string) ([]int, error) {
	if portfolio != "" {
		k := s.PortfolioIndex(portfolio)
		if k < 0 {
			ids := make([]string, len(s.Portfolios))
			for i, p := range s.Portfolios {
				ids[i] = p.ID
			}
			return nil, fmt.Errorf("no portfolio %q in %s (have: %v)", portfolio, s.File, ids)
		}
		return append([]int(nil), s.Portfolios[k].Safeguards...), nil
	}
	var sel []int
	for i, sg := range s.Safeguards {
		if !sg.Alternative {
			sel = append(sel, i)
		}
	}
	return sel, nil
}

// ratio is cost / savings, the report's "cost to savings ratio"; nil when savings is 0 and cost is
// not (no finite ratio exists).
func ratio(cost, savings float64) *float64 {
	if cost == 0 {
		z := 0.0
		return &z
	}
	if savings == 0 {
		return nil
	}
	r := cost / savings
	return &r
}

// pointALE returns the finding's ALE at point values with the given safeguards in place.
func (s *Scenario) pointALE(fi int, sel []int) float64 {
	afe, loss := s.pointAdjusted(fi, sel)
	return afe * loss
}

// pointAdjusted returns the finding's AFE and loss per event at point values with the given
// safeguards' effects in place: an AFE of at most once a year (Bernoulli) stays
// at most 1, as in the engine (so that --collapse reproduces it).
func (s *Scenario) pointAdjusted(fi int, sel []int) (afe, loss float64) {
	f := &s.Findings[fi]
	adj := NoAdjust()
	for _, k := range sel {
		for _, e := range s.Safeguards[k].Effects {
			if e.Finding == fi {
				adj.Add(e.Kind, e.OnLoss, e.Value.Point)
			}
		}
	}
	afe = adj.AFE(s.FrequencyOf(f).Point())
	if s.EventsOf(f) == Bernoulli {
		afe = min(afe, 1)
	}
	return afe, adj.Loss(f.Loss.Point)
}

// pointNewALE returns every finding's ALE at point values with the safeguards sel in place (0 for
// a finding that is not quantified): the controls' effects, then each selected policy's point
// payout taken off the findings it covers. A policy's point payout is the 1983 arithmetic carried
// through its terms: each covered finding's expected events (its AFE with the controls in place)
// each paid min(max(L - d, 0), limit) of the loss per event L with the controls in place, and the
// year's sum capped at the aggregate limit; each finding bears the capped payout in proportion to
// its share of the uncapped one. Point mode counts each finding's events on their own (a shared
// hazard's event at two covered findings is two events here) and never caps at asset values.
func (s *Scenario) pointNewALE(sel []int) []float64 {
	var controls, policies []int
	for _, k := range sel {
		if s.Safeguards[k].Insurance != nil {
			policies = append(policies, k)
		} else {
			controls = append(controls, k)
		}
	}
	out := make([]float64, len(s.Findings))
	for i := range s.Findings {
		if s.Findings[i].Status == Quantified {
			out[i] = s.pointALE(i, controls)
		}
	}
	for _, k := range policies {
		pol := s.Safeguards[k].Insurance
		paid := make([]float64, len(pol.Findings))
		tot := 0.0
		for j, fi := range pol.Findings {
			afe, loss := s.pointAdjusted(fi, controls)
			paid[j] = float64(afe * pol.PerEvent(loss))
			tot += paid[j]
		}
		scale := 1.0
		if tot > pol.AggregateLimit {
			scale = pol.AggregateLimit / tot
		}
		for j, fi := range pol.Findings {
			out[fi] -= float64(paid[j] * scale)
		}
	}
	return out
}

// Point computes the 1983 arithmetic exactly on point values, with the safeguards sel in place.
// Point mode never caps losses at asset values: it is the report's arithmetic.
func (s *Scenario) Point(sel []int) *PointResult {
	A := s.AnnuityFactor
	r := &PointResult{Scenario: PointScenario{s.Name, s.Currency, A, s.HorizonYears, s.SHA256}}
	for _, k := range sel {
		r.Selection = append(r.Selection, s.Safeguards[k].ID)
	}
	// Which selected safeguards act on each finding.
	acting := make([][]int, len(s.Findings))
	for _, k := range sel {
		for _, fi := range s.Safeguards[k].Targets() {
			acting[fi] = append(acting[fi], k)
		}
	}
	costOf := func(k int) float64 {
		sg := &s.Safeguards[k]
		return sg.OneTimeCost.Point + float64(A*sg.AnnualCost.Point)
	}
	ale := make([]float64, len(s.Findings))
	for i := range s.Findings {
		if s.Findings[i].Status == Quantified {
			ale[i] = s.pointALE(i, nil)
		}
	}
	newALE := s.pointNewALE(sel)
	root, groups := components(s, sel)
	covers := map[string][]string{}
	for _, f := range s.Findings {
		for _, c := range f.CoveredBy {
			covers[c] = append(covers[c], f.ID)
		}
	}
	for i := range s.Findings {
		f := &s.Findings[i]
		if f.Status != Quantified {
			continue
		}
		row := PointFinding{
			ID: f.ID, Title: f.Title, Site: s.Sites[f.Site].ID,
			AFE: s.FrequencyOf(f).Point(), Loss: f.Loss.Point,
			ALE: ale[i], NewALE: newALE[i],
			LossNow: A * ale[i], LossAfter: A * newALE[i],
			Safeguards: []string{}, Covers: covers[f.ID],
		}
		if row.Covers == nil {
			row.Covers = []string{}
		}
		if f.Class >= 0 {
			row.Class = s.Classes[f.Class].ID
		}
		row.Reduction = row.LossNow - row.LossAfter
		for _, k := range acting[i] {
			row.Safeguards = append(row.Safeguards, s.Safeguards[k].ID)
		}
		// The row's cost and savings are those of its group: the findings connected to it through
		// the selected safeguards, and every selected safeguard acting on them (a multiple-effects
		// safeguard is costed once, and no reduction is counted without the cost that buys it).
		group := groups[root[i]]
		groupReduction := 0.0
		for _, j := range group.findings {
			groupReduction += float64(A * (ale[j] - newALE[j]))
			if j != i {
				row.SharedWith = append(row.SharedWith, s.Findings[j].ID)
			}
		}
		for _, k := range group.safeguards {
			row.Cost += costOf(k)
		}
		row.Savings = groupReduction - row.Cost
		row.Ratio = ratio(row.Cost, row.Savings)
		r.Findings = append(r.Findings, row)
		r.Totals.ALE += ale[i]
		r.Totals.NewALE += newALE[i]
	}
	sortLikeReport(r.Findings)
	for _, k := range sel {
		sg := &s.Safeguards[k]
		row := PointSafeguard{ID: sg.ID, Title: sg.Title, OneTimeCost: sg.OneTimeCost.Point,
			AnnualCost: sg.AnnualCost.Point, Cost: costOf(k), Alternative: sg.Alternative}
		if sg.Insurance != nil {
			row.Kind = "insurance"
		}
		alone := s.pointNewALE([]int{k})
		for _, fi := range sg.Targets() {
			row.Findings = append(row.Findings, s.Findings[fi].ID)
			row.Reduction += float64(A * (ale[fi] - alone[fi]))
		}
		row.Savings = row.Reduction - row.Cost
		row.Ratio = ratio(row.Cost, row.Savings)
		if row.Reduction != 0 {
			c := row.Cost / row.Reduction
			row.CostToReduction = &c
		}
		r.Safeguards = append(r.Safeguards, row)
		r.Totals.Cost += row.Cost
	}
	t := &r.Totals
	t.LossNow, t.LossAfter = float64(A*t.ALE), float64(A*t.NewALE)
	t.Reduction = t.LossNow - t.LossAfter
	t.Savings = t.Reduction - t.Cost
	t.Ratio = ratio(t.Cost, t.Savings)
	return r
}

// group is a connected component of findings and the selected safeguards acting on them.
type group struct {
	findings   []int // scenario finding indices, ascending
	safeguards []int // scenario safeguard indices, ascending
}

// components joins findings on which one selected safeguard acts, and returns each finding's root
// and the group of each root.
func components(s *Scenario, sel []int) ([]int, map[int]*group) {
	parent := make([]int, len(s.Findings))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, k := range sel {
		ts := s.Safeguards[k].Targets()
		for _, t := range ts[1:] {
			a, b := find(ts[0]), find(t)
			if a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	root := make([]int, len(s.Findings))
	groups := map[int]*group{}
	for i := range s.Findings {
		root[i] = find(i)
		g := groups[root[i]]
		if g == nil {
			g = &group{}
			groups[root[i]] = g
		}
		g.findings = append(g.findings, i)
	}
	for _, k := range sel {
		g := groups[root[s.Safeguards[k].Targets()[0]]]
		g.safeguards = append(g.safeguards, k)
	}
	return root, groups
}

// sortLikeReport orders rows as section 1.3 does: cost-effective rows by increasing cost to
// savings ratio (ties by larger savings first), then rows that do not pay by larger savings first.
func sortLikeReport(rows []PointFinding) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		pa, pb := a.Savings > 0, b.Savings > 0
		if pa != pb {
			return pa
		}
		if pa && a.Ratio != nil && b.Ratio != nil && *a.Ratio != *b.Ratio {
			return *a.Ratio < *b.Ratio
		}
		return a.Savings > b.Savings
	})
}
