package model

import (
	"fmt"
	"sort"
)

// Warning is something legal but suspicious in a scenario: the run goes on, and the warning is
// printed once and recorded with the results.
type Warning struct {
	File  string `json:"file"`
	Line  int    `json:"line"`
	Field string `json:"field"`
	Msg   string `json:"message"`
}

func (w Warning) String() string {
	if w.Line == 0 && w.Field == "" {
		return fmt.Sprintf("%s: warning: %s", w.File, w.Msg)
	}
	if w.Line == 0 {
		return fmt.Sprintf("%s: %s: warning: %s", w.File, w.Field, w.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: warning: %s", w.File, w.Line, w.Field, w.Msg)
}

// Warnings lists the scenario's suspicious but legal inputs, in file order:
//   - an AFE above 365 events a year (more than daily: often a probability or a count per day
//     entered as a rate);
//   - a loss per event whose point or 95th percentile exceeds the value of the asset it is charged
//     to (the cap will bind);
//   - a safeguard with no effect (every effect the identity);
//   - when portfolios exist, a quantified finding no safeguard acts on;
//   - a correlation matrix repaired to the nearest correlation matrix (repair: true);
//   - an input that takes a SIP's trials, saying how the run's trials map to the SIP's (not
//     suspicious, but the run should say so).
func (s *Scenario) Warnings() []Warning {
	var out []Warning
	add := func(pos Pos, field, format string, args ...any) {
		w := Warning{File: s.File, Line: pos.Line, Field: field, Msg: fmt.Sprintf(format, args...)}
		if s.Source != nil {
			if file, col, ok := s.Source(pos.Line, field); ok {
				w.File, w.Line, w.Field = file, 0, col
			}
		}
		out = append(out, w)
	}
	touched := map[int]bool{}
	for k := range s.Safeguards {
		sg := &s.Safeguards[k]
		none := true
		for j, e := range sg.Effects {
			touched[e.Finding] = true
			ek := effectKinds[e.Kind]
			if msg := ek.warn(e.Value); msg != "" {
				add(e.Pos, fmt.Sprintf("safeguards[%d].effects[%d].%s", k, j, ek.key), "%s", msg)
			}
			lo, hi := e.Value.Dist.Support()
			identity := lo == hi && lo == ek.neutral // never for a kind whose neutral is NaN
			none = none && identity
		}
		if sg.Insurance != nil {
			for _, fi := range sg.Insurance.Findings {
				touched[fi] = true // a policy acts on what it covers
			}
			none = false
		}
		if none {
			add(sg.Pos, fmt.Sprintf("safeguards[%d]", k), "safeguard %q has no effect (every effect leaves its finding unchanged)", sg.ID)
		}
	}
	for i := range s.Findings {
		f := &s.Findings[i]
		if f.Status != Quantified {
			continue
		}
		path := fmt.Sprintf("findings[%d]", i)
		if f.Hazard < 0 {
			if afe := f.AFE.Point(); afe > 365 {
				add(f.Pos, path+".afe", "an AFE of %g events a year is more than daily; check it is a rate per year", afe)
			}
		}
		if f.Asset >= 0 {
			v := s.Assets[f.Asset].Value
			if p95 := f.Loss.Dist.Quantile(0.95); f.Loss.Point > v || p95 > v {
				add(f.Pos, path+".loss", "loss per event (point %g, P95 %g) exceeds the value %g of asset %q it is charged to; the cap will bind", f.Loss.Point, p95, v, s.Assets[f.Asset].ID)
			}
		}
		if len(s.Portfolios) > 0 && !touched[i] {
			add(f.Pos, path, "no safeguard acts on finding %q", f.ID)
		}
	}
	out = append(out, s.correlationWarnings()...)
	for _, in := range s.SIPInputs {
		lib := s.Libraries[in.Library].File
		if in.Trials > 0 {
			add(in.Pos, in.Path, "takes SIP %q from %s in order: trial t of the run takes its trial t mod %d (a run of more trials repeats them)", in.Name, lib, in.Trials)
		} else {
			add(in.Pos, in.Path, "takes the metalog-coded SIP %q from %s: trial t of the run takes its quantile at the library's HDR_2_0 uniform for PM_Index t+1", in.Name, lib)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Line < out[b].Line })
	return out
}
