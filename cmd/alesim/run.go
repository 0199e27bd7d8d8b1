package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/alesim/alesim/analysis"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/report"
	"github.com/alesim/alesim/sim"
)

type runOptions struct {
	trials    int64
	seed      uint64
	workers   int
	format    string
	precision float64
	collapse  bool
	budget    float64
	out       string
	force     bool
	trialsOut bool
	trialsCol string
	sips      bool
	sipOf     string
	portfolio string
	quiet     bool
	shard     string
	sens      string
	voi       bool
	maxMem    string
}

func runRun(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	o := runOptions{}
	def := sim.DefaultConfig()
	fs := newFlags("run", "SCENARIO", stderr)
	fs.Int64Var(&o.trials, "trials", def.Trials, "trials (simulated years) to run; with --precision, the most to run")
	fs.Uint64Var(&o.seed, "seed", sim.DefaultSeed, "seed of every random stream; the same seed gives the same results")
	fs.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "goroutines; results do not depend on it")
	fs.StringVar(&o.format, "format", "table", "output format: "+report.RunFormats.Names())
	fs.Float64Var(&o.precision, "precision", 0, "stop when the 95% CI half-width of the mean annual loss is within this fraction of the mean (e.g. 0.01)")
	fs.BoolVar(&o.collapse, "collapse", false, "self-check: point values, expected event counts, no caps (reproduces point mode)")
	fs.Float64Var(&o.budget, "budget", 0, "find the set of safeguards with the highest expected savings whose expected cost (one-time + annuity x annual) fits this amount")
	fs.StringVar(&o.out, "out", "", "write summary.json, summary.csv, the charts (SVG and PNG) and report.html into this directory")
	fs.BoolVar(&o.force, "force", false, "with --out: replace a directory that already holds results")
	fs.BoolVar(&o.trialsOut, "trials-file", false, "with --out: also write trials.parquet, one row per trial")
	fs.StringVar(&o.trialsCol, "trials-columns", "all", "with --trials-file: the columns trials.parquet carries: totals (trial, annual_loss, ale, annual_loss_with), findings (the totals and each finding's loss_ column) or all (those and each safeguard's and portfolio's savings_ column)")
	fs.BoolVar(&o.sips, "sip", false, "with --out: also write sips.json, a SIPmath 3.0 library of the trials of the total annual loss, the ALE and each safeguard's savings (each also coded as a metalog, with the fit's error)")
	fs.StringVar(&o.sipOf, "sip-of", "", "with --sip: the per-trial columns sips.json carries instead, comma-separated, named as in trials.parquet (annual_loss, ale, annual_loss_with, loss:FINDING, savings:ID)")
	fs.StringVar(&o.portfolio, "portfolio", "", "the recommended set whose loss exceedance curve is drawn beside the baseline (default: the scenario's first portfolio)")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress display")
	fs.StringVar(&o.sens, "sensitivity", "", "also rank the inputs by how much they decide this target (ale or savings:ID) and draw the tornado chart (on min(trials, 50000) trials)")
	fs.BoolVar(&o.voi, "voi", false, "also value the information about each uncertain input for the decision among doing nothing, each safeguard, each portfolio and the --budget sets (on min(trials, 200000) trials; see alesim voi)")
	fs.StringVar(&o.maxMem, "max-memory", "", "refuse to start a run estimated to need more memory than this (e.g. 4GB; default: 90% of the memory available)")
	fs.StringVar(&o.shard, "shard", "", "run only shard K/N of the trial blocks (or env: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX) and write its accumulators to --out for alesim merge")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	out, err := report.RunFormats.Lookup(o.format)
	switch {
	case err != nil:
		return usagef("run: %v", err)
	case o.trials < 1 || o.trials > sim.MaxTrials:
		return usagef("run: --trials must be 1 to %d (got %d)", int64(sim.MaxTrials), o.trials)
	case o.workers < 1:
		return usagef("run: --workers must be at least 1 (got %d)", o.workers)
	case o.precision < 0 || o.precision >= 1:
		return usagef("run: --precision must be a fraction in (0, 1), e.g. 0.01 (got %g)", o.precision)
	case o.budget < 0:
		return usagef("run: --budget must be an amount > 0 (got %g)", o.budget)
	case o.out == "" && (o.force || o.trialsOut || o.sips || o.sipOf != ""):
		return usagef("run: --force, --trials-file, --sip and --sip-of go with --out DIR")
	case fs.Changed("trials-columns") && !o.trialsOut:
		return usagef("run: --trials-columns goes with --trials-file")
	}
	trialsCols, err := report.ParseTrialsColumns(o.trialsCol)
	if err != nil {
		return usagef("run: %v", err)
	}
	var sipOf []string
	if o.sipOf != "" {
		o.sips = true
		for _, c := range strings.Split(o.sipOf, ",") {
			if c = strings.TrimSpace(c); c != "" {
				sipOf = append(sipOf, c)
			}
		}
	}
	s, err := loadScenario(path)
	if err != nil {
		return err
	}
	if o.sens != "" {
		if err := analysis.CheckTarget(s, o.sens); err != nil {
			return usagef("run: --sensitivity: %v", err)
		}
	}
	cfg := def
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.Precision, cfg.Collapse = o.trials, o.seed, o.workers, o.precision, o.collapse
	cfg.Version = Version
	ao := analysis.Options{Budget: o.budget}
	if err := recommended(s, o.portfolio, &ao); err != nil {
		return err
	}
	if o.shard != "" {
		sh, err := parseShard(o.shard, os.Getenv)
		if err != nil {
			return usagef("run: %v", err)
		}
		est, err := sim.EstimateMemory(s, cfg, sim.Options{Recommended: ao.Recommended}, &sh)
		if err != nil {
			return err
		}
		if err := checkMemory(est, o.maxMem); err != nil {
			return err
		}
		if o.out == "" {
			return usagef("run: --shard needs --out DIR for the shard's results")
		}
		if o.trialsOut || o.sips || o.budget > 0 || o.precision > 0 {
			return usagef("run: --trials-file, --sip, --budget and --precision cannot be combined with --shard")
		}
		return runShard(ctx, stderr, s, path, cfg, ao.Recommended, sh, o.out, o.force)
	}
	ecfg := cfg
	if o.trialsOut {
		ecfg.Sink = estimateSink{} // the sink's buffers count (it is made once --out is staged)
	}
	est, err := sim.EstimateMemory(s, ecfg, sim.Options{Recommended: ao.Recommended, UnitTables: ao.Budget > 0}, nil)
	if err != nil {
		return err
	}
	if o.sips {
		est += report.SIPMemory(s, sipOf, cfg.Trials)
	}
	if err := checkMemory(est, o.maxMem); err != nil {
		return err
	}
	var stage *report.Staging
	if o.out != "" {
		var abort func()
		if stage, abort, err = stageOut(ctx, "run", o.out, o.force, path); err != nil {
			return err
		}
		defer abort() // removes the staging directory unless it was committed
	}
	var sink *report.ParquetSink
	if o.trialsOut {
		sink = report.NewTrialsSink(stage, s, cfg, trialsCols)
		cfg.Sink = sink
	}
	var sips *report.SIPSink
	if o.sips {
		sips = report.NewSIPSink(s, sipOf, cfg.Sink)
		cfg.Sink = sips
	}
	total := ao.TrialsSimulated(cfg)
	prog := startProgress(stderr, total, o.quiet)
	cfg.Progress = &prog.counter
	sum, err := analysis.Run(ctx, s, cfg, ao)
	prog.finish()
	if err != nil {
		if sink != nil {
			sink.Abort()
		}
		if errors.Is(err, report.ErrNoColumn) {
			return usagef("run: %v", err)
		}
		return err
	}
	for _, w := range sum.Warnings {
		fmt.Fprintf(stderr, "alesim: warning: %s\n", w)
	}
	if o.sens != "" || o.voi {
		relaxMemoryLimit() // the estimate is of the run; these keep trials of their own
	}
	if o.sens != "" {
		scfg := cfg
		scfg.Trials, scfg.Progress, scfg.Sink = min(cfg.Trials, analysis.SensitivityTrials), nil, nil
		if sum.Sensitivity, err = analysis.Sensitivity(ctx, s, scfg, o.sens); err != nil {
			return fmt.Errorf("run: --sensitivity: %w", err)
		}
	}
	if o.voi {
		vcfg := cfg
		vcfg.Trials, vcfg.Progress, vcfg.Sink = min(cfg.Trials, voiTrials), nil, nil
		if sum.VOI, err = analysis.VOI(ctx, s, vcfg, analysis.VOIOptions{BudgetResult: sum.Budget}); err != nil {
			return fmt.Errorf("--voi: %w", err)
		}
	}
	if stage != nil {
		if sink != nil {
			rows, err := sink.Close()
			if err != nil {
				return fmt.Errorf("writing trials.parquet: %w", err)
			}
			if rows != sum.Run.Trials {
				return fmt.Errorf("trials.parquet has %d rows, want %d", rows, sum.Run.Trials)
			}
		}
		if err := report.WriteRun(stage, sum); err != nil {
			return err
		}
		if sips != nil {
			lib, err := report.SIPLibrary(sum, s, sips, sipDate())
			if err != nil {
				return err
			}
			if err := stage.WriteFile("sips.json", func(w io.Writer) error { return report.WriteSIPs(w, lib) }); err != nil {
				return err
			}
		}
		if err := commitOut(ctx, stage); err != nil {
			return err
		}
		extra := ""
		if sink != nil {
			extra = ", trials.parquet"
		}
		if sips != nil {
			extra += ", sips.json"
		}
		fmt.Fprintf(stderr, "alesim: wrote %s (report.html, summary.json, summary.csv, results.xlsx, charts%s)\n", o.out, extra)
	}
	return out.Write(stdout, sum)
}

// recommended sets the run's recommended set: the named portfolio, else the scenario's first
// portfolio, else every safeguard not marked alternative.
func recommended(s *model.Scenario, name string, ao *analysis.Options) error {
	if name == "" && len(s.Portfolios) > 0 {
		name = s.Portfolios[0].ID
	}
	sel, err := s.Selection(name)
	if err != nil {
		return usagef("run: %v", err)
	}
	if len(sel) == 0 {
		return nil
	}
	if name == "" {
		name = "all recommended safeguards"
	}
	ao.Recommended = &sim.Set{Name: name, Members: sel}
	return nil
}

// sipDate is sips.json's dateCreated: the day of SOURCE_DATE_EPOCH when set (reproducible
// builds' convention), else today, in UTC.
func sipDate() string {
	t := time.Now()
	if e := os.Getenv("SOURCE_DATE_EPOCH"); e != "" {
		if sec, err := strconv.ParseInt(e, 10, 64); err == nil {
			t = time.Unix(sec, 0)
		}
	}
	return t.UTC().Format("2006-01-02")
}
