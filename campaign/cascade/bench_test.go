package cascade

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkCompute measures Compute on trees of 10k, 100k and 1M claims in
// three shapes: random recursive, deep (long chains) and wide (stars). The
// tree is built before the timer starts.
func BenchmarkCompute(b *testing.B) {
	for _, shape := range []string{recursive, deep, wide} {
		for _, n := range []int{10_000, 100_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/%d", shape, n), func(b *testing.B) {
				tr := randomTree(rand.New(rand.NewPCG(uint64(n), 1)), shape, n, 3)
				w := Window{Now: tr.Nodes[n-1].ClaimedAt.Add(time.Hour)}
				b.ReportAllocs()
				for b.Loop() {
					Compute(tr, w)
				}
			})
		}
	}
}

// BenchmarkNetworks measures Compute on a random recursive tree of 1M
// claims whose networks are all unknown (claims from before networks were
// recorded) or drawn from 200k networks, a few of them busy.
func BenchmarkNetworks(b *testing.B) {
	const n = 1_000_000
	tr := randomTree(rand.New(rand.NewPCG(n, 1)), recursive, n, 3)
	w := Window{Now: tr.Nodes[n-1].ClaimedAt.Add(time.Hour)}
	b.Run("unknown", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Compute(tr, w)
		}
	})
	z := rand.NewZipf(rand.New(rand.NewPCG(8, 8)), 1.1, 1, 200_000)
	for i := range tr.Nodes {
		tr.Nodes[i].Network = uint32(z.Uint64()+1)*2654435761 | 1 // scattered like hashes
	}
	b.Run("known", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Compute(tr, w)
		}
	})
}
