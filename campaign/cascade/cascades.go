package cascade

import (
	"cmp"
	"math/bits"
	"slices"
	"time"
)

// Cascade is one seed claim's subtree: the claim of a seed link and every
// view its forwards caused. A seed link with several seats gives one cascade
// per claim of it, since each claim is a different device with its own
// circle; the Link field groups them back when needed.
type Cascade struct {
	Seed               int64     `json:"seed"` // the seed claim's id
	Link               int64     `json:"link"` // the seed link it claimed
	Channel            string    `json:"channel"`
	ClaimedAt          time.Time `json:"claimed_at"`
	Size               int       `json:"size"`                // claims, the seed claim included
	Depth              int       `json:"depth"`               // the deepest claim's depth, seed claims being 1: 1 for a lone claim
	MaxBreadth         int       `json:"max_breadth"`         // most claims at one depth
	WienerIndex        uint64    `json:"wiener_index"`        // sum of the distances between every two claims of the cascade
	StructuralVirality *float64  `json:"structural_virality"` // mean distance between two claims; nil (null) for a lone claim, where it is undefined
}

// Cascades returns the cascade of every seed claim in the window, largest
// first (ties: oldest seed claim first), so that a caller may keep the head
// of the list. Each is measured on its own, rooted at the seed claim, over
// the claims of the window only (see Window).
func Cascades(t Tree, w Window) []Cascade {
	s := newShape(t, w)
	defer s.release()
	return s.cascades()
}

// cascades walks the claims parents first. Each claim gets its cascade
// number and its level under the seed packed in one int64, so a child
// reads its parent once: number<<32 | level, plus one. Claims are counted
// per (cascade, level) in one flat slice: a cascade of k claims has fewer
// than k levels, so cascade c owns k cells from its offset.
func (s *shape) cascades() []Cascade {
	type acc struct {
		off, size, depth int32
		hi, lo           uint64 // Wiener index
	}
	m := s.len()
	place, count := s.sc.int64s(rTemp64, m), s.sc.int32s(rCount, m)
	var accs []acc
	var next int32
	for j := range m {
		switch p := s.par[j]; {
		case p >= 0 && place[p] >= 0:
			place[j] = place[p] + 1
		case p < 0 && s.node(j).Parent == 0:
			place[j] = int64(len(accs)) << 32
			accs = append(accs, acc{off: next, size: s.size[j]})
			next += s.size[j]
		default:
			place[j] = -1 // under a parent outside the window, or unknown
		}
	}
	// Counted in a second pass, so that the places read at random above
	// are not waited for one by one.
	for j, pl := range place {
		if pl < 0 {
			continue
		}
		a, lvl := &accs[pl>>32], int32(uint32(pl))
		count[a.off+lvl]++
		if lvl > 0 {
			a.depth = max(a.depth, lvl)
			k := uint64(s.size[j])
			var carry uint64
			a.lo, carry = bits.Add64(a.lo, k*(uint64(a.size)-k), 0)
			a.hi += carry
		}
	}
	out := make([]Cascade, 0, len(accs))
	vs := make([]float64, len(accs)) // one allocation for every cascade's virality
	for j := range m {
		if s.par[j] >= 0 || place[j] < 0 {
			continue
		}
		n, a := s.node(j), accs[len(out)]
		var sv *float64
		if v, ok := virality(a.hi, a.lo, uint64(a.size)); ok {
			vs[len(out)] = v
			sv = &vs[len(out)]
		}
		out = append(out, Cascade{
			Seed:               n.ID,
			Link:               n.Link,
			Channel:            n.Channel,
			ClaimedAt:          n.ClaimedAt,
			Size:               int(a.size),
			Depth:              int(a.depth) + 1, // levels under the seed claim, which is at depth 1
			MaxBreadth:         int(slices.Max(count[a.off : a.off+a.depth+1])),
			WienerIndex:        saturate(a.hi, a.lo),
			StructuralVirality: sv,
		})
	}
	slices.SortFunc(out, func(a, b Cascade) int {
		return cmp.Or(cmp.Compare(b.Size, a.Size), cmp.Compare(a.Seed, b.Seed))
	})
	return out
}
