package sipmath

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/alesim/alesim/model/dist"
)

// The names the standard gives the library's type and the functions this package reads or writes.
const (
	LibraryType = "SIPmath_3_0"
	ObjectType  = "sipModel"
	FnIndex     = "Index"       // a U01 source that is the trial counter itself
	FnHDR       = "HDR_2_0"     // Hubbard's counter-based generator
	FnArray     = "SIP_Array"   // a SIP of explicit trials
	FnMetalog   = "Metalog_1_0" // a SIP coded as a metalog of a U01 source
	Counter     = "PM_Index"    // the trial counter, 1-based
)

// Library is a SIPmath 3.0 library as its JSON holds it.
type Library struct {
	Name        string `json:"name"`
	ObjectType  string `json:"objectType,omitempty"`
	LibraryType string `json:"libraryType,omitempty"`
	DateCreated string `json:"dateCreated,omitempty"`
	Provenance  string `json:"provenance,omitempty"`
	Version     string `json:"version,omitempty"`
	// Metadata is free-form (the schema allows more properties at the root); alesim puts the run's
	// provenance here.
	Metadata map[string]any `json:"metadata,omitempty"`
	U01      U01            `json:"U01"`
	SIPs     []SIP          `json:"sips"`
}

// U01 holds the library's uniform sources.
type U01 struct {
	RNG    []RNG             `json:"rng"`
	Copula []json.RawMessage `json:"copula,omitempty"`
}

// RNG is one uniform source: a function of the trial counter and its arguments.
type RNG struct {
	Name      string          `json:"name"`
	Function  string          `json:"function"`
	Arguments json.RawMessage `json:"arguments"`
}

// SIP is one SIP: its name, its uniform source, the function that turns that source into trials,
// and metadata.
type SIP struct {
	Name        string          `json:"name"`
	Ref         Ref             `json:"ref"`
	Function    string          `json:"function"`
	Environment string          `json:"environment,omitempty"`
	Arguments   json.RawMessage `json:"arguments"`
	Metadata    map[string]any  `json:"metadata,omitempty"`
}

// Ref names a SIP's uniform source: an rng, or a layer of a copula.
type Ref struct {
	Source      string `json:"source"` // "rng" or "copula"
	Name        string `json:"name"`
	CopulaLayer string `json:"copulaLayer,omitempty"`
}

// HDRArgs are the arguments of an HDR_2_0 source.
type HDRArgs struct {
	Counter string `json:"counter"`
	Entity  int64  `json:"entity"`
	VarID   int64  `json:"varId"`
	Seed3   int64  `json:"seed3"`
	Seed4   int64  `json:"seed4"`
}

type indexArgs struct {
	Counter string `json:"counter"`
}

type arrayArgs struct {
	Type  string    `json:"type"`
	Value []float64 `json:"value"`
}

type metalogArgs struct {
	LowerBound    *float64  `json:"lowerBound,omitempty"`
	UpperBound    *float64  `json:"upperBound,omitempty"`
	ACoefficients []float64 `json:"aCoefficients"`
}

// New starts a library for writing: the standard's library and object types, version "1".
func New(name, provenance, dateCreated string, meta map[string]any) *Library {
	return &Library{Name: name, ObjectType: ObjectType, LibraryType: LibraryType, DateCreated: dateCreated,
		Provenance: provenance, Version: "1", Metadata: meta, U01: U01{RNG: []RNG{}}, SIPs: []SIP{}}
}

func raw(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only the package's own argument types are marshalled here
	}
	return b
}

// AddIndex adds an Index source: trial PM_Index itself, the source of SIP_Array SIPs.
func (l *Library) AddIndex(name string) {
	l.U01.RNG = append(l.U01.RNG, RNG{Name: name, Function: FnIndex, Arguments: raw(indexArgs{Counter})})
}

// AddHDR adds an HDR_2_0 source with the given seeds (counter PM_Index, seed3 and seed4 0).
func (l *Library) AddHDR(name string, entity, varID int64) {
	l.U01.RNG = append(l.U01.RNG, RNG{Name: name, Function: FnHDR, Arguments: raw(HDRArgs{Counter: Counter, Entity: entity, VarID: varID})})
}

