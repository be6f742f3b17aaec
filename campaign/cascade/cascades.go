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
	Size               int       `json:"size"`        // claims, the seed claim included
	Depth              int       `json:"depth"`       // levels below the seed claim: 0 for a lone claim
	MaxBreadth         int       `json:"max_breadth"` // most claims on one level
	WienerIndex        uint64    `json:"wiener_index"`
	StructuralVirality float64   `json:"structural_virality"` // 0 for a lone claim
}

// Cascades returns the cascade of every seed claim in the window, largest
// first (ties: oldest seed claim first), so that a caller may keep the head
// of the list. Each is measured on its own, rooted at the seed claim, over
// the claims of the window only (see Window).
func Cascades(t Tree, w Window) []Cascade {
	return newShape(t, w).cascades()
}

// cascades gives each claim its seed's cascade number and its level under
// the seed in one forward pass (parents come first), then counts claims per
// (cascade, level) in one flat slice: a cascade of k claims has fewer than
// k levels, so cascade c owns k cells from its offset.
func (s *shape) cascades() []Cascade {
	m := s.len()
	buf := make([]int32, 3*m)
	cid, lvl, count := buf[:m:m], buf[m:2*m:2*m], buf[2*m:]
	out := []Cascade{}
	var off []int32
	var next int32
	for j := range m {
		if p := s.par[j]; p >= 0 {
			cid[j], lvl[j] = cid[p], lvl[p]+1
			continue
		}
		n := s.node(j)
		if n.Parent != 0 {
			cid[j] = -1 // under a parent outside the window, or unknown
			continue
		}
		cid[j] = int32(len(out))
		out = append(out, Cascade{Seed: n.ID, Link: n.Link, Channel: n.Channel, ClaimedAt: n.ClaimedAt, Size: int(s.size[j])})
		off = append(off, next)
		next += s.size[j]
	}
	wiener := make([][2]uint64, len(out))
	for j := range m {
		c := cid[j]
		if c < 0 {
			continue
		}
		cas := &out[c]
		count[off[c]+lvl[j]]++
		cas.Depth = max(cas.Depth, int(lvl[j]))
		if s.par[j] >= 0 {
			k := uint64(s.size[j])
			var carry uint64
			wiener[c][1], carry = bits.Add64(wiener[c][1], k*(uint64(cas.Size)-k), 0)
			wiener[c][0] += carry
		}
	}
	for c := range out {
		cas := &out[c]
		cas.MaxBreadth = int(slices.Max(count[off[c] : off[c]+int32(cas.Depth)+1]))
		hi, lo := wiener[c][0], wiener[c][1]
		cas.WienerIndex = saturate(hi, lo)
		cas.StructuralVirality = virality(hi, lo, uint64(cas.Size))
	}
	slices.SortFunc(out, func(a, b Cascade) int {
		return cmp.Or(cmp.Compare(b.Size, a.Size), cmp.Compare(a.Seed, b.Seed))
	})
	return out
}
