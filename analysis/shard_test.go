package analysis

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"github.com/alesim/alesim/sim"
	"strings"
	"testing"
)

// TestShardsMergeToSingleRun: N shards (each through an encode/decode round trip, as between
// processes) merged in any order give the single run's summary byte for byte, but for wall time
// and workers; with exact and with sketched totals.
func TestShardsMergeToSingleRun(t *testing.T) {
	s := load(t, "../scenarios/soes-1983.yaml")
	for _, exactLimit := range []int64{10_000_000, 1000} {
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Seed, cfg.Workers, cfg.Version, cfg.ExactLimit = 95000, 77, 2, "test", exactLimit
		sel, _ := s.Selection("report")
		rec := &sim.Set{Name: "report", Members: sel}
		single, err := Run(context.Background(), s, cfg, Options{Recommended: rec})
		if err != nil {
			t.Fatal(err)
		}
		var shards []*sim.ShardResult
		for _, k := range []int{3, 1, 4, 2} { // any order
			r, err := sim.RunShard(context.Background(), s, cfg, sim.Options{Recommended: rec}, sim.Shard{K: k, N: 4})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := gob.NewEncoder(&buf).Encode(r); err != nil {
				t.Fatal(err)
			}
			var back sim.ShardResult
			if err := gob.NewDecoder(&buf).Decode(&back); err != nil {
				t.Fatal(err)
			}
			shards = append(shards, &back)
		}
		merged, err := Merge(s, cfg, shards)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []*Summary{single, merged} {
			x.Run.WallSeconds, x.Run.Workers = 0, 0
		}
		a, _ := json.Marshal(single)
		b, _ := json.Marshal(merged)
		if !bytes.Equal(a, b) {
			t.Fatalf("exact limit %d: merged shards differ from the single run", exactLimit)
		}
		// Missing, duplicate and foreign shards are refused.
		if _, err := Merge(s, cfg, shards[:3]); err == nil || !strings.Contains(err.Error(), "missing [2]") {
			t.Errorf("missing shard: %v", err)
		}
		if _, err := Merge(s, cfg, append(shards, shards[0])); err == nil || !strings.Contains(err.Error(), "duplicate [3]") {
			t.Errorf("duplicate shard: %v", err)
		}
		other := *shards[1]
		other.Seed++
		if _, err := Merge(s, cfg, []*sim.ShardResult{shards[0], &other, shards[2], shards[3]}); err == nil {
			t.Error("shard of another seed merged")
		}
		foreign := *shards[1]
		foreign.ScenarioSHA = "beef"
		if _, err := Merge(s, cfg, []*sim.ShardResult{shards[0], &foreign, shards[2], shards[3]}); err == nil {
			t.Error("shard of another scenario merged")
		}
		v := *shards[1]
		v.Version = "other"
		if _, err := Merge(s, cfg, []*sim.ShardResult{shards[0], &v, shards[2], shards[3]}); err == nil {
			t.Error("shard of another version merged")
		}
	}
}
