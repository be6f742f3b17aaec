package cascade

import "slices"

// TopAmbassadors is how many claims Compute lists in each ambassador ranking.
const TopAmbassadors = 10

// Ambassador is a claim whose forwards reached others.
type Ambassador struct {
	Claim       int64           `json:"claim"`
	Depth       int             `json:"depth"`
	Channel     string          `json:"channel"`     // of the link it claimed
	Descendants int             `json:"descendants"` // views downstream in the window, itself excluded
	Children    int             `json:"children"`    // direct child claims in the window
	Forwards    PerChannel[int] `json:"forwards"`    // links it minted in the window, per channel
}

// Ambassadors ranks the claims two ways, best first; a claim that caused no
// view (or minted no link) is no ambassador and is left out.
type Ambassadors struct {
	BySubtree  []Ambassador `json:"by_subtree"`  // most descendants; ties: oldest claim
	ByForwards []Ambassador `json:"by_forwards"` // most links minted; ties: most descendants, oldest claim
}

// ambassadors ranks the window's claims and describes the n best each way.
func (s *shape) ambassadors(l *links, t Tree, n int) Ambassadors {
	bySub := best(n, s.size, nil, 1)
	byFwd := best(n, l.fwd, s.size, 0)
	// Channel mix of the chosen claims' links. A 4096-bit filter on the
	// sender's position, which stays in the first-level cache, lets
	// through only a few links besides theirs.
	chosen := slices.Concat(bySub, byFwd)
	mix := make([]PerChannel[int], len(chosen))
	var filter [64]uint64
	for _, j := range chosen {
		filter[j>>6&63] |= 1 << (j & 63)
	}
	for i, j := range l.sender {
		if j < 0 || filter[j>>6&63]&(1<<(j&63)) == 0 {
			continue
		}
		for c, cj := range chosen {
			if cj == j {
				mix[c].add(t.Links[i].Channel, 1)
			}
		}
	}
	describe := func(js []int32, mix []PerChannel[int]) []Ambassador {
		out := make([]Ambassador, len(js))
		for i, j := range js {
			nd := s.node(int(j))
			out[i] = Ambassador{
				Claim:       nd.ID,
				Depth:       int(s.depth[j]),
				Channel:     nd.Channel,
				Descendants: int(s.size[j]) - 1,
				Children:    int(s.kids[j]),
				Forwards:    mix[i],
			}
		}
		return out
	}
	return Ambassadors{BySubtree: describe(bySub, mix[:len(bySub)]), ByForwards: describe(byFwd, mix[len(bySub):])}
}

// best returns the window positions of the n claims with the largest key
// above floor, best first; ties go to the larger tie value, then to the
// smaller position (older claim). Insertion into the short list is rare
// after its first n claims, so this is linear in practice.
func best(n int, key, tie []int32, floor int32) []int32 {
	out := make([]int32, 0, n+1)
	if n <= 0 {
		return out
	}
	better := func(a, b int32) bool {
		if key[a] != key[b] {
			return key[a] > key[b]
		}
		if tie != nil && tie[a] != tie[b] {
			return tie[a] > tie[b]
		}
		return a < b
	}
	for j, k := range key {
		if k <= floor {
			continue
		}
		if len(out) == n && k < key[out[n-1]] {
			continue
		}
		at := len(out)
		for at > 0 && better(int32(j), out[at-1]) {
			at--
		}
		if at == n {
			continue
		}
		out = slices.Insert(out, at, int32(j))
		if len(out) > n {
			out = out[:n]
		}
	}
	return out
}
