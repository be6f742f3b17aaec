package cascade

import "slices"

// Timing sums up a set of durations, in seconds.
type Timing struct {
	Count  int     `json:"count"`
	Median float64 `json:"median_seconds"`
	P90    float64 `json:"p90_seconds"`
}

// timing sums up durations in microseconds, reordering them. Quantiles
// interpolate between the two nearest ranks (the definition spreadsheets
// and NumPy use by default), so the median of an even count is the mean of
// the two middle values.
// It also returns the p90 in microseconds.
func timing(us []int64) (Timing, float64) {
	if len(us) == 0 {
		return Timing{}, 0
	}
	p90 := quantile(us, 9, 10)
	return Timing{Count: len(us), Median: quantile(us, 1, 2) / 1e6, P90: p90 / 1e6}, p90
}

// quantile returns the num/den quantile of xs, reordering xs. The rank is
// computed on integers so that the interpolation weight is exact. It selects
// instead of sorting: linear on average, where a sort of a million
// durations would cost more than all the other figures together.
func quantile(xs []int64, num, den int) float64 {
	n := len(xs)
	if n == 0 {
		return 0
	}
	r := (n - 1) * num
	k, rem := r/den, r%den
	selectKth(xs, k)
	v := float64(xs[k])
	if rem == 0 {
		return v
	}
	next := slices.Min(xs[k+1:]) // all of xs[k+1:] is >= xs[k]
	return v + float64(next-xs[k])*float64(rem)/float64(den)
}

// selectKth reorders xs so that xs[k] holds the value sorting would put
// there, with nothing larger before it and nothing smaller after it. It
// partitions three ways around a pseudo-random pivot, so that runs of
// equal values (many zero durations) and sorted input stay linear.
func selectKth(xs []int64, k int) {
	lo, hi := 0, len(xs)
	rnd := uint64(len(xs))*0x9e3779b97f4a7c15 | 1
	for hi-lo > 16 {
		rnd ^= rnd << 13
		rnd ^= rnd >> 7
		rnd ^= rnd << 17
		p := xs[lo+int(rnd%uint64(hi-lo))]
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch v := xs[i]; {
			case v < p:
				xs[lt], xs[i] = v, xs[lt]
				lt++
				i++
			case v > p:
				gt--
				xs[i], xs[gt] = xs[gt], v
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return
		}
	}
	slices.Sort(xs[lo:hi])
}
