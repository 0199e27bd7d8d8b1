package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"text/tabwriter"

	"github.com/alesim/alesim/internal/human"
	"github.com/alesim/alesim/report"
	"github.com/alesim/alesim/report/charts"
	"github.com/alesim/alesim/sim"
)

// runSensitivity ranks a scenario's uncertain inputs by how much of a target they decide.
func runSensitivity(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	var target, format, out string
	var trials int64
	var seed uint64
	var workers int
	var force bool
	fs := newFlags("sensitivity", "SCENARIO", stderr)
	fs.StringVar(&target, "target", "ale", "what to explain: ale (the total expected annual loss) or savings:ID (a safeguard's or portfolio's savings)")
	fs.Int64Var(&trials, "trials", 50000, "trials in the set every input's effect is measured on (each input is re-run twice on the same trials)")
	fs.Uint64Var(&seed, "seed", sim.DefaultSeed, "seed of every random stream")
	fs.IntVar(&workers, "workers", runtime.GOMAXPROCS(0), "goroutines; results do not depend on it")
	fs.StringVar(&format, "format", "table", "output format: table or json")
	fs.StringVar(&out, "out", "", "also write sensitivity.json and the tornado chart (SVG and PNG) into this directory")
	fs.BoolVar(&force, "force", false, "with --out: replace a directory that already holds files")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	if format != "table" && format != "json" {
		return usagef("sensitivity: --format must be table or json (got %q)", format)
	}
	if trials < 100 {
		return usagef("sensitivity: --trials must be at least 100 (got %d)", trials)
	}
	s, err := loadScenario(path)
	if err != nil {
		return err
	}
	var stage *report.Staging
	if out != "" {
		if stage, err = report.Stage(out, force); err != nil {
			return usagef("sensitivity: %v", err)
		}
		defer stage.Abort()
	}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.Version = trials, seed, workers, Version
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	r, err := sim.Sensitivity(ctx, s, cfg, target)
	if err != nil {
		return usagef("sensitivity: %v", err)
	}
	if stage != nil {
		if err := stage.WriteFile("sensitivity.json", func(w io.Writer) error { return writeJSON(w, r) }); err != nil {
			return err
		}
		if c, ok := charts.Tornado(r); ok {
			for _, ext := range []string{".svg", ".png"} {
				if err := c.Save(stage.Path(c.Name + ext)); err != nil {
					return err
				}
			}
		}
		if err := stage.Commit(); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "alesim: wrote %s (sensitivity.json, tornado.svg, tornado.png)\n", out)
	}
	if format == "json" {
		return writeJSON(stdout, r)
	}
	return writeSensitivityTable(stdout, r)
}

func writeSensitivityTable(w io.Writer, r *sim.SensitivityResult) error {
	m := func(x float64) string { return human.Money(x, 3) }
	fmt.Fprintf(w, "What decides %s (mean %s over %d trials, seed %d):\n", r.Target, m(r.Mean), r.Trials, r.Seed)
	fmt.Fprintf(w, "each input held at its P5 and at its P95 on the same trials; rank correlation of its draws with the target.\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "input\tinput P5-P95\tmean at P5\tmean at P95\tswing\trank corr.\t")
	for _, in := range r.Inputs {
		fmt.Fprintf(tw, "%s\t%s-%s\t%s\t%s\t%s\t%s\t\n", in.Name, human.Sig(in.P05, 2), human.Sig(in.P95, 2),
			m(in.MeanAtP05), m(in.MeanAtP95), m(in.Swing), human.Sig(in.RankCorrelation, 2))
	}
	return tw.Flush()
}
