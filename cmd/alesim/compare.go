package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"text/tabwriter"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/internal/human"
	"github.com/alesim/alesim/sim"
	"github.com/alesim/alesim/sim/output"
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
	fs.StringVar(&o.format, "format", "table", "output format: table or json")
	fs.StringVar(&o.out, "out", "", "also write compare.json and report.html (the comparison's section) into this directory")
	fs.BoolVar(&o.force, "force", false, "with --out: replace a directory that already holds results")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress display")
	if err := fs.Parse(args); err != nil {
		return parseError(fs, err)
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return usagef("compare: want two saved runs (--out directories) or two scenario files, before and after (got %d arguments)", fs.NArg())
	}
	switch {
	case o.format != "table" && o.format != "json":
		return usagef("compare: --format must be table or json (got %q)", o.format)
	case o.trials < 1:
		return usagef("compare: --trials must be at least 1 (got %d)", o.trials)
	case o.workers < 1:
		return usagef("compare: --workers must be at least 1 (got %d)", o.workers)
	}
	a, b := fs.Arg(0), fs.Arg(1)
	da, db := isDir(a), isDir(b)
	var cmp *analysis.Comparison
	var after *analysis.Summary
	switch {
	case da && db:
		sa, err := output.ReadSummary(filepath.Join(a, "summary.json"))
		if err != nil {
			return fmt.Errorf("reading the saved run %s: %w", a, err)
		}
		sb, err := output.ReadSummary(filepath.Join(b, "summary.json"))
		if err != nil {
			return fmt.Errorf("reading the saved run %s: %w", b, err)
		}
		cmp, after = analysis.CompareSummaries(sa, sb), sb
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
		cmp, _, after, err = analysis.CompareScenarios(ctx, s1, s2, cfg)
		if err != nil {
			return err
		}
	default:
		return usagef("compare: give two saved runs (directories) or two scenario files, not one of each")
	}
	if o.out != "" {
		if err := writeCompareDir(o.out, o.force, cmp, after); err != nil {
			return err
		}
	}
	if o.format == "json" {
		return writeJSON(stdout, cmp)
	}
	return writeCompareTable(stdout, cmp)
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func writeCompareDir(dir string, force bool, cmp *analysis.Comparison, after *analysis.Summary) error {
	stage, err := output.Stage(dir, force)
	if err != nil {
		return err
	}
	defer stage.Abort()
	if err := stage.WriteFile("compare.json", func(w io.Writer) error { return writeJSON(w, cmp) }); err != nil {
		return err
	}
	if err := stage.WriteFile("compare.txt", func(w io.Writer) error { return writeCompareTable(w, cmp) }); err != nil {
		return err
	}
	return stage.Commit()
}

// writeCompareTable prints the comparison for people: each figure before, after, the change and
// its interval, and whether the change is settled (its interval excludes zero).
func writeCompareTable(w io.Writer, c *analysis.Comparison) error {
	cur := c.Currency
	money := func(x float64) string { return human.Currency(x, cur) }
	fmt.Fprintf(w, "before: %s (sha256 %.12s, seed %d, %d trials)\n", c.Before.Name, c.Before.SHA256, c.Before.Seed, c.Before.Trials)
	fmt.Fprintf(w, "after:  %s (sha256 %.12s, seed %d, %d trials)\n", c.After.Name, c.After.SHA256, c.After.Seed, c.After.Trials)
	fmt.Fprintln(w, c.Method)
	for _, x := range c.Warnings {
		fmt.Fprintf(w, "warning: %s\n", x)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "figure\tbefore\tafter\tchange\t95% CI of change\t\t")
	change := func(ch analysis.Change) (string, string, string) {
		if !ch.Changed {
			return "0", "", "unchanged"
		}
		st := "not settled"
		if ch.Settled {
			st = "settled"
		}
		return money(ch.Mean), fmt.Sprintf("[%s, %s]", money(ch.CI95[0]), money(ch.CI95[1])), st
	}
	row := func(name string, b, a float64, ch analysis.Change) {
		d, ci, st := change(ch)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", name, money(b), money(a), d, ci, st)
	}
	row("ALE mean", c.ALE.Before, c.ALE.After, c.ALE.Change)
	row("annual loss mean", c.AnnualLoss.Before, c.AnnualLoss.After, c.AnnualLoss.Change)
	for _, q := range c.AnnualLoss.Quantiles {
		st := "unchanged"
		if q.Change != 0 {
			st = "(no interval)"
		}
		fmt.Fprintf(tw, "annual loss P%g\t%s\t%s\t%s\t\t%s\t\n", 100*q.P, money(q.Before), money(q.After), money(q.Change), st)
	}
	items := func(title string, xs []analysis.ItemCompared) {
		if len(xs) == 0 {
			return
		}
		fmt.Fprintf(tw, "%s: savings, P(pays)\t\t\t\t\t\t\n", title)
		for _, it := range xs {
			if it.Only != "" {
				fmt.Fprintf(tw, "%s\t%s\t%s\t\t\tonly %s\t\n", it.ID, opt(it.Before, money), opt(it.After, money), it.Only)
				continue
			}
			row(it.ID, *it.Before, *it.After, *it.Change)
			if *it.PPositiveBefore != *it.PPositiveAfter {
				fmt.Fprintf(tw, "  P(pays)\t%.3g\t%.3g\t%+.3g\t\t\t\n", *it.PPositiveBefore, *it.PPositiveAfter, *it.PPositiveAfter-*it.PPositiveBefore)
			}
		}
	}
	items("safeguards", c.Safeguards)
	items("portfolios", c.Portfolios)
	if err := tw.Flush(); err != nil {
		return err
	}
	n := len(c.Changed)
	fmt.Fprintf(w, "%d figure(s) changed", n)
	if n > 0 {
		fmt.Fprintf(w, ": %v", c.Changed)
	}
	fmt.Fprintln(w)
	return nil
}

func opt(x *float64, f func(float64) string) string {
	if x == nil {
		return "-"
	}
	return f(*x)
}
