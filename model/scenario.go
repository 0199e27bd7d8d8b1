package model

import (
	"math"
	"slices"

	"github.com/alesim/alesim/model/dist"
)

// Scenario is a validated risk scenario: what can be lost, how often, and what safeguards change.
// Slices keep the file's order; cross references are resolved to indices.
type Scenario struct {
	File        string // path as given to Load
	SHA256      string // hex digest of the file's bytes
	Name        string // scenario.name
	Description string // scenario.description
	Currency    string // scenario.currency, an upper-case ISO 4217 code, default USD
	// PointLabel names the point figures (the arithmetic on single values) wherever a person reads
	// them: scenario.point_label, default "point estimate".
	PointLabel    string
	HorizonYears  int     // scenario.horizon_years; 0 when only annuity_factor is given
	DiscountRate  float64 // scenario.discount_rate, a fraction > -1
	AnnuityFactor float64 // A: stated, or (1 - (1+r)^-H)/r, or H when r = 0

	// Source, when not nil, says where a line of the scenario's YAML came from when that YAML was
	// written from another file (a register's sheet and cell, e.g. "register.xlsx:Risks!D7"), and
	// what the field at that line is called there. Warnings name that place instead of the line.
	Source func(line int, field string) (file, name string, ok bool) `json:"-"`

	Sites      []Site
	Assets     []Asset
	Classes    []Class
	Hazards    []Hazard
	Findings   []Finding
	Safeguards []Safeguard
	Portfolios []Portfolio
	// Correlations are the groups of inputs drawn together (correlations.go).
	Correlations []Correlation
	// Tolerance is the risk tolerance curve (top-level tolerance:), losses increasing and
	// probabilities not increasing; empty when the scenario states none.
	Tolerance []TolerancePoint

	// Libraries are the SIPmath libraries the scenario's SIP inputs come from, in the order first
	// named; SIPInputs are those inputs.
	Libraries []Library
	SIPInputs []SIPInput
}

// Library is a SIPmath library a scenario reads, with what identifies it (its bytes' digest and the
// provenance it states), for the run's provenance.
type Library struct {
	File        string `json:"file"` // as the scenario names it
	SHA256      string `json:"sha256"`
	Name        string `json:"name"`
	Provenance  string `json:"provenance,omitempty"`
	Version     string `json:"version,omitempty"`
	DateCreated string `json:"date_created,omitempty"`
}

// SIPInput is an input that takes a SIP's trials: trial t of the run takes the SIP's trial t
// modulo Trials (or, for a metalog-coded SIP, Trials 0, its quantile at HDR_2_0(t + 1)).
type SIPInput struct {
	Path    string // field path, e.g. "findings[0].afe"
	Pos     Pos
	Library int    // index into Scenario.Libraries
	Name    string // the SIP's name in the library
	Trials  int
}

// Pos is a position in the scenario file (1-based line and column).
type Pos struct{ Line, Col int }

// Site is a place where findings occur.
type Site struct {
	ID, Name string
	Pos      Pos
}

// Asset is something of bounded value: losses charged to it are capped at Value within a year.
type Asset struct {
	ID, Name string
	Site     int     // index into Scenario.Sites
	Value    float64 // in the scenario's currency, > 0
	Pos      Pos
}

// Class is a threat class with the published AFE range analysts pick from.
type Class struct {
	ID, Name string
	AFERange []float64 // [low, high] events a year, or nil when the source states none
	Pos      Pos
}

// Hazard is an event shared by several findings (one earthquake felt at two sites).
type Hazard struct {
	ID, Title string
	AFE       Frequency
	Events    EventModel
	Pos       Pos
}

// Status says how a finding was analysed.
type Status int

const (
	Quantified    Status = iota // has a frequency and a loss
	Covered                     // analysed under other findings (covered_by)
	NotQuantified               // kept for traceability, no figures
)

func (s Status) String() string {
	return [...]string{"quantified", "covered_by", "not_quantified"}[s]
}

// EventModel is how event counts are drawn from the annual frequency.
type EventModel int

const (
	Poisson   EventModel = iota // N ~ Poisson(AFE)
	Bernoulli                   // at most once a year, P(N=1) = AFE
)

func (e EventModel) String() string { return [...]string{"poisson", "bernoulli"}[e] }

// Finding is a threat at a site, the unit of the 1983 analysis.
type Finding struct {
	ID, Title string
	Status    Status
	Site      int // index into Sites, -1 if none
	Class     int // index into Classes, -1 if none
	Asset     int // index into Assets, -1 if none
	Hazard    int // index into Hazards, -1 unless the finding uses a shared hazard
	AFE       Frequency
	Events    EventModel
	Loss      Estimate // loss per event (with LossModel: at the parameters' point values)
	// LossModel, when not nil, says the loss has uncertain parameters or is a product of factors.
	LossModel     *LossModel
	CoveredBy     []string
	NotQuantified string
	Note          string
	Pos           Pos
}

