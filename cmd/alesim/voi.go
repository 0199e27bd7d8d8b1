package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/report"
	"github.com/alesim/alesim/sim"
)

// voiTrials is the default number of trials of a value-of-information analysis (and the most run
// --voi uses): every option's savings and every input's draw are kept per trial.
const voiTrials = 200000

// runVOI values the information about a scenario's uncertain inputs for a decision.
func runVOI(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	var format, options, out string
	var force bool
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
	fs.StringVar(&format, "format", "table", "output format: "+report.VOIFormats.Names())
	fs.StringVar(&out, "out", "", "also write voi.json, voi.csv and the ranked chart of the inputs (voi.svg, voi.png) into this directory")
	fs.BoolVar(&force, "force", false, "with --out: replace a directory that already holds results")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	w, err := report.VOIFormats.Lookup(format)
	switch {
	case err != nil:
		return usagef("voi: %v", err)
	case trials < 100:
		return usagef("voi: --trials must be at least 100 (got %d)", trials)
	case budget < 0:
		return usagef("voi: --budget must be an amount > 0 (got %g)", budget)
	case out == "" && force:
		return usagef("voi: --force goes with --out DIR")
	}
	s, err := loadScenario(path)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	// The directory is staged before any work, as run --out does: a refused one costs no run, and
	// nothing is put in place unless every file is written.
	var stage *report.Staging
	if out != "" {
		var abort func()
		if stage, abort, err = stageOut(ctx, "voi", out, force, path); err != nil {
			return err
		}
		defer abort()
	}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.Version = trials, seed, workers, Version
	o := analysis.VOIOptions{Budget: budget}
	if options != "" {
		o.Options = strings.Split(options, ",")
	}
	r, err := analysis.VOI(ctx, s, cfg, o)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return usagef("voi: %v", err)
	}
	if stage != nil {
		if err := report.WriteVOI(stage, r); err != nil {
			return err
		}
		if err := commitOut(ctx, stage); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "alesim: wrote %s (voi.json, voi.csv, voi.svg, voi.png)\n", out)
	}
	return w.Write(stdout, r)
}
