package analysis

import (
	"context"
	"time"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

// Options says what a run reports beside the baseline, the safeguards and the named portfolios.
type Options struct {
	// Recommended, when not nil, is the set of safeguards whose annual loss is simulated beside the
	// baseline's, on the same events (thinned), for the loss exceedance curve "with the
	// recommended portfolio".
	Recommended *sim.Set
	// Budget, when > 0, searches for the set of safeguards with the highest expected savings whose
	// expected cost (one-time plus A x annual) is within it (see budget.go): chosen on the even
	// blocks, measured on both halves, then on every block.
	Budget float64
}

// TrialsSimulated is the number of trials a run with these options simulates: the budget search
// takes two and a half passes over the same draws.
func (o Options) TrialsSimulated(cfg sim.Config) int64 {
	if o.Budget > 0 {
		// the budget search: half the blocks with the unit tables, each half again with the
		// chosen sets (in-sample and held-out), then every block
		return cfg.Trials * 5 / 2
	}
	return cfg.Trials
}

// SensitivityTrials is the most trials a run's --sensitivity ranks the inputs on (each input is
// held at two values, so the ranking costs 2 runs per input).
const SensitivityTrials = 50000

// Run simulates the scenario and summarises the results. It honours ctx: on cancellation it
// returns ctx.Err() promptly.
func Run(ctx context.Context, s *model.Scenario, cfg sim.Config, o Options) (*Summary, error) {
	start := time.Now()
	var budget *BudgetResult
	var extra [][]int
	if o.Budget > 0 {
		var err error
		budget, extra, err = searchBudget(ctx, s, cfg, o.Budget)
		if err != nil {
			return nil, err
		}
	}
	res, err := sim.Simulate(ctx, s, cfg, sim.Options{Recommended: o.Recommended, Sets: extra})
	if err != nil {
		return nil, err
	}
	sum := Summarize(s, res, cfg)
	if budget != nil {
		budget.attach(sum, len(s.Portfolios))
		sum.Budget = budget
	}
	sum.Run.WallSeconds = time.Since(start).Seconds()
	return sum, nil
}

// Merge combines shard results into the summary a single run of the same scenario, seed and
// trials gives (see sim.Merge).
func Merge(s *model.Scenario, cfg sim.Config, shards []*sim.ShardResult) (*Summary, error) {
	res, scfg, named, err := sim.Merge(s, cfg, shards)
	if err != nil {
		return nil, err
	}
	return Summarize(named, res, scfg), nil
}
