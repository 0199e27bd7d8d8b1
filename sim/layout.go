package sim

// The quantity layout: one table says, for every per-trial quantity of a compiled scenario, who
// owns it, what it measures, how its quantiles are obtained and whether and how it is exported per
// trial. A trial fills a vector of these quantities (worker.q) through the indices the table hands
// to each owner (a finding's qLoss and qALE, a variant's qSavings, ...); the moments, the sketches,
// the per-trial columns, the shard files and the analysis layer all read the same table.
//
// A new per-trial statistic is one entry in the table (an add call where its owner is compiled,
// keeping the index it returns) plus one line in the trial that fills it.

// Owner is the kind of thing a quantity belongs to.
type Owner int

// Owners of quantities.
const (
	OwnerTotal       Owner = iota // the whole scenario
	OwnerFinding                  // one quantified finding (Index: plan finding index)
	OwnerSite                     // one site (Index: site group index)
	OwnerClass                    // one threat class (Index: class group index)
	OwnerRecommended              // the recommended set simulated beside the baseline
	OwnerVariant                  // a safeguard, portfolio or extra set (Index: variant index)
	OwnerPair                     // two variants of one group (Index, Other: variant indices)
	OwnerUnit                     // a unit's ALE with a subset of its safeguards (Index: unit, Other: mask)
	OwnerInput                    // a recorded input draw (Index: input index)
	// OwnerPortfolioLoss is a named portfolio's annual loss, simulated on the baseline's events
	// when the scenario states a risk tolerance (Index: the portfolio's index in the scenario).
	OwnerPortfolioLoss
)

// Measure is what a quantity measures.
type Measure int

// Measures of quantities.
const (
	MeasureLoss      Measure = iota // the year's loss
	MeasureALE                      // ALE(theta)
	MeasureSavings                  // A x (ALE_base - ALE_with - annual cost) - one-time cost
	MeasureReduction                // A x (ALE_base - ALE_with)
	MeasureCost                     // one-time + A x annual cost
	MeasurePays                     // 1 when savings > 0, else 0
	MeasureALEWith                  // total ALE(theta) with the variant in place
	MeasureDiff                     // savings of Index minus savings of Other
	MeasureUnitALE                  // a unit's ALE(theta) with the safeguards of mask Other
	MeasureDraw                     // an input's draw
	MeasureMaxEvent                 // the year's largest single event loss (occurrence.go)
)

// Quantiles says how a quantity's quantiles are obtained.
type Quantiles int

// Ways of obtaining quantiles.
const (
	QuantilesNone     Quantiles = iota // moments only: quantiles read as the mean
	QuantilesSketch                    // a DDSketch with SketchRelativeError
	QuantilesTotals                    // every trial kept and sorted when trials fit Config.ExactLimit, else a sketch
	QuantilesConstant                  // the same in every trial
)

// Quantity is one entry of the layout.
type Quantity struct {
	Owner     Owner
	Index     int // the owner's index (see Owner)
	Other     int // a pair's second variant, a unit table's mask
	Measure   Measure
	Quantiles Quantiles
	// Column is the per-trial export column (trials.parquet, the sensitivity record), "" for
	// none; Single says it is exported in single precision (7 significant digits).
	Column string
	Single bool
}

// sketched reports whether the quantity's quantiles come from a sketch when the totals are
// exact (exactTotals) or not.
func (q Quantity) sketched(exactTotals bool) bool {
	switch q.Quantiles {
	case QuantilesSketch:
		return true
	case QuantilesTotals:
		return !exactTotals
	}
	return false
}

// layout is the table of a plan's quantities, indexed by quantity number.
type layout []Quantity

// add appends a quantity and returns its index.
func (l *layout) add(q Quantity) int {
	*l = append(*l, q)
	return len(*l) - 1
}

// sketchMask says, per quantity, whether a sketch is kept for it.
func (l layout) sketchMask(exactTotals bool) []bool {
	m := make([]bool, len(l))
	for i, q := range l {
		m[i] = q.sketched(exactTotals)
	}
	return m
}

// varying lists the quantities that are not the same in every trial (all but QuantilesConstant),
// in layout order: the ones whose moments the trial loop sums.
func (l layout) varying() []int {
	var out []int
	for i, q := range l {
		if q.Quantiles != QuantilesConstant {
			out = append(out, i)
		}
	}
	return out
}

// exactTotalQs lists the quantities whose every trial is kept when the totals are exact, in
// layout order: the total loss, the total ALE, and the recommended set's loss when simulated.
func (l layout) exactTotalQs() []int {
	var out []int
	for i, q := range l {
		if q.Quantiles == QuantilesTotals {
			out = append(out, i)
		}
	}
	return out
}

// columns lists the exported quantities' column names and indices, in layout order. The per-trial
// columns, stable and documented: annual_loss, ale, annual_loss_with (when a recommended set is
// simulated), then "loss:" + finding id for every quantified finding and "savings:" + id for every
// safeguard and named portfolio, in scenario order, then "input:" + name for every recorded input.
func (l layout) columns() ([]string, []int) {
	var names []string
	var qs []int
	for i, q := range l {
		if q.Column != "" {
			names = append(names, q.Column)
			qs = append(qs, i)
		}
	}
	return names, qs
}
