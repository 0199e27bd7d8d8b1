package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/alesim/alesim/internal/human"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/report"
	"github.com/alesim/alesim/report/charts"
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
	portfolio string
	quiet     bool
	shard     string
	sens      string
	maxMem    string
}

func runRun(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	o := runOptions{}
	def := sim.DefaultConfig()
	fs := newFlags("run", "SCENARIO", stderr)
	fs.Int64Var(&o.trials, "trials", def.Trials, "trials (simulated years) to run; with --precision, the most to run")
	fs.Uint64Var(&o.seed, "seed", sim.DefaultSeed, "seed of every random stream; the same seed gives the same results")
	fs.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "goroutines; results do not depend on it")
	fs.StringVar(&o.format, "format", "table", "output format: table or json")
	fs.Float64Var(&o.precision, "precision", 0, "stop when the 95% CI half-width of the mean annual loss is within this fraction of the mean (e.g. 0.01)")
	fs.BoolVar(&o.collapse, "collapse", false, "self-check: point values, expected event counts, no caps (reproduces point mode)")
	fs.Float64Var(&o.budget, "budget", 0, "find the set of safeguards with the highest expected savings whose expected cost (one-time + annuity x annual) fits this amount")
	fs.StringVar(&o.out, "out", "", "write summary.json, summary.csv, the charts (SVG and PNG) and report.html into this directory")
	fs.BoolVar(&o.force, "force", false, "with --out: replace a directory that already holds results")
	fs.BoolVar(&o.trialsOut, "trials-file", false, "with --out: also write trials.parquet, one row per trial")
	fs.StringVar(&o.portfolio, "portfolio", "", "the recommended set whose loss exceedance curve is drawn beside the baseline (default: the scenario's first portfolio)")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress display")
	fs.StringVar(&o.sens, "sensitivity", "", "also rank the inputs by how much they decide this target (ale or savings:ID) and draw the tornado chart (on min(trials, 50000) trials)")
	fs.StringVar(&o.maxMem, "max-memory", "", "refuse to start a run estimated to need more memory than this (e.g. 4GB; default: 90% of the memory available)")
	fs.StringVar(&o.shard, "shard", "", "run only shard K/N of the trial blocks (or env: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX) and write its accumulators to --out for alesim merge")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case o.format != "table" && o.format != "json":
		return usagef("run: --format must be table or json (got %q)", o.format)
	case o.trials < 1:
		return usagef("run: --trials must be at least 1 (got %d)", o.trials)
	case o.workers < 1:
		return usagef("run: --workers must be at least 1 (got %d)", o.workers)
	case o.precision < 0 || o.precision >= 1:
		return usagef("run: --precision must be a fraction in (0, 1), e.g. 0.01 (got %g)", o.precision)
	case o.budget < 0:
		return usagef("run: --budget must be an amount > 0 (got %g)", o.budget)
	case o.out == "" && (o.force || o.trialsOut):
		return usagef("run: --force and --trials-file go with --out DIR")
	}
	s, err := loadScenario(path)
	if err != nil {
		return err
	}
	cfg := def
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.Precision, cfg.Collapse = o.trials, o.seed, o.workers, o.precision, o.collapse
	cfg.Budget = o.budget
	cfg.Version = Version
	if err := recommended(s, o.portfolio, &cfg); err != nil {
		return err
	}
	if o.shard != "" {
		sh, err := parseShard(o.shard, os.Getenv)
		if err != nil {
			return usagef("run: %v", err)
		}
		est, err := sim.EstimateMemory(s, cfg, &sh)
		if err != nil {
			return err
		}
		if err := checkMemory(est, o.maxMem); err != nil {
			return err
		}
		if o.out == "" {
			return usagef("run: --shard needs --out DIR for the shard's results")
		}
		if o.trialsOut || o.budget > 0 || o.precision > 0 {
			return usagef("run: --trials-file, --budget and --precision cannot be combined with --shard")
		}
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
		return runShard(ctx, stderr, s, path, cfg, sh, o.out, o.force)
	}
	est, err := sim.EstimateMemory(s, cfg, nil)
	if err != nil {
		return err
	}
	if o.trialsOut {
		est += 64 << 20 // the Parquet writer's buffers
	}
	if err := checkMemory(est, o.maxMem); err != nil {
		return err
	}
	var stage *report.Staging
	if o.out != "" {
		if stage, err = report.Stage(o.out, o.force); err != nil {
			return usagef("run: %v", err)
		}
		defer stage.Abort() // removes the staging directory unless it was committed
	}
	var sink *report.ParquetSink
	if o.trialsOut {
		sink = report.NewParquetSink(stage.Path("trials.parquet"), map[string]string{
			"seed": fmt.Sprint(cfg.Seed), "scenario_sha256": s.SHA256, "trials": fmt.Sprint(cfg.Trials),
			"version": Version, "block_size": fmt.Sprint(sim.BlockSize)})
		cfg.Sink = sink
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	total := cfg.Trials
	if cfg.Budget > 0 {
		total *= 2 // the budget search takes two passes
	}
	prog := startProgress(stderr, total, o.quiet)
	cfg.Progress = &prog.counter
	sum, err := sim.Run(ctx, s, cfg)
	prog.finish()
	if err != nil {
		if sink != nil {
			sink.Abort()
		}
		return err
	}
	for _, w := range sum.Warnings {
		fmt.Fprintf(stderr, "alesim: warning: %s\n", w)
	}
	if o.sens != "" {
		scfg := cfg
		scfg.Trials, scfg.Progress, scfg.Sink = min(cfg.Trials, 50000), nil, nil
		if sum.Sensitivity, err = sim.Sensitivity(ctx, s, scfg, o.sens); err != nil {
			return usagef("run: --sensitivity: %v", err)
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
		if err := writeResults(stage, sum); err != nil {
			return err
		}
		if err := stage.Commit(); err != nil {
			return err
		}
		extra := ""
		if sink != nil {
			extra = ", trials.parquet"
		}
		fmt.Fprintf(stderr, "alesim: wrote %s (report.html, summary.json, summary.csv, charts%s)\n", o.out, extra)
	}
	if o.format == "json" {
		return writeJSON(stdout, sum)
	}
	return writeRunTable(stdout, sum)
}

// recommended sets the run's recommended set: the named portfolio, else the scenario's first
// portfolio, else every safeguard not marked alternative.
func recommended(s *model.Scenario, name string, cfg *sim.Config) error {
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
	cfg.Recommended, cfg.RecommendedName = sel, name
	return nil
}

// writeResults writes every file of a run's output directory into the staging area.
func writeResults(stage *report.Staging, sum *sim.Summary) error {
	if err := stage.WriteFile("summary.json", func(w io.Writer) error { return report.WriteJSON(w, sum) }); err != nil {
		return err
	}
	if err := stage.WriteFile("summary.csv", func(w io.Writer) error { return report.WriteCSV(w, sum) }); err != nil {
		return err
	}
	charts := charts.All(sum)
	for _, c := range charts {
		for _, ext := range []string{".svg", ".png"} {
			if err := c.Save(stage.Path(c.Name + ext)); err != nil {
				return fmt.Errorf("chart %s: %w", c.Name+ext, err)
			}
		}
	}
	return stage.WriteFile("report.html", func(w io.Writer) error { return report.WriteHTML(w, sum, charts) })
}

func writeRunTable(w io.Writer, s *sim.Summary) error {
	m2 := func(x float64) string { return human.Money(x, 2) }
	m3 := func(x float64) string { return human.Money(x, 3) }
	ci := func(c [2]float64) string { return "[" + m3(c[0]) + ", " + m3(c[1]) + "]" }
	fmt.Fprintf(w, "%s: %d trials, seed %d, %d workers, %.1f s\n", s.Scenario.Name, s.Run.Trials, s.Run.Seed, s.Run.Workers, s.Run.WallSeconds)
	if s.Run.Precision > 0 {
		fmt.Fprintf(w, "(--precision %g: stopped after %d trials)\n", s.Run.Precision, s.Run.Trials)
	}
	fmt.Fprintf(w, "Money in %s; \"point\" is the 1983 arithmetic on point values, the rest the simulation.\n\n", s.Scenario.Currency)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tpoint\tmean\t95% CI of mean\tP5\tP50\tP95\t")
	a := s.ALE
	fmt.Fprintf(tw, "ALE (expected annual loss)\t%s\t%s\t%s\t%s\t%s\t%s\t\n", m2(a.Point), m3(a.Mean), ci(a.CI95), m2(a.P05), m2(a.P50), m2(a.P95))
	tw.Flush()
	l := s.AnnualLoss
	fmt.Fprintf(w, "\nAnnual loss (what a simulated year costs): mean %s %s\n", m3(l.Mean), ci(l.CI95))
	fmt.Fprintf(w, "  P50 %s  P90 %s  P95 %s  P99 %s   VaR95 %s  TVaR95 %s   VaR99 %s  TVaR99 %s   P(no loss) %s\n",
		m2(l.P50), m2(l.P90), m2(l.P95), m2(l.P99), m2(l.VaR95), m2(l.TVaR95), m2(l.VaR99), m2(l.TVaR99), human.Sig(l.PZero, 2))
	fmt.Fprintf(w, "\nBy finding (ALE: point, then simulated mean and P5-P95; annual loss P95 and P99):\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "finding\tsite\tpoint ALE\tALE mean\tALE P5-P95\tloss P95\tloss P99\tnote\t")
	for _, f := range s.Findings {
		note := ""
		switch f.ALEMethod {
		case "closed_form_capped":
			note = "capped at " + f.Asset + " value"
		case "estimate":
			note = "capped, ALE estimated"
		}
		if f.PointALE > 0 && (f.ALE.Mean > 2*f.PointALE || f.ALE.Mean < f.PointALE/2) {
			if note != "" {
				note += "; "
			}
			note += fmt.Sprintf("x%s of point", human.Sig(f.ALE.Mean/f.PointALE, 2))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s-%s\t%s\t%s\t%s\t\n", f.ID, f.Site, m2(f.PointALE), m3(f.ALE.Mean),
			m2(f.ALE.P05), m2(f.ALE.P95), m2(f.AnnualLoss.P95), m2(f.AnnualLoss.P99), note)
	}
	tw.Flush()
	for _, g := range []struct {
		title string
		rows  []sim.GroupStats
	}{{"site", s.Sites}, {"threat class", s.Classes}} {
		if len(g.rows) == 0 {
			continue
		}
		fmt.Fprintf(w, "\nBy %s:\n", g.title)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\tpoint ALE\tALE mean\tALE P5-P95\tloss P95\tloss P99\t\n", g.title)
		for _, r := range g.rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s-%s\t%s\t%s\t\n", r.ID, m2(r.PointALE), m3(r.ALE.Mean), m2(r.ALE.P05), m2(r.ALE.P95),
				m2(r.AnnualLoss.P95), m2(r.AnnualLoss.P99))
		}
		tw.Flush()
	}
	writeSafeguardTable(w, s)
	if len(s.Warnings) > 0 {
		fmt.Fprintf(w, "\nWarnings:\n  %s\n", strings.Join(s.Warnings, "\n  "))
	}
	fmt.Fprintf(w, "\nQuantiles of the totals: %s; per-finding, site and class quantiles within %.1f%% (sketch).\n",
		s.Run.TotalsQuantiles, 100*s.Run.SketchRelativeError)
	return nil
}

