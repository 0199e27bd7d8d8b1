// Package sim is the Monte Carlo engine: it compiles a validated scenario into a plan, runs trials
// (simulated years) in blocks across goroutines, and returns the merged accumulators as a Result.
// It prints nothing and knows nothing of summaries, rankings or output formats: package analysis
// turns a Result into the figures people read, and package report renders them.
//
//   - Config says how to run (trials, seed, workers, precision target, exact-quantile limit, a
//     per-trial sink); Options says what to evaluate beside the baseline, each safeguard and each
//     named portfolio (a recommended set, extra sets, the budget search's unit tables, recorded or
//     held inputs).
//   - stream.go: every random variable has a key and its own PCG stream per block, a pure function
//     of (seed, key, block): results do not depend on workers or shards (the output contract).
//   - plan.go, variants.go, inputs.go: compiling findings, hazards, assets, safeguards, portfolios,
//     units and inputs.
//   - copula.go: correlated inputs (model.Correlation) drawn by a Gaussian copula, each from its own
//     stream, so that inputs in no group draw exactly as without the correlations.
//   - layout.go: the named table of per-trial quantities (owner, measure, how quantiles are
//     obtained, export column and precision) that the trial fills and everything else reads.
//   - engine.go: the block scheduler (all blocks, or only the even or the odd ones: Config.Blocks)
//     and the trial; occurrence.go: the year's largest single event loss; stats.go: moments merged
//     in block order, sketches, exact quantiles; result.go: reading the accumulators through the
//     layout.
//   - shard.go: running a disjoint range of blocks and merging shard results bit for bit.
//   - memory.go: an estimate of a run's peak memory, to refuse a run before it starts.
package sim
