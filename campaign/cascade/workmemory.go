package cascade

import "sync"

// Roles of the working slices. A temp role serves one step after another:
// the times to open then the cascades' places; the cycle times become the
// clock.
const (
	rDir = iota
	rLoc
	rPos
	rPar
	rSize
	rKids
	rDepth
	rFwd
	rSender
	rCount
	rNet
	rNetTmp
	nInt32
)

const (
	rIDs = iota
	rTimes
	rCycle
	rTemp64
	nInt64
)

// scratch is the working memory of one computation: slices the size of the
// tree, about 88 bytes per claim in all. A dashboard recomputes the same
// large tree again and again, and fresh memory costs a page fault per
// 4 KB besides garbage collection, so scratch is pooled. Nothing Compute
// returns points into it.
type scratch struct {
	i32 [nInt32][]int32
	i64 [nInt64][]int64
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func (sc *scratch) put() { scratchPool.Put(sc) }

// int32s returns the zeroed slice of n values for role.
func (sc *scratch) int32s(role, n int) []int32 {
	sc.i32[role] = resize(sc.i32[role], n)
	return sc.i32[role]
}

// int64s returns the zeroed slice of n values for role.
func (sc *scratch) int64s(role, n int) []int64 {
	sc.i64[role] = resize(sc.i64[role], n)
	return sc.i64[role]
}

func resize[T int32 | int64](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}
