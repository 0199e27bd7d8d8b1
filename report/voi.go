package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/internal/human"
)

// WriteVOITable writes the decision, its EVPI and the inputs ranked by EVPPI, in at most 120
// columns: options and inputs named for people (titles; trimmed to fit), ids in a column of their
// own, money with the currency's symbol.
func WriteVOITable(w io.Writer, r *analysis.VOIResult) error {
	m := func(x float64) string { return human.CurrencyN(x, r.Currency, 3) }
	d := r.Decision
	fmt.Fprintf(w, "Value of information (%s trials, seed %d; money in %s over the horizon):\n", human.Int(r.Trials), r.Seed, currencyName(r.Currency))
	fmt.Fprintf(w, "%s\n", wrap("Decision among "+strings.Join(d.Options, ", ")+".", TermWidth, "\n  "))
	opts := newTextTable(0, 20, false, false, true, false)
	for i, id := range d.Options {
		mark := ""
		if id == d.Best {
			mark = "<- best on current estimates"
		}
		title := nameOr(r.Titles[id], id)
		if title == id {
			id = ""
		}
		opts.row("  "+title, id, "expected savings "+m(d.ExpectedSavings[i]), mark)
	}
	if err := opts.write(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "EVPI (removing all uncertainty before deciding is worth at most): %s +/- %s (1 SE)\n\n", m(r.EVPI.Value), m(r.EVPI.SE))
	fmt.Fprintf(w, "EVPPI: what knowing one input exactly before deciding is worth (bins of at least %s trials). The estimate is\n", human.Int(int64(r.TrialsPerBin)))
	fmt.Fprintf(w, "biased upward by at most its bias bound and the cross-fitted lower estimate downward: the value lies between them.\n")
	t := newTextTable(1, 20, false, false, true, true, true, true, false)
	t.row("input", "id", "EVPPI", "lower", "SE", "bias bound", "note")
	for _, in := range r.Inputs {
		note := ""
		if in.EVPPI <= in.BiasBound {
			note = "may be noise"
		}
		t.row(analysis.InputLabel(r.Titles, in.Name), in.Name, m(in.EVPPI), m(in.Lower), m(in.SE), m(in.BiasBound), note)
	}
	return t.write(w)
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
