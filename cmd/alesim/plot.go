package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/alesim/alesim/internal/signals"
	"github.com/alesim/alesim/report"
)

// runPlot re-draws the charts and report.html of a saved run from its summary.json, without
// re-simulating. Each file is replaced atomically.
func runPlot(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	fs := newFlags("plot", "DIR", stderr)
	dir, err := parse(fs, args)
	if err != nil {
		return err
	}
	sum, err := report.ReadSummary(filepath.Join(dir, "summary.json"))
	if err != nil {
		return fmt.Errorf("reading the saved run: %w", err)
	}
	// A second signal exits at once: this process's temporary files go first.
	defer signals.From(ctx).Defer(func() {
		tmps, _ := filepath.Glob(filepath.Join(dir, ".*"+report.TempSuffix))
		for _, t := range tmps {
			os.Remove(t)
		}
	})()
	n, err := report.Redraw(ctx, dir, sum)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: re-drew %d charts and report.html\n", dir, n)
	return nil
}
