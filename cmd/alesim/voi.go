package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/internal/human"
	"github.com/alesim/alesim/sim"
)

// voiTrials is the default number of trials of a value-of-information analysis (and the most run
// --voi uses): every option's savings and every input's draw are kept per trial.
const voiTrials = 200000

// runVOI values the information about a scenario's uncertain inputs for a decision.
func runVOI(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	var format, options string
	var trials int64
	var seed uint64
	var workers int
	var budget float64
	fs := newFlags("voi", "SCENARIO", stderr)
	fs.StringVar(&options, "options", "", "the decision's options, comma-separated safeguard and portfolio ids (\"none\", doing nothing, is always one); default: every safeguard and portfolio")
	fs.Float64Var(&budget, "budget", 0, "also weigh the best set within this budget and its runners-up (see run --budget)")
	fs.Int64Var(&trials, "trials", voiTrials, "trials (every option's savings and every input's draw are kept: 8 bytes each a trial)")
	fs.Uint64Var(&seed, "seed", sim.DefaultSeed, "seed of every random stream")
	fs.IntVar(&workers, "workers", runtime.GOMAXPROCS(0), "goroutines; results do not depend on it")
	fs.StringVar(&format, "format", "table", "output format: table or json")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case format != "table" && format != "json":
		return usagef("voi: --format must be table or json (got %q)", format)
	case trials < 100:
		return usagef("voi: --trials must be at least 100 (got %d)", trials)
	case budget < 0:
		return usagef("voi: --budget must be an amount > 0 (got %g)", budget)
	}
	s, err := loadScenario(path)
	if err != nil {
		return err
	}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.Version = trials, seed, workers, Version
	o := analysis.VOIOptions{Budget: budget}
	if options != "" {
		o.Options = strings.Split(options, ",")
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	r, err := analysis.VOI(ctx, s, cfg, o)
	if err != nil {
		return usagef("voi: %v", err)
	}
	if format == "json" {
		return writeJSON(stdout, r)
	}
	return writeVOITable(stdout, r)
}

// writeVOITable prints the decision, its EVPI and the inputs ranked by EVPPI.
func writeVOITable(w io.Writer, r *analysis.VOIResult) error {
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
