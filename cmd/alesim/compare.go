package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/report"
	"github.com/alesim/alesim/sim"
)

type compareOptions struct {
	trials  int64
	seed    uint64
	workers int
	format  string
	out     string
	force   bool
	quiet   bool
}

// DefaultCompareTrials is compare's default: both runs' per-trial values are kept, so fewer
// trials than run's million.
const DefaultCompareTrials = 200_000

// runCompare compares two saved runs (--out directories) or two scenarios: before A, after B.
func runCompare(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	var o compareOptions
	fs := newFlags("compare", "A B", stderr)
	fs.Int64Var(&o.trials, "trials", DefaultCompareTrials, "trials of each scenario's run (both runs' per-trial values are kept in memory)")
	fs.Uint64Var(&o.seed, "seed", sim.DefaultSeed, "seed of both runs: the same numbers for every variable the scenarios share")
	fs.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "goroutines; results do not depend on it")
	fs.StringVar(&o.format, "format", "table", "output format: "+report.CompareFormats.Names())
	fs.StringVar(&o.out, "out", "", "also write compare.json, compare.txt and report.html (the comparison's section) into this directory")
	fs.BoolVar(&o.force, "force", false, "with --out: replace a directory that already holds results")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress display")
	if err := fs.Parse(args); err != nil {
		return parseError(fs, err)
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return usagef("compare: want two saved runs (--out directories) or two scenario files, before and after (got %d arguments)", fs.NArg())
	}
	wr, err := report.CompareFormats.Lookup(o.format)
	if err != nil {
		return usagef("compare: %v", err)
	}
	switch {
	case o.trials < 1:
		return usagef("compare: --trials must be at least 1 (got %d)", o.trials)
	case o.workers < 1:
		return usagef("compare: --workers must be at least 1 (got %d)", o.workers)
	}
	a, b := fs.Arg(0), fs.Arg(1)
	da, db := isDir(a), isDir(b)
	var cmp *analysis.Comparison
	switch {
	case da && db:
		sa, err := report.ReadSummary(filepath.Join(a, "summary.json"))
		if err != nil {
			return fmt.Errorf("reading the saved run %s: %w", a, err)
		}
		sb, err := report.ReadSummary(filepath.Join(b, "summary.json"))
		if err != nil {
			return fmt.Errorf("reading the saved run %s: %w", b, err)
		}
		cmp = analysis.CompareSummaries(sa, sb)
	case !da && !db:
		s1, err := loadScenario(a)
		if err != nil {
			return err
		}
		s2, err := loadScenario(b)
		if err != nil {
			return err
		}
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Seed, cfg.Workers, cfg.Version = o.trials, o.seed, o.workers, Version
		cmp, _, _, err = analysis.CompareScenarios(ctx, s1, s2, cfg)
		if err != nil {
			return err
		}
	default:
		return usagef("compare: give two saved runs (directories) or two scenario files, not one of each")
	}
	if o.out != "" {
		if err := writeCompareDir(o.out, o.force, cmp); err != nil {
			return err
		}
	}
	return wr.Write(stdout, cmp)
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func writeCompareDir(dir string, force bool, cmp *analysis.Comparison) error {
	stage, err := report.Stage(dir, force)
	if err != nil {
		return err
	}
	defer stage.Abort()
	if err := stage.WriteFile("compare.json", func(w io.Writer) error { return report.WriteJSON(w, cmp) }); err != nil {
		return err
	}
	if err := stage.WriteFile("compare.txt", func(w io.Writer) error { return report.WriteCompareText(w, cmp) }); err != nil {
		return err
	}
	if err := stage.WriteFile("report.html", func(w io.Writer) error { return report.WriteCompareHTML(w, cmp) }); err != nil {
		return err
	}
	return stage.Commit()
}
