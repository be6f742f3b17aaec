package cascade

import "math/bits"

// index finds a claim's position from its id. Ids are sorted, so a
// directory of buckets over the id range narrows a lookup to the few ids of
// one bucket: the whole tree is linked in linear time, without a map.
//
// Lookups land at random in a random tree, so they are kept to one read
// where possible: with up to 4n buckets, ids that are nearly dense (as
// auto-increment ids shared by a few campaigns are) get buckets one id
// wide, where a bucket holding a claim holds exactly the id sought. Only
// sparser ids need a second read, in a compact copy of the ids rather than
// in the 72-byte nodes.
type index struct {
	min, max int64
	shift    uint    // bucket of id: (id - min) >> shift
	dir      []int32 // dir[b]: first position whose bucket is b or more
	ids      []int64 // the ids, when buckets are wider than one id
}

func newIndex(nodes []Node, sc *scratch) index {
	n := len(nodes)
	if n == 0 {
		return index{}
	}
	x := index{min: nodes[0].ID, max: nodes[n-1].ID}
	span := uint64(x.max - x.min)
	if l, ln := bits.Len64(span), bits.Len64(uint64(n))+1; l > ln {
		x.shift = uint(l - ln)
		x.ids = sc.int64s(rIDs, n)
	}
	buckets := int(span>>x.shift) + 1
	x.dir = sc.int32s(rDir, buckets+1)
	b := 0
	for i := range nodes {
		id := nodes[i].ID
		if x.ids != nil {
			x.ids[i] = id
		}
		for last := x.bucket(id); b <= last; b++ {
			x.dir[b] = int32(i)
		}
	}
	for ; b <= buckets; b++ {
		x.dir[b] = int32(n)
	}
	return x
}

func (x *index) bucket(id int64) int { return int(uint64(id-x.min) >> x.shift) }

// find returns the position of the claim id, or -1.
func (x *index) find(id int64) int {
	if id < x.min || id > x.max || x.dir == nil {
		return -1
	}
	b := x.bucket(id)
	lo, hi := int(x.dir[b]), int(x.dir[b+1])
	if x.ids == nil {
		// One id wide: the bucket holds id, or nothing. (It may hold
		// more claims only if ids repeat, which they must not.)
		if lo == hi {
			return -1
		}
		return lo
	}
	if hi == lo+1 { // the usual bucket: one claim
		if x.ids[lo] == id {
			return lo
		}
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
