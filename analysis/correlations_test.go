package analysis

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/alesim/alesim/sim"
)

const correlatedScenario = `
scenario: {name: correlated, horizon_years: 5, discount_rate: 0.1}
sites: [{id: north}, {id: south}]
findings:
  - {id: R1, title: a, site: north, afe: {dist: loguniform, min: 1, max: 20}, loss: {dist: lognormal, p05: 5000, p95: 200000}}
  - {id: R2, title: b, site: south, afe: {dist: loguniform, min: 1, max: 20}, loss: {dist: lognormal, p05: 5000, p95: 200000}}
  - {id: R3, title: c, site: south, afe: {dist: pert, min: 0.1, mode: 0.5, max: 2}, loss: 30000}
safeguards:
  - id: S1
    title: filter
    annual_cost: {dist: pert, min: 8000, mode: 10000, max: 15000}
    effects:
      - {finding: R1, ale_reduction: {dist: pert, min: 0.3, mode: 0.6, max: 0.8}}
      - {finding: R2, ale_reduction: {dist: pert, min: 0.3, mode: 0.6, max: 0.8}}
correlations:
  - {inputs: [R1.afe, R2.afe], rank: 0.6}
  - inputs: [S1.effect.R1, S1.effect.R2, S1.annual_cost]
    matrix: [[1, 0.9, 0.5], [0.9, 1, -0.4], [0.5, -0.4, 1]]
    repair: true
`

// TestCorrelatedDeterminism: with correlated groups (one of them repaired), 1, 2 and 8 workers
// give the same summary byte for byte, and so do 3 shards merged; the sensitivity too.
func TestCorrelatedDeterminism(t *testing.T) {
	s := parse(t, correlatedScenario)
	summary := func(workers int) []byte {
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Seed, cfg.Workers, cfg.Version = 35000, 21, workers, "test"
		sum, err := Run(context.Background(), s, cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		sum.Run.WallSeconds, sum.Run.Workers = 0, 0
		b, _ := json.Marshal(sum)
		return b
	}
	ref := summary(1)
	for _, w := range []int{2, 8} {
		if !bytes.Equal(ref, summary(w)) {
			t.Errorf("%d workers: summary differs from 1 worker's", w)
		}
	}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.Version = 35000, 21, 2, "test"
	var shards []*sim.ShardResult
	for _, k := range []int{2, 3, 1} {
		r, err := sim.RunShard(context.Background(), s, cfg, sim.Options{}, sim.Shard{K: k, N: 3})
		if err != nil {
			t.Fatal(err)
		}
		shards = append(shards, r)
	}
	merged, err := Merge(s, cfg, shards)
	if err != nil {
		t.Fatal(err)
	}
	merged.Run.WallSeconds, merged.Run.Workers = 0, 0
	if b, _ := json.Marshal(merged); !bytes.Equal(ref, b) {
		t.Error("3 shards merged differ from the single run")
	}
	sens := func(workers int) []byte {
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Seed, cfg.Workers = 5000, 21, workers
		r, err := Sensitivity(context.Background(), s, cfg, "savings:S1")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		return b
	}
	if !bytes.Equal(sens(1), sens(8)) {
		t.Error("sensitivity differs between 1 and 8 workers")
	}
}
