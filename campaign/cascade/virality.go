package cascade

import (
	"math"
	"math/bits"
)

// WienerIndex returns the sum of the distances between all pairs of nodes
// of the campaign's tree, its root (the campaign, depth 0) included, so
// every seed claim is a child of the root. It is exact, and saturates at
// math.MaxUint64, which only a path of more than about 4.8 million claims
// could reach.
func WienerIndex(t Tree) uint64 {
	s := newShape(t, Window{})
	defer s.release()
	w, _ := s.wiener()
	return w
}

// StructuralVirality returns the mean distance between two nodes of the
// campaign's tree, its root included (Goel, Anderson, Hofman and Watts,
// 2016): the Wiener index over C(n, 2), with n = claims + 1. A star of
// n nodes gives 2(n-1)/n, a path (n+1)/3; a campaign with no claim, 0.
func StructuralVirality(t Tree) float64 {
	s := newShape(t, Window{})
	defer s.release()
	_, v := s.wiener()
	return v
}

// wiener returns the Wiener index of the window's tree under the root and
// its structural virality. The edge above each claim separates its subtree
// (size k) from the other n-k nodes, and k(n-k) pairs have their path
// through it. k(n-k) < 2^62; the sum is kept on 128 bits.
func (s *shape) wiener() (uint64, float64) {
	n := uint64(s.len()) + 1
	var hi, lo, carry uint64
	for _, k := range s.size {
		lo, carry = bits.Add64(lo, uint64(k)*(n-uint64(k)), 0)
		hi += carry
	}
	return saturate(hi, lo), virality(hi, lo, n)
}

func saturate(hi, lo uint64) uint64 {
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

// virality divides the Wiener index (hi, lo) by C(n, 2). It is written as
// 2W / (n(n-1)), one division of two exact floats below 2^53, to give the
// correctly rounded mean, the same float NetworkX computes.
func virality(hi, lo, n uint64) float64 {
	if n < 2 {
		return 0
	}
	w := float64(hi)*0x1p64 + float64(lo)
	return 2 * w / (float64(n) * float64(n-1))
}
