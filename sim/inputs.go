package sim

import (
	"fmt"

	"github.com/alesim/alesim/model"
)

// Inputs: the judgments drawn once per simulated year (theta), by the names sensitivity prints:
// each AFE (or each factor of a product, by its name or number), each shared hazard's rate, each
// safeguard's costs and effects. They can be recorded per trial (Options.RecordInputs) and held at
// a value (Options.Hold).

// input is an uncertain variable whose draws are recorded.
type input struct {
	name string
	key  string // stream key, for holding it fixed
	est  *pEst
	q    int // its quantity when recorded
}

// listInputs lists the plan's uncertain variables in scenario order, by the names model gives
// them (model.Scenario.Inputs), matched on the estimate's field path.
func (p *plan) listInputs() []input {
	names := map[string]string{}
	for _, in := range p.s.Inputs() {
		names[in.Est.Path] = in.Name
	}
	var out []input
	p.eachTheta(false, func(e *pEst) {
		if !e.konst {
			out = append(out, input{name: names[e.path], key: p.keys[e.vr], est: e})
		}
	})
	return out
}

// recordInputs lays out one quantity per input after the others, exported as "input:NAME", and
// marks each input's pEst so the worker records its draw.
func (p *plan) recordInputs() {
	p.inputs = p.listInputs()
	for i := range p.inputs {
		in := &p.inputs[i]
		in.est.in = i + 1
		in.q = p.q.add(Quantity{Owner: OwnerInput, Index: i, Measure: MeasureDraw, Column: "input:" + in.name})
	}
}

// hold makes the input of the given name a constant v (its stream stays unused).
func (p *plan) hold(name string, v float64) error {
	key := ""
	for _, in := range p.listInputs() {
		if in.name == name {
			key = in.key
		}
	}
	if key == "" {
		return fmt.Errorf("no uncertain input named %q to hold", name)
	}
	p.eachTheta(true, func(e *pEst) {
		if !e.konst && p.keys[e.vr] == key {
			e.konst, e.v = true, v
		}
	})
	for fi := range p.findings {
		p.findings[fi].setConstRate()
	}
	return nil
}

// Inputs lists the scenario's uncertain inputs (theta), in scenario order, by the names
// Options.Hold and the "input:NAME" columns use.
func Inputs(s *model.Scenario) ([]InputInfo, error) {
	p, err := compile(s, false, Options{})
	if err != nil {
		return nil, err
	}
	r := &Result{p: p}
	return r.Inputs(), nil
}

// eachTheta visits every estimate drawn once per trial (theta), in scenario order: hazards' and
// findings' AFE factors, loss parameters and per-year loss factors, safeguards' costs and effects.
// With all, it also visits the effects that take another effect's value (findings: [...]).
func (p *plan) eachTheta(all bool, visit func(e *pEst)) {
	for h := range p.hazards {
		for i := range p.hazards[h].factors {
			visit(&p.hazards[h].factors[i])
		}
	}
	for fi := range p.findings {
		f := &p.findings[fi]
		for i := range f.factors {
			visit(&f.factors[i])
		}
		for i := range f.lossParams {
			visit(&f.lossParams[i])
		}
		for i := range f.lossFactors {
			if f.perYear[i] {
				visit(&f.lossFactors[i])
			}
		}
	}
	for k := range p.safeguards {
		sg := &p.safeguards[k]
		visit(&sg.oneTime)
		visit(&sg.annual)
		for j := range sg.effects {
			if all || sg.effects[j].sameAs == 0 {
				visit(&sg.effects[j].val)
			}
		}
	}
}
