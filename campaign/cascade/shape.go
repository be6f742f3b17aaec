package cascade

import (
	"cmp"
	"slices"
)

// shape is the window's claims as a tree, in slices indexed by window
// position (the claims of the window in id order). It is built once and
// read by every figure, so that no figure looks an id up again.
type shape struct {
	nodes []Node  // the whole campaign, sorted by id
	ids   index   // id -> position in nodes
	pos   []int32 // window position -> position in nodes; nil when the window holds every node
	loc   []int32 // position in nodes -> window position or -1; nil like pos
	par   []int32 // parent's window position; -1 under the root (seed claim, or parent outside the window)
	size  []int32 // claims in the subtree, the claim itself included
	kids  []int32 // child claims in the window
	depth []int32 // true depth, kept within [1, len(nodes)] so that bad input cannot size a slice
	us    []int64 // claim times in microseconds since 1970, per position in nodes
	cycle []int64 // microseconds from parent claim to child claim, for each claim whose parent is known
	sc    *scratch
}

func byID(a, b Node) int { return cmp.Compare(a.ID, b.ID) }

// newShape links the window's claims. A parent that is unknown, or whose id
// is not smaller than its child's, cannot be in the tree: the claim then
// hangs from the root, which keeps every parent before its child and lets
// one reverse pass add subtree sizes up, with no recursion.
//
// The nodes are 80 bytes each, so they are read in as few passes as
// possible (one for the ids, one for the rest) into compact slices: a
// parent's time, read at random, is cheaper there too. The caller must
// release the shape once done with it.
func newShape(t Tree, w Window) *shape {
	nodes := t.Nodes
	if !slices.IsSortedFunc(nodes, byID) {
		nodes = slices.Clone(nodes)
		slices.SortStableFunc(nodes, byID)
	}
	sc := getScratch()
	s := &shape{nodes: nodes, sc: sc, ids: newIndex(nodes, sc), us: sc.int64s(rTimes, len(nodes))}
	m := len(nodes)
	if !w.whole() {
		// Parents outside the window need their time too.
		s.loc = sc.int32s(rLoc, len(nodes))
		s.pos = sc.int32s(rPos, len(nodes))[:0]
		for i := range nodes {
			s.us[i] = nodes[i].ClaimedAt.UnixMicro()
			s.loc[i] = -1
			if w.contains(nodes[i].ClaimedAt) {
				s.loc[i] = int32(len(s.pos))
				s.pos = append(s.pos, int32(i))
			}
		}
		m = len(s.pos)
	}
	s.par, s.size, s.kids = sc.int32s(rPar, m), sc.int32s(rSize, m), sc.int32s(rKids, m)
	s.depth = sc.int32s(rDepth, m)
	s.cycle = sc.int64s(rCycle, m)[:0]
	// Parents are found in one pass and their times read in the next:
	// lookups that land at random then wait on memory side by side
	// instead of one after the other.
	for j := range m {
		i := s.at(j)
		n := &nodes[i]
		if s.pos == nil {
			s.us[i] = n.ClaimedAt.UnixMicro()
		}
		s.depth[j] = int32(min(max(n.Depth, 1), len(nodes)))
		s.size[j] = 1
		s.par[j] = -1
		if n.Parent != 0 {
			// -1 when unknown; not older, not a parent.
			if p := s.ids.find(n.Parent); p < i {
				s.par[j] = int32(p)
			}
		}
	}
	for j, p := range s.par {
		if p < 0 {
			continue
		}
		s.cycle = append(s.cycle, s.us[s.at(j)]-s.us[p])
		if s.loc != nil {
			s.par[j] = s.loc[p]
		}
	}
	for j := m - 1; j >= 0; j-- {
		if p := s.par[j]; p >= 0 {
			s.size[p] += s.size[j]
			s.kids[p]++
		}
	}
	return s
}

// release gives the shape's working memory back for another computation.
func (s *shape) release() {
	s.sc.put()
	*s = shape{}
}

// len returns the number of claims in the window.
func (s *shape) len() int { return len(s.par) }

// at returns the position in nodes of window position j.
func (s *shape) at(j int) int {
	if s.pos == nil {
		return j
	}
	return int(s.pos[j])
}

// node returns the claim at window position j.
func (s *shape) node(j int) *Node { return &s.nodes[s.at(j)] }

// window returns the window position of claim id, or -1.
func (s *shape) window(id int64) int {
	i := s.ids.find(id)
	if i < 0 || s.loc == nil {
		return i
	}
	return int(s.loc[i])
}
