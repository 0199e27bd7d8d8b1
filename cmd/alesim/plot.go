package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/alesim/alesim/report"
	"github.com/alesim/alesim/report/charts"
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
	charts := charts.All(sum)
	for _, c := range charts {
		for _, ext := range []string{".svg", ".png"} {
			path := filepath.Join(dir, c.Name+ext)
			err := report.WriteFileAtomic(path, func(w io.Writer) error {
				wt, err := c.Plot.WriterTo(c.W, c.H, ext[1:])
				if err != nil {
					return err
				}
				_, err = wt.WriteTo(w)
				return err
			})
			if err != nil {
				return err
			}
		}
	}
	if err := report.WriteFileAtomic(filepath.Join(dir, "report.html"), func(w io.Writer) error {
		return report.WriteHTML(w, sum, charts)
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: re-drew %d charts and report.html\n", dir, len(charts))
	return nil
}
