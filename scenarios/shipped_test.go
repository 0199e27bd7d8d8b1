package scenarios

import (
	"context"
	"github.com/alesim/alesim/analysis"
	"math"
	"path/filepath"
	"testing"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

// TestShippedScenarios loads, validates and briefly runs every scenario shipped here, and checks
// that the simulation and point mode agree on what they must agree on.
func TestShippedScenarios(t *testing.T) {
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			s, err := model.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			cfg := sim.DefaultConfig()
			cfg.Trials, cfg.Workers = 20000, 2
			sum, err := analysis.Run(context.Background(), s, cfg, analysis.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Run.Trials != 20000 || len(sum.Findings) == 0 {
				t.Fatalf("run: %d trials, %d findings", sum.Run.Trials, len(sum.Findings))
			}
			for _, x := range []float64{sum.ALE.Mean, sum.AnnualLoss.Mean, sum.AnnualLoss.P99, sum.AnnualLoss.TVaR99} {
				if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
					t.Errorf("non-finite or negative figure %v", x)
				}
			}
			point := s.Point(nil)
			if math.Abs(sum.ALE.Point-point.Totals.ALE) > 1e-9*point.Totals.ALE {
				t.Errorf("summary's point ALE %v, point mode %v", sum.ALE.Point, point.Totals.ALE)
			}
		})
	}
}
