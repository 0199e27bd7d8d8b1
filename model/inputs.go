package model

import (
	"fmt"
	"strings"
)

// Input is an uncertain estimate drawn once per simulated year (theta), by the name sensitivity
// prints and a correlations section uses: "3.3-1.afe" (the AFE of a finding, or of a shared
// hazard), "2.2-1.afe.theft" or "2.2-1.afe.1" (a factor of a product, by its name or position),
// "R1.loss.p95" (an uncertain parameter of a loss distribution), "R2.loss.cost_per_record" (a
// loss factor drawn once a year), "rec-3.one_time_cost", "rec-3.annual_cost", "rec-3.effect.2.2-1"
// (a safeguard's effect on a finding), "S1.effect" (an effect on several findings, findings: [...],
// one value for all; "S1.effect.R1+R2" when the safeguard has several such). Certain estimates are
// not inputs.
type Input struct {
	Name string
	Est  *Estimate
}

// Inputs lists the scenario's uncertain inputs in scenario order: hazards, quantified findings,
// then safeguards.
func (s *Scenario) Inputs() []Input { return s.inputs(false) }

// inputs lists the inputs as Inputs does, with certain estimates too when certain is set (so that
// a correlation naming one can be told it is not uncertain).
func (s *Scenario) inputs(certain bool) []Input {
	var out []Input
	add := func(name string, e *Estimate) {
		if e.Dist != nil && (certain || !e.Certain()) {
			out = append(out, Input{Name: name, Est: e})
		}
	}
	factors := func(prefix string, fs []Factor) {
		for i := range fs {
			switch {
			case len(fs) == 1:
				add(prefix+".afe", &fs[i].Estimate)
			case fs[i].Name != "":
				add(fmt.Sprintf("%s.afe.%s", prefix, fs[i].Name), &fs[i].Estimate)
			default:
				add(fmt.Sprintf("%s.afe.%d", prefix, i), &fs[i].Estimate)
			}
		}
	}
	for h := range s.Hazards {
		factors(s.Hazards[h].ID, s.Hazards[h].AFE.Factors)
	}
	for i := range s.Findings {
		f := &s.Findings[i]
		if f.Status != Quantified {
			continue
		}
		if f.Hazard < 0 {
			factors(f.ID, f.AFE.Factors)
		}
		if lm := f.LossModel; lm != nil {
			for j := range lm.Params {
				add(f.ID+".loss."+lm.Params[j].Name, &lm.Params[j].Estimate)
			}
			for j := range lm.Factors {
				if lm.Factors[j].PerYear {
					add(f.ID+".loss."+lm.Factors[j].Name, &lm.Factors[j].Estimate)
				}
			}
		}
	}
	for k := range s.Safeguards {
		sg := &s.Safeguards[k]
		add(sg.ID+".one_time_cost", &sg.OneTimeCost)
		add(sg.ID+".annual_cost", &sg.AnnualCost)
		groups := 0
		for j := range sg.Effects {
			if sg.Effects[j].GroupIDs != nil {
				groups++
			}
		}
		for j := range sg.Effects {
			e := &sg.Effects[j]
			switch {
			case e.SameAs > 0:
				// drawn with the first effect of its group
			case e.GroupIDs != nil && groups == 1:
				add(sg.ID+".effect", &e.Value)
			case e.GroupIDs != nil:
				add(sg.ID+".effect."+strings.Join(e.GroupIDs, "+"), &e.Value)
			default:
				add(fmt.Sprintf("%s.effect.%s", sg.ID, s.Findings[e.Finding].ID), &e.Value)
			}
		}
	}
	return out
}

// InputNames lists the names of the scenario's uncertain inputs, in the order of Inputs.
func (s *Scenario) InputNames() []string {
	ins := s.Inputs()
	out := make([]string, len(ins))
	for i, in := range ins {
		out[i] = in.Name
	}
	return out
}