// AddArray adds a SIP_Array SIP of the given trials, drawn in order from the Index source rng.
// Every value must be finite (JSON has no infinities).
func (l *Library) AddArray(name, rng string, values []float64, meta map[string]any) error {
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("SIP %q: trial %d is %v, which JSON cannot carry", name, i, v)
		}
	}
	if values == nil {
		values = []float64{}
	}
	l.SIPs = append(l.SIPs, SIP{Name: name, Ref: Ref{Source: "rng", Name: rng}, Function: FnArray,
		Arguments: raw(arrayArgs{Type: "array", Value: values}), Metadata: meta})
	return nil
}

// AddMetalog adds a Metalog_1_0 SIP: the metalog d of the uniform source rng.
func (l *Library) AddMetalog(name, rng string, d dist.Metalog, meta map[string]any) {
	a := metalogArgs{ACoefficients: d.A}
	if lo, hi := d.Support(); !math.IsInf(lo, -1) || !math.IsInf(hi, 1) {
		if !math.IsInf(lo, -1) {
			a.LowerBound = &lo
		}
		if !math.IsInf(hi, 1) {
			a.UpperBound = &hi
		}
	}
	l.SIPs = append(l.SIPs, SIP{Name: name, Ref: Ref{Source: "rng", Name: rng}, Function: FnMetalog,
		Arguments: raw(a), Metadata: meta})
}

// WriteJSON writes the library as one line of JSON and a newline.
func (l *Library) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Read checks data against the rules of Check and decodes it.
func Read(data []byte) (*Library, error) {
	if errs := Check(data); len(errs) > 0 {
		msgs := make([]string, 0, 4)
		for i, e := range errs {
			if i == 3 {
				msgs = append(msgs, fmt.Sprintf("and %d more", len(errs)-3))
				break
			}
			msgs = append(msgs, e.Error())
		}
		return nil, fmt.Errorf("not a SIPmath 3.0 library: %s", strings.Join(msgs, "; "))
	}
	var l Library
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("not a SIPmath 3.0 library: %w", err)
	}
	return &l, nil
}

// rng returns the uniform source named name.
func (l *Library) rng(name string) (*RNG, bool) {
	for i := range l.U01.RNG {
		if l.U01.RNG[i].Name == name {
			return &l.U01.RNG[i], true
		}
	}
	return nil, false
}

