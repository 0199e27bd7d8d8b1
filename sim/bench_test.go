package sim

import (
	"context"
	"testing"
)

// Benchmarks report trials per second ("trials/s") for the reference scenario and the 30-finding
// workload, on one worker and on every CPU. Compare runs with benchstat.
func benchRun(b *testing.B, path string, workers int) {
	s := load(b, path)
	cfg := DefaultConfig()
	cfg.Trials, cfg.Workers = 200000, workers
	if workers == 0 {
		cfg.Workers = DefaultConfig().Workers
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Simulate(context.Background(), s, cfg, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cfg.Trials)*float64(b.N)/b.Elapsed().Seconds(), "trials/s")
}

func BenchmarkSOES1Worker(b *testing.B)     { benchRun(b, "../scenarios/soes-1983.yaml", 1) }
func BenchmarkSOESAllWorkers(b *testing.B)  { benchRun(b, "../scenarios/soes-1983.yaml", 0) }
func BenchmarkSOES2Workers(b *testing.B)    { benchRun(b, "../scenarios/soes-1983.yaml", 2) }
func BenchmarkBench30_1Worker(b *testing.B) { benchRun(b, "../scenarios/bench-30.yaml", 1) }
func BenchmarkBench30All(b *testing.B)      { benchRun(b, "../scenarios/bench-30.yaml", 0) }
