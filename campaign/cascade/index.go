package cascade

import "math/bits"

// index finds a claim's position from its id. Ids are sorted, so a
// directory of buckets over the id range narrows a lookup to the few ids of
// one bucket: the whole tree is linked in linear time, without a map. The
// ids are copied out of the 72-byte nodes so that lookups, which land at
// random in a random tree, read a few compact slices that caches hold.
type index struct {
	ids      []int64
	min, max int64
	shift    uint    // bucket of id: (id - min) >> shift
	dir      []int32 // dir[b]: first position whose bucket is b or more
}

func newIndex(nodes []Node) index {
	n := len(nodes)
	if n == 0 {
		return index{}
	}
	x := index{ids: make([]int64, n), min: nodes[0].ID, max: nodes[n-1].ID}
	// At most 2n buckets: shift until the id range fits.
	span := uint64(x.max - x.min)
	if l, ln := bits.Len64(span), bits.Len64(uint64(n)); l > ln {
		x.shift = uint(l - ln)
	}
	buckets := int(span>>x.shift) + 1
	x.dir = make([]int32, buckets+1)
	b := 0
	for i := range nodes {
		id := nodes[i].ID
		x.ids[i] = id
		for last := x.bucket(id); b <= last; b++ {
			x.dir[b] = int32(i)
		}
	}
	for ; b <= buckets; b++ {
		x.dir[b] = int32(n)
	}
	return x
}

func (x index) bucket(id int64) int { return int(uint64(id-x.min) >> x.shift) }

// find returns the position of the claim id, or -1.
func (x index) find(id int64) int {
	if len(x.ids) == 0 || id < x.min || id > x.max {
		return -1
	}
	b := x.bucket(id)
	lo, hi := int(x.dir[b]), int(x.dir[b+1])
	switch {
	case hi != lo+1:
	case x.shift == 0:
		// A bucket one id wide holding one claim: it is id, no need to
		// read it (dense ids, the common case).
		return lo
	case x.ids[lo] == id:
		return lo
	default:
		return -1
	}
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch v := x.ids[m]; {
		case v == id:
			return m
		case v < id:
			lo = m + 1
		default:
			hi = m
		}
	}
	return -1
}
