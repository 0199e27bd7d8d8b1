package main

import (
	"context"
	"fmt"
	"github.com/alesim/alesim/analysis"
	"io"
	"runtime"

	"github.com/alesim/alesim/report"
	"github.com/alesim/alesim/sim"
)

// runSensitivity ranks a scenario's uncertain inputs by how much of a target they decide.
func runSensitivity(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	var target, format, out string
	var trials int64
	var seed uint64
	var workers int
	var force, list bool
	fs := newFlags("sensitivity", "SCENARIO", stderr)
	fs.StringVar(&target, "target", "ale", "what to explain: ale (the total expected annual loss) or savings:ID (a safeguard's or portfolio's savings)")
	fs.Int64Var(&trials, "trials", 50000, "trials in the set every input's effect is measured on (each input is re-run twice on the same trials)")
	fs.Uint64Var(&seed, "seed", sim.DefaultSeed, "seed of every random stream")
	fs.IntVar(&workers, "workers", runtime.GOMAXPROCS(0), "goroutines; results do not depend on it")
	fs.StringVar(&format, "format", "table", "output format: "+report.SensitivityFormats.Names())
	fs.StringVar(&out, "out", "", "also write sensitivity.json and the tornado chart (SVG and PNG) into this directory")
	fs.BoolVar(&force, "force", false, "with --out: replace a directory that already holds files")
	fs.BoolVar(&list, "list", false, "print the names of the uncertain inputs, one a line (as correlations name them), and run nothing")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	w, err := report.SensitivityFormats.Lookup(format)
	if err != nil {
		return usagef("sensitivity: %v", err)
	}
	if trials < 100 {
		return usagef("sensitivity: --trials must be at least 100 (got %d)", trials)
	}
	s, err := loadScenario(path)
	if err != nil {
		return err
	}
	if list {
		for _, name := range s.InputNames() {
			fmt.Fprintln(stdout, name)
		}
		return nil
	}
	if err := analysis.CheckTarget(s, target); err != nil {
		return usagef("sensitivity: %v", err)
	}
	var stage *report.Staging
	if out != "" {
		var abort func()
		if stage, abort, err = stageOut(ctx, "sensitivity", out, force, path); err != nil {
			return err
		}
		defer abort()
	}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.Version = trials, seed, workers, Version
	r, err := analysis.Sensitivity(ctx, s, cfg, target)
	if err != nil {
		return fmt.Errorf("sensitivity: %w", err)
	}
	if stage != nil {
		if err := report.WriteSensitivity(stage, r); err != nil {
			return err
		}
		if err := commitOut(ctx, stage); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "alesim: wrote %s (sensitivity.json, tornado.svg, tornado.png)\n", out)
	}
	return w.Write(stdout, r)
}