// Frequency is an annual frequency estimate: the product of one or more factors (a frequency
// times conditional probabilities).
type Frequency struct {
	Factors []Factor
}

// Factor is one named term of a product of estimates.
type Factor struct {
	Name string // optional; used to name the input in sensitivity output
	Estimate
}

// Point is the product of the factors' point values.
func (f Frequency) Point() float64 {
	p := 1.0
	for _, x := range f.Factors {
		p *= x.Point
	}
	return p
}

// Estimate is an uncertain input: a distribution plus the point value the 1983 arithmetic uses.
type Estimate struct {
	Dist  dist.Distribution
	Point float64
	Spec  string // human-readable form, e.g. "loguniform(min=1, max=50)"
	Path  string // field path in the file, e.g. "findings[3].afe"
	Pos   Pos
}

// Certain reports whether the estimate has no spread.
func (e Estimate) Certain() bool {
	lo, hi := e.Dist.Support()
	return lo == hi
}

// Const returns a certain estimate of x.
func Const(x float64) Estimate {
	return Estimate{Dist: dist.Constant{V: x}, Point: x, Spec: dist.FormatFloat(x)}
}

// Safeguard is a control with costs and effects on one or more findings, or an insurance policy
// (Insurance not nil: no effects; its annual cost is the premium).
type Safeguard struct {
	ID, Title   string
	OneTimeCost Estimate
	AnnualCost  Estimate // for a policy, its premium
	Alternative bool     // analysed but not recommended; point mode leaves it out by default
	Effects     []Effect
	Insurance   *Insurance
	Note        string
	Pos         Pos
}

// Insurance is a policy's terms. For each event (a shared hazard's event at several covered
// findings is one event) it pays min(max(x - Deductible, 0), Limit) of the event's loss x at the
// covered findings (after the controls in place, and after asset caps), and in a year at most
// AggregateLimit in all.
type Insurance struct {
	Deductible     float64 // per event, >= 0; default 0
	Limit          float64 // the most paid for one event, > 0; +Inf when unlimited (the default)
	AggregateLimit float64 // the most paid in a year, > 0; +Inf when unlimited (the default)
	Findings       []int   // indices into Findings, quantified, each covered by at most one policy
	Pos            Pos
}

// PerEvent is what the policy pays for one event of loss x: min(max(x - d, 0), limit).
func (p *Insurance) PerEvent(x float64) float64 {
	return math.Min(math.Max(x-p.Deductible, 0), p.Limit)
}

// Kind is "insurance" for a policy and "control" for any other safeguard.
func (sg *Safeguard) Kind() string {
	if sg.Insurance != nil {
		return "insurance"
	}
	return "control"
}

// Targets lists the findings a safeguard acts on: its effects' findings, or a policy's covered
// findings, each once, in order.
func (sg *Safeguard) Targets() []int {
	if sg.Insurance != nil {
		return sg.Insurance.Findings
	}
	var out []int
	for _, e := range sg.Effects {
		if !slices.Contains(out, e.Finding) {
			out = append(out, e.Finding)
		}
	}
	return out
}

// Portfolio is a named set of safeguards evaluated together.
type Portfolio struct {
	ID, Title  string
	Safeguards []int // indices into Safeguards
	Pos        Pos
}

// Annuity returns the present value of 1 a year for h years at rate r: (1 - (1+r)^-h) / r, and h
// when r is 0.
func Annuity(h int, r float64) float64 {
	if r == 0 {
		return float64(h)
	}
	return -math.Expm1(-float64(h)*math.Log1p(r)) / r
}

// FindingIndex returns the index of the finding with the given id, or -1.
func (s *Scenario) FindingIndex(id string) int {
	for i := range s.Findings {
		if s.Findings[i].ID == id {
			return i
		}
	}
	return -1
}

// SafeguardIndex returns the index of the safeguard with the given id, or -1.
func (s *Scenario) SafeguardIndex(id string) int {
	for i := range s.Safeguards {
		if s.Safeguards[i].ID == id {
			return i
		}
	}
	return -1
}

// PortfolioIndex returns the index of the portfolio with the given id, or -1.
func (s *Scenario) PortfolioIndex(id string) int {
	for i := range s.Portfolios {
		if s.Portfolios[i].ID == id {
			return i
		}
	}
	return -1
}

// FrequencyOf returns the frequency that drives a finding: its own, or its shared hazard's.
func (s *Scenario) FrequencyOf(f *Finding) Frequency {
	if f.Hazard >= 0 {
		return s.Hazards[f.Hazard].AFE
	}
	return f.AFE
}

// EventsOf returns the event model of a finding (its hazard's, when it has one).
func (s *Scenario) EventsOf(f *Finding) EventModel {
	if f.Hazard >= 0 {
		return s.Hazards[f.Hazard].Events
	}
	return f.Events
}
