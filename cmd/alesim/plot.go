package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

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
	n, err := report.Redraw(dir, sum)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: re-drew %d charts and report.html\n", dir, n)
	return nil
}
