package analysis

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/alesim/alesim/sim"
)

// TestShardBitFlipsNeverMergeWrong (issue 13): a single-bit flip of a shard file is either
// rejected by the reader or merges to the byte-identical summary; never to other figures, never a
// panic. (sim's TestShardFileBitFlips samples more flips, decoding only.)
func TestShardBitFlipsNeverMergeWrong(t *testing.T) {
	s := load(t, "../scenarios/soes-1983.yaml")
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.Version, cfg.ExactLimit = 20000, 5, 2, "test", 1000
	var shards []*sim.ShardResult
	var files [][]byte
	for k := 1; k <= 2; k++ {
		r, err := sim.RunShard(context.Background(), s, cfg, sim.Options{}, sim.Shard{K: k, N: 2})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := sim.WriteShard(&buf, r); err != nil {
			t.Fatal(err)
		}
		shards, files = append(shards, r), append(files, buf.Bytes())
	}
	summary := func(rs []*sim.ShardResult) []byte {
		sum, err := Merge(s, cfg, rs)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(sum)
		return b
	}
	want := summary(shards)
	rng := rand.New(rand.NewPCG(13, 1))
	good := files[0]
	buf := make([]byte, len(good))
	rejected := 0
	const n = 400
	for range n {
		bit := rng.IntN(len(good) * 8)
		copy(buf, good)
		buf[bit/8] ^= 1 << (bit % 8)
		r, err := sim.DecodeShard(bytes.NewReader(buf), int64(len(buf)))
		if err != nil {
			rejected++
			continue
		}
		sum, err := Merge(s, cfg, []*sim.ShardResult{r, shards[1]})
		if err != nil {
			rejected++
			continue
		}
		got, _ := json.Marshal(sum)
		if !bytes.Equal(got, want) {
			t.Fatalf("flip of bit %d merged into other figures", bit)
		}
	}
	t.Logf("%d flips: %d rejected, %d merged identically", n, rejected, n-rejected)
}
