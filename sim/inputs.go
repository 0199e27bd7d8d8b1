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
	add := func(e *pEst) {
		if !e.konst {
			out = append(out, input{name: names[e.path], key: p.keys[e.vr], est: e})
		}
	}
	for h := range p.hazards {
		for i := range p.hazards[h].factors {
			add(&p.hazards[h].factors[i])
		}
	}
	for fi := range p.findings {
		f := &p.findings[fi]
		for i := range f.factors {
			add(&f.factors[i])
		}
		for i := range f.lossParams {
			add(&f.lossParams[i])
		}
		for i := range f.lossFactors {
			if f.perYear[i] {
				add(&f.lossFactors[i])
			}
		}
	}
	for k := range p.safeguards {
		sg := &p.safeguards[k]
		add(&sg.oneTime)
		add(&sg.annual)
		for j := range sg.effects {
			if sg.effects[j].sameAs == 0 {
				add(&sg.effects[j].val)
			}
		}
	}
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
	set := func(e *pEst) {
		if !e.konst && p.keys[e.vr] == key {
			e.konst, e.v = true, v
		}
	}
	for h := range p.hazards {
		for i := range p.hazards[h].factors {
			set(&p.hazards[h].factors[i])
		}
	}
	for fi := range p.findings {
		f := &p.findings[fi]
		for i := range f.factors {
			set(&f.factors[i])
		}
		for i := range f.lossParams {
			set(&f.lossParams[i])
		}
		for i := range f.lossFactors {
			if f.perYear[i] {
				set(&f.lossFactors[i])
			}
		}
		f.setConstRate()
	}
	for k := range p.safeguards {
		sg := &p.safeguards[k]
		set(&sg.oneTime)
		set(&sg.annual)
		for j := range sg.effects {
			set(&sg.effects[j].val)
		}
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
