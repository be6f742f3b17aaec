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
