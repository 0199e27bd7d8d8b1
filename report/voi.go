package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/internal/human"
)

// WriteVOITable writes the decision, its EVPI and the inputs ranked by EVPPI.
func WriteVOITable(w io.Writer, r *analysis.VOIResult) error {
	m := func(x float64) string { return human.Money(x, 3) }
	d := r.Decision
	fmt.Fprintf(w, "Value of information (%d trials, seed %d; money in %s over the horizon):\n", r.Trials, r.Seed, r.Currency)
	fmt.Fprintf(w, "Decision among %s.\n", strings.Join(d.Options, ", "))
	for i, id := range d.Options {
		mark := ""
		if id == d.Best {
			mark = "  <- best on current estimates"
		}
		fmt.Fprintf(w, "  %-28s expected savings %s%s\n", id, m(d.ExpectedSavings[i]), mark)
	}
	fmt.Fprintf(w, "EVPI (removing all uncertainty before deciding is worth at most): %s +/- %s (1 SE)\n\n", m(r.EVPI.Value), m(r.EVPI.SE))
	fmt.Fprintf(w, "EVPPI: what knowing one input exactly before deciding is worth (bins of at least %d trials). The estimate is\n", r.TrialsPerBin)
	fmt.Fprintf(w, "biased upward by at most its bias bound and the cross-fitted lower estimate downward: the value lies between them.\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "input\tEVPPI\tlower\tSE\tbias bound\tnote\t")
	for _, in := range r.Inputs {
		note := ""
		if in.EVPPI <= in.BiasBound {
			note = "may be noise"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", in.Name, m(in.EVPPI), m(in.Lower), m(in.SE), m(in.BiasBound), note)
	}
	return tw.Flush()
}

// WriteVOICSV writes the value of information in full precision: one row per option (its expected
// savings in value, "best" in note for the best), one for the EVPI and one per input.
func WriteVOICSV(w io.Writer, r *analysis.VOIResult) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"kind", "name", "value", "se", "lower", "lower_se", "bias_bound", "bins", "note"})
	for i, id := range r.Decision.Options {
		note := ""
		if id == r.Decision.Best {
			note = "best"
		}
		cw.Write([]string{"option", id, ftoa(r.Decision.ExpectedSavings[i]), "", "", "", "", "", note})
	}
	cw.Write([]string{"evpi", "", ftoa(r.EVPI.Value), ftoa(r.EVPI.SE), "", "", "", "", ""})
	for _, in := range r.Inputs {
		cw.Write([]string{"evppi", in.Name, ftoa(in.EVPPI), ftoa(in.SE), ftoa(in.Lower), ftoa(in.LowerSE), ftoa(in.BiasBound), strconv.Itoa(in.Bins), ""})
	}
	cw.Flush()
	return cw.Error()
}
