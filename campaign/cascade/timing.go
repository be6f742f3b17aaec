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
// the two middle values. It also returns the p90 in microseconds.
func timing(us []int64) (Timing, float64) {
	if len(us) == 0 {
		return Timing{}, 0
	}
	p90, k := quantile(us, len(us), 9, 10)
	// The p90's selection left the k+1 smallest values in front: the
	// median's two ranks are among them, unless the count is tiny.
	front := us[:k+1]
	if (len(us)-1)/2 >= k {
		front = us
	}
	median, _ := quantile(front, len(us), 1, 2)
	return Timing{Count: len(us), Median: median / 1e6, P90: p90 / 1e6}, p90
}

// quantile returns the num/den quantile of a set of n values, and the rank
// k it selected. xs holds the set, or, when shorter, its smallest values,
// enough to reach past the rank. It reorders xs so that xs[k] is the k-th
// smallest with the smaller ones before it. The rank is computed on
// integers so that the interpolation weight is exact. It selects instead of
// sorting: linear on average, where a sort of a million durations would
// cost more than all the other figures together.
func quantile(xs []int64, n, num, den int) (float64, int) {
	r := (n - 1) * num
	k, rem := r/den, r%den
	selectKth(xs, k)
	v := float64(xs[k])
	if rem == 0 || k+1 == len(xs) {
		return v, k
	}
	next := slices.Min(xs[k+1:]) // all of xs[k+1:] is >= xs[k]
	return v + float64(next-xs[k])*float64(rem)/float64(den), k
}

// selectKth reorders xs so that xs[k] holds the value sorting would put
// there, with nothing larger before it and nothing smaller after it: Hoare's
// partition around a pseudo-random pivot, whose scans stop on values equal
// to the pivot, so that runs of equal values (many zero durations) and
// sorted input stay linear.
func selectKth(xs []int64, k int) {
	lo, hi := 0, len(xs)-1
	rnd := uint64(len(xs))*0x9e3779b97f4a7c15 | 1
	for hi-lo > 16 {
		rnd ^= rnd << 13
		rnd ^= rnd >> 7
		rnd ^= rnd << 17
		p := xs[lo+int(rnd%uint64(hi-lo+1))]
		i, j := lo, hi
		for i <= j {
			for xs[i] < p {
				i++
			}
			for xs[j] > p {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		// xs[lo..j] <= p, xs[i..hi] >= p, and whatever lies between is p.
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
	if lo < hi {
		slices.Sort(xs[lo : hi+1])
	}
}
