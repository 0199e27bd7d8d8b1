package dist

import (
	"fmt"
	"strings"
)

// kinds is the registry: every distribution a scenario can name with dist:, in a fixed order. The
// order is the order of every "want one of" list in the loader's messages and of the table in
// docs/scenario-format.md (a test keeps the two equal), so append a new kind at the end. Each kind
// lives in its own file beside its distribution.
var kinds = []*Kind{
	&constantKind,
	&uniformKind,
	&triangularKind,
	&pertKind,
	&lognormalKind,
	&loguniformKind,
	&betaKind,
	&truncnormalKind,
	&discreteKind,
	&exponentialKind,
	&metalogKind,
}

// Param is one parameter of a distribution kind, as a scenario writes it.
type Param struct {
	Name string // the key in a scenario, e.g. "sigma"
	List bool   // a list of numbers (discrete's values and weights) rather than one number
	// Pairs, with List, is a list of [a, b] pairs (metalog's quantiles [p, x]), held in
	// Values.Lists flattened: a1, b1, a2, b2, ...
	Pairs    bool
	Optional bool    // may be left out: a number then takes Default, a list stays absent
	Default  float64 // the value of an optional number left out
}

// Values are a distribution's parameters by name, as read from a scenario: numbers in Nums,
// lists in Lists. A parameter left out is absent from both maps.
type Values struct {
	Nums  map[string]float64
	Lists map[string][]float64
}

func (v Values) has(name string) bool {
	if _, ok := v.Nums[name]; ok {
		return true
	}
	_, ok := v.Lists[name]
	return ok
}

// Kind is one distribution kind of the registry: its name, its parameters, and how to build and
// describe it. Build is the checked way in; New and Describe see only a complete form.
type Kind struct {
	Name   string  // the dist: key in a scenario, e.g. "lognormal"
	Params []Param // every parameter, in the order messages and the docs list them
	// Forms lists alternative sets of parameters by name, the first being the default (lognormal:
	// p05 and p95, or mu and sigma). Nil means one form of all of Params.
	Forms [][]string
	// Note states the constraints on the parameters, word for word the notes column of the table
	// in docs/scenario-format.md.
	Note string
	// New builds the distribution from the parameters of one form, optional numbers filled with
	// their defaults. It validates them and returns a *ParamError rather than panicking.
	New func(v Values) (Distribution, error)
	// Describe is the short form shown beside a figure (Estimate.Spec), e.g. "beta(2, 5)".
	Describe func(v Values) string
}

// Kinds returns the registry's kinds in its fixed order.
func Kinds() []Kind {
	out := make([]Kind, len(kinds))
	for i, k := range kinds {
		out[i] = *k
	}
	return out
}

// Names returns the kinds' names in the registry's order.
func Names() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.Name
	}
	return out
}

// Lookup returns the kind named name.
func Lookup(name string) (Kind, bool) {
	for _, k := range kinds {
		if k.Name == name {
			return *k, true
		}
	}
	return Kind{}, false
}

// ParamNames returns the names of every parameter of k, in order.
func (k Kind) ParamNames() []string {
	out := make([]string, len(k.Params))
	for i, p := range k.Params {
		out[i] = p.Name
	}
	return out
}

// Form picks the form whose parameters are given, has reporting which are: the one form with a
// parameter given, or the first form when none is. When parameters of several forms are given
// it returns the message saying so instead.
func (k Kind) Form(has func(name string) bool) ([]Param, string) {
	if k.Forms == nil {
		return k.Params, ""
	}
	chosen, given := 0, 0
	for i, f := range k.Forms {
		for _, name := range f {
			if has(name) {
				chosen = i
				given++
				break
			}
		}
	}
	if given > 1 {
		alts := make([]string, len(k.Forms))
		for i, f := range k.Forms {
			alts[i] = strings.Join(f, " and ")
		}
		return nil, fmt.Sprintf("give a %s either %s, not both", k.Name, strings.Join(alts, ", or "))
	}
	return k.form(chosen), ""
}

// form returns the parameters of form i.
func (k Kind) form(i int) []Param {
	var out []Param
	for _, name := range k.Forms[i] {
		for _, p := range k.Params {
			if p.Name == name {
				out = append(out, p)
			}
		}
	}
	return out
}

// NumForms is the number of forms of k (1 when it has no alternatives).
func (k Kind) NumForms() int {
	if k.Forms == nil {
		return 1
	}
	return len(k.Forms)
}

// FormParams returns the parameters of form i, 0 <= i < NumForms().
func (k Kind) FormParams(i int) []Param {
	if k.Forms == nil {
		return k.Params
	}
	return k.form(i)
}

// Build checks that v holds exactly the parameters of one form of k, every required one given,
// fills optional numbers left out with their defaults, and builds and describes the distribution.
// A bad value gives a *ParamError; a missing, unknown or conflicting parameter a plain error.
func (k Kind) Build(v Values) (Distribution, string, error) {
	form, conflict := k.Form(v.has)
	if conflict != "" {
		return nil, "", fmt.Errorf("%s", conflict)
	}
	full := Values{Nums: map[string]float64{}, Lists: map[string][]float64{}}
	for _, p := range form {
		switch x, ok := v.Lists[p.Name]; {
		case p.List && ok:
			full.Lists[p.Name] = x
			continue
		case ok:
			return nil, "", fmt.Errorf("%s: want a number, not a list", p.Name)
		}
		switch x, ok := v.Nums[p.Name]; {
		case ok && p.List:
			return nil, "", fmt.Errorf("%s: want a list of numbers, not a number", p.Name)
		case ok:
			full.Nums[p.Name] = x
		case !p.Optional:
			return nil, "", fmt.Errorf("%s: missing (a %s takes %s)", p.Name, k.Name, strings.Join(k.ParamNames(), ", "))
		case !p.List:
			full.Nums[p.Name] = p.Default
		}
	}
	for name := range v.Nums {
		if !inForm(form, name) {
			return nil, "", fmt.Errorf("%s: not a parameter of this %s (want %s)", name, k.Name, strings.Join(k.ParamNames(), ", "))
		}
	}
	for name := range v.Lists {
		if !inForm(form, name) {
			return nil, "", fmt.Errorf("%s: not a parameter of this %s (want %s)", name, k.Name, strings.Join(k.ParamNames(), ", "))
		}
	}
	d, err := k.New(full)
	if err != nil {
		return nil, "", err
	}
	return d, k.Describe(full), nil
}

func inForm(form []Param, name string) bool {
	for _, p := range form {
		if p.Name == name {
			return true
		}
	}
	return false
}

// distribution turns a constructor's concrete result into a Distribution, nil on error.
func distribution[D Distribution](d D, err error) (Distribution, error) {
	if err != nil {
		return nil, err
	}
	return d, nil
}
