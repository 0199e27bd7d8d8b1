package model

import "math"

// EffectKind is what a safeguard changes on a finding.
type EffectKind int

const (
	ALEReduction    EffectKind = iota // ALE falls by the fraction Value
	FrequencyFactor                   // AFE multiplied by Value
	LossFactor                        // each event's loss multiplied by Value
	NewAFE                            // AFE replaced by Value
	NewLoss                           // loss per event replaced by Value (scaled: see Effect)
)

// String is the kind's key in a scenario, e.g. "frequency_factor".
func (k EffectKind) String() string { return effectKinds[k].key }

// Effect is one safeguard's change to one finding.
type Effect struct {
	Finding   int // index into Findings
	Kind      EffectKind
	Value     Estimate
	OnLoss    bool // for ALEReduction: applied to the loss instead of the frequency
	Pos       Pos
	FindingID string
	// SameAs is 0, or 1 + the index in the safeguard's effects of the first effect listed with this
	// one under findings: [...]: one uncertain value, drawn once per trial for all of them.
	// GroupIDs, on that first effect, lists the group's finding ids (nil when alone).
	SameAs   int
	GroupIDs []string
}

// effectKind is one kind of safeguard effect: its key in a scenario, how its value is checked, and
// how it adjusts a finding's frequency and loss. effectKinds holds them all, indexed by
// EffectKind; the loader, Adjust, the bound check and the warnings read it, and a test keeps the
// table of effects in docs/scenario-format.md equal to it. A new kind is a constant above and an
// entry below.
type effectKind struct {
	key string // the key in a scenario's effect, e.g. "new_afe"
	// validate checks the value read for the key at n (path ends in the key).
	validate func(d *decoder, v Estimate, n *node, path string)
	// appliesTo says the effect takes applies_to: frequency (the default) or loss.
	appliesTo bool
	// ownFrequency says the effect needs the finding's own AFE, not a shared hazard's.
	ownFrequency bool
	// add folds a value of the effect into an Adjust (onLoss from applies_to). It takes and
	// returns the Adjust by value: a pointer passed to a function value escapes, and the trial
	// loop would then allocate an Adjust on every evaluation.
	add func(a Adjust, onLoss bool, v float64) Adjust
	// raise folds the effect's highest plausible value v into the reach of a finding's AFE and
	// loss per event, and says which of the two it can raise; nil when it can raise neither.
	raise func(r *reach, v float64) (afe, loss bool)
	// neutral is the value that leaves a finding unchanged (NaN: every value changes it).
	neutral float64
	// warn returns a warning about a legal but suspicious value, or "".
	warn func(v Estimate) string
}

// reach is how high a finding's AFE (afe * fac) and loss per event (loss * lfac) can go with
// every effect on it in place (see checkAdjusted).
type reach struct{ afe, fac, loss, lfac float64 }

func noWarning(Estimate) string { return "" }

func nonNegativeValue(d *decoder, v Estimate, n *node, path string) { d.nonNegative(v, n, path) }

var effectKinds = [...]effectKind{
	ALEReduction: {
		key: "ale_reduction",
		validate: func(d *decoder, v Estimate, n *node, path string) {
			d.within(v, n, path, 0, 1, "a reduction fraction")
		},
		appliesTo: true,
		add: func(a Adjust, onLoss bool, v float64) Adjust {
			if onLoss {
				a.lossFactor *= 1 - v
			} else {
				a.freqFactor *= 1 - v
			}
			return a
		},
		neutral: 0,
		warn:    noWarning,
	},
	FrequencyFactor: {
		key:      "frequency_factor",
		validate: nonNegativeValue,
		add:      func(a Adjust, _ bool, v float64) Adjust { a.freqFactor *= v; return a },
		raise:    func(r *reach, v float64) (bool, bool) { r.fac *= max(v, 1); return true, false },
		neutral:  1,
		// A factor above 1 adds events wherever events are re-simulated (sim/events.go), so it
		// needs no warning.
		warn: noWarning,
	},
	LossFactor: {
		key:      "loss_factor",
		validate: nonNegativeValue,
		add:      func(a Adjust, _ bool, v float64) Adjust { a.lossFactor *= v; return a },
		raise:    func(r *reach, v float64) (bool, bool) { r.lfac *= max(v, 1); return false, true },
		neutral:  1,
		warn:     noWarning,
	},
	NewAFE: {
		key:          "new_afe",
		validate:     nonNegativeValue,
		ownFrequency: true,
		add: func(a Adjust, _ bool, v float64) Adjust {
			if math.IsNaN(a.newAFE) || v < a.newAFE {
				a.newAFE = v
			}
			return a
		},
		raise:   func(r *reach, v float64) (bool, bool) { r.afe = max(r.afe, v); return true, false },
		neutral: math.NaN(),
		warn:    noWarning,
	},
	NewLoss: {
		key:      "new_loss",
		validate: nonNegativeValue,
		add: func(a Adjust, _ bool, v float64) Adjust {
			if math.IsNaN(a.newLoss) || v < a.newLoss {
				a.newLoss = v
			}
			return a
		},
		raise:   func(r *reach, v float64) (bool, bool) { r.loss = max(r.loss, v); return false, true },
		neutral: math.NaN(),
		warn:    noWarning,
	},
}

// effectKeys lists the effect kinds' keys in the table's order.
func effectKeys() []string {
	out := make([]string, len(effectKinds))
	for i, k := range effectKinds {
		out[i] = k.key
	}
	return out
}

// Adjust is the combined effect of a set of safeguards on one finding. Replacement values (new AFE,
// new loss) apply first, the lowest winning when several replace the same value; factors then
// multiply, so effects combine multiplicatively and a portfolio never double-counts.
type Adjust struct {
	newAFE, newLoss        float64 // NaN when nothing replaces the value
	freqFactor, lossFactor float64
}

// NoAdjust is the identity: no safeguard in place.
func NoAdjust() Adjust {
	return Adjust{newAFE: math.NaN(), newLoss: math.NaN(), freqFactor: 1, lossFactor: 1}
}

// Add folds in one effect with value v (an ALE reduction fraction, a factor, or a new value), as
// its kind in the effect-kind table says.
func (a *Adjust) Add(kind EffectKind, onLoss bool, v float64) {
	*a = effectKinds[kind].add(*a, onLoss, v)
}

// AFE returns the adjusted frequency given the base frequency.
func (a Adjust) AFE(base float64) float64 {
	if !math.IsNaN(a.newAFE) {
		base = a.newAFE
	}
	return base * a.freqFactor
}

// LossScale returns the factor by which each event's loss is multiplied, given the base mean
// loss: a replacement loss L' acts as the factor L'/mean, so per-event variability is kept.
func (a Adjust) LossScale(baseMean float64) float64 {
	f := a.lossFactor
	if !math.IsNaN(a.newLoss) {
		if baseMean > 0 {
			f *= a.newLoss / baseMean
		} else {
			f = 0
		}
	}
	return f
}

// Loss returns the adjusted loss per event given the base loss (for point arithmetic).
func (a Adjust) Loss(base float64) float64 {
	if !math.IsNaN(a.newLoss) {
		base = a.newLoss
	}
	return base * a.lossFactor
}