// writeSafeguardTable lays out the 1983 summary table's columns (reduction, cost, savings, cost to
// savings ratio over the horizon) with the point figure, the simulated mean, its interval and the
// probability of paying off beside each, ranked by mean savings.
func writeSafeguardTable(w io.Writer, s *sim.Summary) {
	m2 := func(x float64) string { return human.Money(x, 2) }
	ratio := func(r *float64) string {
		if r == nil {
			return "never"
		}
		return human.Sig(*r, 2)
	}
	sorted := func(rows []sim.SafeguardStats) []sim.SafeguardStats {
		out := append([]sim.SafeguardStats(nil), rows...)
		sort.SliceStable(out, func(i, j int) bool { return out[i].Rank < out[j].Rank })
		return out
	}
	groups := []struct {
		title string
		rows  []sim.SafeguardStats
	}{{"Safeguards", s.Safeguards}, {"Portfolios", s.Portfolios}}
	for _, g := range groups {
		if len(g.rows) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s, ranked by mean savings over %d years (point = the 1983 arithmetic; savings P5-P95 across trials;\n", g.title, s.Scenario.HorizonYears)
		fmt.Fprintf(w, "P(pays) = probability that savings > 0; ratio = cost / savings, \"never\" where it does not pay back):\n")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "rank\tsafeguard\tfindings\tpoint reduction\tpoint cost\tpoint savings\tpoint ratio\tmean savings\t95% CI\tsavings P5-P95\tP(pays)\tratio P5-P95\tvs next\t")
		for _, r := range sorted(g.rows) {
			next := ""
			if r.VsNext != nil && !r.VsNext.Settled {
				next = "not settled vs " + r.VsNext.Next
			}
			findings := strings.Join(r.Findings, " ")
			if len(r.Members) > 0 {
				findings = fmt.Sprintf("%d safeguards", len(r.Members))
			}
			alt := ""
			if r.Alternative {
				alt = " (alt.)"
			}
			fmt.Fprintf(tw, "%d\t%s%s\t%s\t%s\t%s\t%s\t%s\t%s\t[%s, %s]\t%s to %s\t%s\t%s-%s\t%s\t\n",
				r.Rank, r.ID, alt, short(findings, 24), m2(r.PointReduction), m2(r.PointCost), m2(r.PointSavings), ratio(r.PointRatio),
				human.Money(r.Savings.Mean, 3), human.Money(r.Savings.CI95[0], 3), human.Money(r.Savings.CI95[1], 3),
				m2(r.Savings.P05), m2(r.Savings.P95), human.Sig(r.PPositive, 2), ratio(r.Ratio.P05), ratio(r.Ratio.P95), next)
		}
		tw.Flush()
	}
	if b := s.Budget; b != nil {
		fmt.Fprintf(w, "\nBest set within a budget of %s (expected one-time + %s x annual cost; %s search over %d candidates):\n",
			m2(b.Amount), human.Sig(s.Scenario.AnnuityFactor, 3), b.Method, b.Candidates)
		sets := append([]sim.BudgetSet{b.Best}, b.RunnersUp...)
		for i, set := range sets {
			label := "best"
			if i > 0 {
				label = fmt.Sprintf("runner-up %d", i)
			}
			members := strings.Join(set.Members, ", ")
			if members == "" {
				members = "(none)"
			}
			fmt.Fprintf(w, "  %-12s cost %s, savings %s [%s, %s], P5-P95 %s to %s, P(pays) %s: %s\n", label, m2(set.ExpectedCost),
				human.Money(set.Savings.Mean, 3), human.Money(set.Savings.CI95[0], 3), human.Money(set.Savings.CI95[1], 3),
				m2(set.Savings.P05), m2(set.Savings.P95), human.Sig(set.PPositive, 2), members)
		}
	}
}
