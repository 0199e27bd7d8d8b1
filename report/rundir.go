package report

import (
	"context"
	"fmt"
	"github.com/alesim/alesim/analysis"
	"io"
	"os"
	"path/filepath"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/report/charts"
	"github.com/alesim/alesim/sim"
)

// The files of an output directory. A run's (or a merge's): summary.json, summary.csv,
// results.xlsx, every chart of charts.All in each of ChartFormats, and report.html; with --voi,
// voi.csv; with --trials-file, trials.parquet. A
// sensitivity run's: sensitivity.json and the tornado chart. A value-of-information run's (voi
// --out): voi.json, voi.csv and the ranked chart of the inputs' EVPPI (voi.svg, voi.png).

// ChartFormats are the file extensions every chart is written in.
var ChartFormats = []string{".svg", ".png"}

// WriteRun writes every file of a run's output directory into the staging area (trials.parquet
// aside: the sink writes it while the run lasts).
func WriteRun(stage *Staging, sum *analysis.Summary) error {
	if err := stage.WriteFile("summary.json", func(w io.Writer) error { return WriteJSON(w, sum) }); err != nil {
		return err
	}
	if err := stage.WriteFile("summary.csv", func(w io.Writer) error { return WriteCSV(w, sum) }); err != nil {
		return err
	}
	if sum.VOI != nil {
		if err := stage.WriteFile("voi.csv", func(w io.Writer) error { return WriteVOICSV(w, sum.VOI) }); err != nil {
			return err
		}
	}
	cs := charts.All(sum)
	var images []Image
	for _, c := range cs {
		for _, ext := range ChartFormats {
			if err := c.Save(stage.Path(c.Name + ext)); err != nil {
				return fmt.Errorf("chart %s: %w", c.Name+ext, err)
			}
		}
		png, err := os.ReadFile(stage.Path(c.Name + ".png"))
		if err != nil {
			return err
		}
		images = append(images, Image{Name: c.Title, PNG: png})
	}
	if err := stage.WriteFile("results.xlsx", func(w io.Writer) error { return WriteXLSX(w, sum, images) }); err != nil {
		return err
	}
	return stage.WriteFile("report.html", func(w io.Writer) error { return WriteHTML(w, sum, cs) })
}

// Redraw re-draws the charts and report.html of a saved run in dir from its summary, each file
// replaced atomically (keeping its mode), and returns the number of charts drawn. It stops
// between two files when ctx is cancelled: every file is then whole, old or new.
func Redraw(ctx context.Context, dir string, sum *analysis.Summary) (int, error) {
	cs := charts.All(sum)
	for _, c := range cs {
		for _, ext := range ChartFormats {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
			path := filepath.Join(dir, c.Name+ext)
			err := WriteFileAtomic(path, func(w io.Writer) error { return c.Write(w, ext) })
			if err != nil {
				return 0, err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := WriteFileAtomic(filepath.Join(dir, "report.html"), func(w io.Writer) error {
		return WriteHTML(w, sum, cs)
	}); err != nil {
		return 0, err
	}
	return len(cs), nil
}

// WriteSensitivity writes sensitivity.json and, when there is an input to rank, the tornado chart
// into the staging area.
func WriteSensitivity(stage *Staging, r *analysis.SensitivityResult) error {
	if err := stage.WriteFile("sensitivity.json", func(w io.Writer) error { return WriteJSON(w, r) }); err != nil {
		return err
	}
	if c, ok := charts.Tornado(r); ok {
		for _, ext := range ChartFormats {
			if err := c.Save(stage.Path(c.Name + ext)); err != nil {
				return err
			}
		}
	}
	return nil
}

// WriteVOI writes voi.json, voi.csv and, when there is an input to rank, the ranked chart of the
// inputs' EVPPI (voi.svg, voi.png) into the staging area.
func WriteVOI(stage *Staging, r *analysis.VOIResult) error {
	if err := stage.WriteFile("voi.json", func(w io.Writer) error { return WriteJSON(w, r) }); err != nil {
		return err
	}
	if err := stage.WriteFile("voi.csv", func(w io.Writer) error { return WriteVOICSV(w, r) }); err != nil {
		return err
	}
	if c, ok := charts.VOI(r); ok {
		for _, ext := range ChartFormats {
			if err := c.Save(stage.Path(c.Name + ext)); err != nil {
				return fmt.Errorf("chart %s: %w", c.Name+ext, err)
			}
		}
	}
	return nil
}

// NewTrialsSink prepares the sink writing trials.parquet into the staging area, with the run's
// provenance as metadata (seed, scenario SHA-256, trials, version, block size), carrying the
// columns cols chooses.
func NewTrialsSink(stage *Staging, s *model.Scenario, cfg sim.Config, cols TrialsColumns) *ParquetSink {
	sink := NewParquetSink(stage.Path("trials.parquet"), map[string]string{
		"seed": fmt.Sprint(cfg.Seed), "scenario_sha256": s.SHA256, "trials": fmt.Sprint(cfg.Trials),
		"version": cfg.Version, "block_size": fmt.Sprint(sim.BlockSize)})
	sink.Columns = cols
	return sink
}
