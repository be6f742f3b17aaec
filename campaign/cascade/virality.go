package cascade

import (
	"math"
)

// Structural virality (Goel, Anderson, Hofman and Watts, 2016) is the mean
// distance between two claims of one cascade: its Wiener index over
// C(n, 2). It is defined per cascade, for cascades of two claims or more:
// a star of n claims scores 2(n-1)/n, a path (n+1)/3, and no tree scores
// below 1. The campaign has no tree of its own to measure: joining its
// cascades under the campaign would make paths between strangers run
// through the marketer, and a thousand seeds that never spread would
// score about 2. The campaign's figure sums its cascades up instead (see
// campaignVirality).

// saturate returns the 128-bit sum (hi, lo), or math.MaxUint64 when it
// does not fit, which only a path of more than about 4.8 million claims
// could reach.
func saturate(hi, lo uint64) uint64 {
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

// virality divides the Wiener index (hi, lo) of a cascade of n claims by
// C(n, 2), and reports false below two claims, where the measure is
// undefined. It is written as 2W / (n(n-1)), one division of two exact
// floats below 2^53, to give the correctly rounded mean, the same float
// NetworkX computes.
func virality(hi, lo, n uint64) (float64, bool) {
	if n < 2 {
		return 0, false
	}
	w := float64(hi)*0x1p64 + float64(lo)
	return 2 * w / (float64(n) * float64(n-1)), true
}

// campaignVirality returns the size-weighted mean of the structural
// virality of the cascades of two claims or more, Σ size·virality / Σ
// size, or nil when there is none: the virality of the cascade a typical
// viewer of a spreading cascade belongs to. Lone claims are left out, as
// the measure is undefined for them; so are claims in no cascade (see
// Window).
func campaignVirality(cs []Cascade) *float64 {
	var sum, size float64
	for _, c := range cs {
		if c.StructuralVirality == nil {
			continue
		}
		sum += float64(c.Size) * *c.StructuralVirality
		size += float64(c.Size)
	}
	if size == 0 {
		return nil
	}
	v := sum / size
	return &v
}