// Find returns the SIP named name: the one with no environment (a SIP may be given again for a
// particular tool, "environment": "ExcelFrontline"), else the only one of that name.
func (l *Library) Find(name string) (*SIP, error) {
	var found []*SIP
	for i := range l.SIPs {
		if l.SIPs[i].Name == name {
			found = append(found, &l.SIPs[i])
		}
	}
	for _, s := range found {
		if s.Environment == "" {
			return s, nil
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	if len(found) > 1 {
		return nil, fmt.Errorf("library %q has %d SIPs named %q, each for an environment; none is general", l.Name, len(found), name)
	}
	names := make([]string, 0, len(l.SIPs))
	for _, s := range l.SIPs {
		names = append(names, fmt.Sprintf("%q", s.Name))
	}
	if len(names) > 12 {
		names = append(names[:12], "...")
	}
	return nil, fmt.Errorf("library %q has no SIP named %q (it has %s)", l.Name, name, strings.Join(names, ", "))
}

// ErrUnsupported marks a SIP this package reads but cannot turn into trials.
var ErrUnsupported = errors.New("not supported")

// Trials returns the SIP named name as a trial-indexed distribution: a SIP_Array's trials (trial
// t of a run takes trial t modulo their number), or a Metalog_1_0 of an HDR_2_0 source (trial t
// takes Q(HDR(PM_Index = t + 1)), with no end). The metalog must be a distribution with a finite
// mean and variance.
func (l *Library) Trials(name string) (dist.SIP, error) {
	s, err := l.Find(name)
	if err != nil {
		return dist.SIP{}, err
	}
	if s.Ref.Source != "rng" {
		return dist.SIP{}, fmt.Errorf("SIP %q draws from a %s (%q): %w; only SIPs of an rng are", name, s.Ref.Source, s.Ref.Name, ErrUnsupported)
	}
	r, ok := l.rng(s.Ref.Name)
	if !ok {
		return dist.SIP{}, fmt.Errorf("SIP %q names the rng %q, which U01 does not list", name, s.Ref.Name)
	}
	switch s.Function {
	case FnArray:
		var kind struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(s.Arguments, &kind); err != nil {
			return dist.SIP{}, fmt.Errorf("SIP %q: arguments: %w", name, err)
		}
		if kind.Type != "array" {
			return dist.SIP{}, fmt.Errorf("SIP %q keeps its trials in a %s file: %w; only trials in the library (type \"array\") are", name, kind.Type, ErrUnsupported)
		}
		var a arrayArgs
		if err := json.Unmarshal(s.Arguments, &a); err != nil {
			return dist.SIP{}, fmt.Errorf("SIP %q: arguments: %w", name, err)
		}
		if r.Function != FnIndex {
			return dist.SIP{}, fmt.Errorf("SIP %q: a SIP_Array must take its trials from an Index rng, not %s", name, r.Function)
		}
		d, err := dist.NewSIP(a.Value)
		if err != nil {
			return dist.SIP{}, fmt.Errorf("SIP %q: %w", name, err)
		}
		return d, nil
	case FnMetalog:
		var a metalogArgs
		if err := json.Unmarshal(s.Arguments, &a); err != nil {
			return dist.SIP{}, fmt.Errorf("SIP %q: arguments: %w", name, err)
		}
		lo, hi := math.Inf(-1), math.Inf(1)
		if a.LowerBound != nil {
			lo = *a.LowerBound
		}
		if a.UpperBound != nil {
			hi = *a.UpperBound
		}
		d, err := dist.NewMetalog(a.ACoefficients, lo, hi)
		if err != nil {
			return dist.SIP{}, fmt.Errorf("SIP %q: its metalog %w", name, err)
		}
		if math.IsInf(d.Variance(), 1) {
			return dist.SIP{}, fmt.Errorf("SIP %q: its metalog's tail is too heavy for a variance, which the simulation's confidence intervals need", name)
		}
		if r.Function != FnHDR {
			return dist.SIP{}, fmt.Errorf("SIP %q draws from a %s rng: %w; only HDR_2_0 generators are", name, r.Function, ErrUnsupported)
		}
		var h HDRArgs
		if err := json.Unmarshal(r.Arguments, &h); err != nil {
			return dist.SIP{}, fmt.Errorf("rng %q: arguments must give integer entity, varId, seed3 and seed4 (%v)", r.Name, err)
		}
		return dist.NewCodedSIP(d, func(t int64) float64 { return HDR(t+1, h.VarID, h.Entity, h.Seed3, h.Seed4) }), nil
	}
	return dist.SIP{}, fmt.Errorf("SIP %q is a %s: %w; SIP_Array and Metalog_1_0 are", name, s.Function, ErrUnsupported)
}

// HDR is the HDR_2_0 generator's uniform for trial pmIndex (1-based) of the variable varID of
// entity, with the optional seeds seed3 and seed4 (Hubbard 2019):
//
//	s1 = 2499997 pm + 1800451 var + 2000371 entity + 1796777 seed3 + 2299603 seed4
//	s2 = 2246527 pm + 2399993 var + 2100869 entity + 1918303 seed3 + 1624729 seed4
//	A  = ((10^15 - 11) mod ((s1 mod 7450589) 4658 + 7450581)) 383 mod 99991
//	B  = ((10^15 - 11) mod ((s2 mod 7450987) 7580 + 7560584)) 17669 mod 7440893
//	U  = (((7440893 A + B) 1343 mod 2^32) + 1/2) / 2^32
//
// Integer arithmetic throughout: for seeds below 10^8 (the standard's range) every intermediate
// stays below 2^63.
func HDR(pmIndex, varID, entity, seed3, seed4 int64) float64 {
	const big = 999999999999989 // 10^15 - 11
	s1 := pmIndex*2499997 + varID*1800451 + entity*2000371 + seed3*1796777 + seed4*2299603
	s2 := pmIndex*2246527 + varID*2399993 + entity*2100869 + seed3*1918303 + seed4*1624729
	a := big % (mod(s1, 7450589)*4658 + 7450581) * 383 % 99991
	b := big % (mod(s2, 7450987)*7580 + 7560584) * 17669 % 7440893
	r := (a*7440893 + b) * 1343 % 4294967296
	return (float64(r) + 0.5) / 4294967296
}

// mod is x mod m for m > 0, in [0, m) even for negative x (as Excel's MOD and Python's %).
func mod(x, m int64) int64 {
	r := x % m
	if r < 0 {
		r += m
	}
	return r
}

// isNumber reports whether a decoded JSON value is a number.
func isNumber(v any) bool { _, ok := v.(float64); return ok }

func isInteger(v any) bool {
	f, ok := v.(float64)
	return ok && f == math.Trunc(f) && !math.IsInf(f, 0)
}

// Check returns every way data breaks the SIPmath 3.0 rules, as the standard's JSON Schema
// (PySIPmath tests/multi-lib-schema-2021-08-19.json) states them, plus the references its parts
// make to each other:
//
//   - the library is an object with a string name; dateCreated, version and provenance, when
//     present, are strings;
//   - globalVariables, when present, is an array of objects with a name and a value;
//   - U01 is an object whose rng is an array of objects, each with a string name and function and
//     an object of arguments; an HDR_2_0 source's counter is a string and its entity, varId, seed3
//     and seed4 integers (or, as the standard's example allows for seed3, a parameter object);
//     copula, when present, is an array of objects with a string name and function and an object of
//     arguments, and a GaussianCopula's arguments name a correlationMatrix and an rng list;
//   - sips is an array of objects, each with a string name, a ref object with string source and
//     name, a string function and an object of arguments; Metalog_1_0 arguments hold aCoefficients,
//     an array of numbers, and numeric lowerBound and upperBound when present; SIP_Array arguments
//     hold a string type, and a value array of numbers when the type is "array" (a string url
//     otherwise); metadata, when present, is an object;
//   - references hold: an rng and a copula's names are unique, a SIP's ref names an rng (source
//     "rng") or a copula (source "copula", with a copulaLayer that copula lists), and no two SIPs
//     share a name and environment.
func Check(data []byte) []error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var root any
	if err := dec.Decode(&root); err != nil {
		return []error{fmt.Errorf("not JSON: %w", err)}
	}
	if dec.More() {
		return []error{errors.New("more than one JSON value")}
	}
	lib, ok := root.(map[string]any)
	if !ok {
		return []error{errors.New("the library must be a JSON object")}
	}
	str := func(m map[string]any, path, key string, required bool) (string, bool) {
		v, ok := m[key]
		if !ok {
			if required {
				bad(path, "missing %q", key)
			}
			return "", false
		}
		s, ok := v.(string)
		if !ok {
			bad(path+"."+key, "must be a string")
		}
		return s, ok
	}
	obj := func(m map[string]any, path, key string, required bool) (map[string]any, bool) {
		v, ok := m[key]
		if !ok {
			if required {
				bad(path, "missing %q", key)
			}
			return nil, false
		}
		o, ok := v.(map[string]any)
		if !ok {
			bad(path+"."+key, "must be an object")
		}
		return o, ok
	}
	arr := func(m map[string]any, path, key string, required bool) ([]any, bool) {
		v, ok := m[key]
		if !ok {
			if required {
				bad(path, "missing %q", key)
			}
			return nil, false
		}
		a, ok := v.([]any)
		if !ok {
			bad(path+"."+key, "must be an array")
		}
		return a, ok
	}
	numbers := func(m map[string]any, path, key string) {
		if a, ok := arr(m, path, key, true); ok {
			for i, x := range a {
				if !isNumber(x) {
					bad(fmt.Sprintf("%s.%s[%d]", path, key, i), "must be a number")
				}
			}
		}
	}
	str(lib, "library", "name", true)
	for _, k := range []string{"dateCreated", "version", "provenance"} {
		str(lib, "library", k, false)
	}
	if gv, ok := arr(lib, "library", "globalVariables", false); ok {
		for i, g := range gv {
			p := fmt.Sprintf("globalVariables[%d]", i)
			if m, ok := g.(map[string]any); !ok {
				bad(p, "must be an object")
			} else {
				str(m, p, "name", true)
				if _, ok := m["value"]; !ok {
					bad(p, "missing \"value\"")
				}
			}
		}
	}
	rngs := map[string]bool{}
	layers := map[string]map[string]bool{}
	if u, ok := obj(lib, "library", "U01", false); ok {
		if rs, ok := arr(u, "U01", "rng", true); ok {
			for i, r := range rs {
				p := fmt.Sprintf("U01.rng[%d]", i)
				m, ok := r.(map[string]any)
				if !ok {
					bad(p, "must be an object")
					continue
				}
				name, _ := str(m, p, "name", true)
				if rngs[name] {
					bad(p+".name", "%q names another rng already", name)
				}
				rngs[name] = true
				fn, _ := str(m, p, "function", true)
				args, ok := obj(m, p, "arguments", true)
				if ok && fn == FnHDR {
					str(args, p+".arguments", "counter", false)
					for _, k := range []string{"entity", "varId", "seed3", "seed4"} {
						v, ok := args[k]
						if _, param := v.(map[string]any); ok && !isInteger(v) && !param {
							bad(p+".arguments."+k, "must be an integer")
						}
					}
				}
			}
		}
		if cs, ok := arr(u, "U01", "copula", false); ok {
			for i, c := range cs {
				p := fmt.Sprintf("U01.copula[%d]", i)
				m, ok := c.(map[string]any)
				if !ok {
					bad(p, "must be an object")
					continue
				}
				name, _ := str(m, p, "name", true)
				if layers[name] != nil {
					bad(p+".name", "%q names another copula already", name)
				}
				layers[name] = map[string]bool{}
				fn, _ := str(m, p, "function", true)
				args, ok := obj(m, p, "arguments", true)
				if ok && fn == "GaussianCopula" {
					obj(args, p+".arguments", "correlationMatrix", true)
					arr(args, p+".arguments", "rng", true)
				}
				if ls, ok := arr(m, p, "copulaLayer", false); ok {
					for _, l := range ls {
						if s, ok := l.(string); ok {
							layers[name][s] = true
						}
					}
				}
			}
		}
	}
	sips, _ := arr(lib, "library", "sips", false)
	type key struct{ name, env string }
	seen := map[key]bool{}
	for i, s := range sips {
		p := fmt.Sprintf("sips[%d]", i)
		m, ok := s.(map[string]any)
		if !ok {
			bad(p, "must be an object")
			continue
		}
		name, _ := str(m, p, "name", true)
		env, _ := str(m, p, "environment", false)
		if seen[key{name, env}] {
			bad(p+".name", "%q names another SIP of the same environment already", name)
		}
		seen[key{name, env}] = true
		if ref, ok := obj(m, p, "ref", true); ok {
			src, ok1 := str(ref, p+".ref", "source", true)
			rn, ok2 := str(ref, p+".ref", "name", true)
			switch {
			case !ok1 || !ok2:
			case src == "rng" && !rngs[rn]:
				bad(p+".ref.name", "names the rng %q, which U01.rng does not list", rn)
			case src == "copula" && layers[rn] == nil:
				bad(p+".ref.name", "names the copula %q, which U01.copula does not list", rn)
			case src == "copula":
				if l, ok := str(ref, p+".ref", "copulaLayer", true); ok && !layers[rn][l] {
					bad(p+".ref.copulaLayer", "%q is not a layer of copula %q", l, rn)
				}
			case src != "rng" && src != "copula":
				bad(p+".ref.source", "must be \"rng\" or \"copula\" (got %q)", src)
			}
		}
		fn, _ := str(m, p, "function", true)
		args, ok := obj(m, p, "arguments", true)
		if ok {
			ap := p + ".arguments"
			switch fn {
			case FnMetalog:
				numbers(args, ap, "aCoefficients")
				for _, k := range []string{"lowerBound", "upperBound"} {
					if v, ok := args[k]; ok && !isNumber(v) {
						bad(ap+"."+k, "must be a number")
					}
				}
			case FnArray:
				if t, ok := str(args, ap, "type", true); ok {
					if t == "array" {
						numbers(args, ap, "value")
					} else {
						str(args, ap, "url", true)
					}
				}
			}
		}
		obj(m, p, "metadata", false)
	}
	return errs
}
