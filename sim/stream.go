package sim

import (
	"hash/fnv"
	"math/rand/v2"
)

// Random streams. Every random variable of a scenario has a key naming what it is, e.g.
// "finding/3.3-1/afe/0" (the first AFE factor of finding 3.3-1), "finding/3.3-1/count",
// "finding/3.3-1/loss", "safeguard/plan/effect/2.2-1", "safeguard/plan/annual_cost". The draws of
// that variable in block b (trials b*BlockSize to (b+1)*BlockSize - 1) come from
//
//	PCG(splitmix64(seed XOR splitmix64(h)), splitmix64(b XOR splitmix64(h XOR golden)))
//
// where h is the 64-bit FNV-1a hash of the key, PCG is math/rand/v2's PCG with those two seed
// words and golden = 0x9e3779b97f4a7c15. Within a block, trial after trial draws from it in order.
//
// This derivation is part of the output contract: results depend only on the seed, the block
// size and the keys, so they are identical whatever the number of workers or shards, and adding,
// removing or reordering a safeguard or a finding leaves every other variable's draws unchanged.
// Distinct keys give distinct, unrelated PCG states, so independent findings are independent.

const golden = 0x9e3779b97f4a7c15

func splitmix64(x uint64) uint64 {
	x += golden
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func keyHash(key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()
}

// streamSeeds returns the PCG seed words of the variable with key hash h in block b.
func streamSeeds(seed, h, block uint64) (uint64, uint64) {
	return splitmix64(seed ^ splitmix64(h)), splitmix64(block ^ splitmix64(h^golden))
}

// stream is one variable's generator within a worker; reseeded for each block, never reallocated.
type stream struct {
	pcg rand.PCG
	r   *rand.Rand
}

func newStreams(n int) []stream {
	s := make([]stream, n)
	for i := range s {
		s[i].r = rand.New(&s[i].pcg)
	}
	return s
}
