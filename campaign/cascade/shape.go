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
	us    []int64 // claim times in microseconds since 1970, per position in nodes
	cycle []int64 // microseconds from parent claim to child claim, for each claim whose parent is known
}

func byID(a, b Node) int { return cmp.Compare(a.ID, b.ID) }

// newShape links the window's claims. A parent that is unknown, or whose id
// is not smaller than its child's, cannot be in the tree: the claim then
// hangs from the root, which keeps every parent before its child and lets
// one reverse pass add subtree sizes up, with no recursion. Times are kept
// as microseconds in a compact slice: reading a parent's time is a random
// access, cheaper there than in the nodes themselves.
func newShape(t Tree, w Window) *shape {
	nodes := t.Nodes
	if !slices.IsSortedFunc(nodes, byID) {
		nodes = slices.Clone(nodes)
		slices.SortStableFunc(nodes, byID)
	}
	s := &shape{nodes: nodes, ids: newIndex(nodes), us: make([]int64, len(nodes))}
	for i := range nodes {
		s.us[i] = nodes[i].ClaimedAt.UnixMicro()
	}
	m := len(nodes)
	if !w.whole() {
		s.loc = make([]int32, len(nodes))
		s.pos = make([]int32, 0, len(nodes))
		for i := range nodes {
			s.loc[i] = -1
			if w.contains(nodes[i].ClaimedAt) {
				s.loc[i] = int32(len(s.pos))
				s.pos = append(s.pos, int32(i))
			}
		}
		m = len(s.pos)
	}
	buf := make([]int32, 3*m)
	s.par, s.size, s.kids = buf[:m:m], buf[m:2*m:2*m], buf[2*m:]
	s.cycle = make([]int64, 0, m)
	for j := range m {
		i := s.at(j)
		n := &nodes[i]
		s.par[j] = -1
		s.size[j] = 1
		if n.Parent == 0 {
			continue
		}
		p := s.ids.find(n.Parent)
		if p < 0 || p >= i {
			continue
		}
		s.cycle = append(s.cycle, s.us[i]-s.us[p])
		if s.loc != nil {
			p = int(s.loc[p])
		}
		s.par[j] = int32(p)
	}
	for j := m - 1; j >= 0; j-- {
		if p := s.par[j]; p >= 0 {
			s.size[p] += s.size[j]
			s.kids[p]++
		}
	}
	return s
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

// depth returns the claim's depth, kept within what a tree of this many
// claims allows so that bad input cannot size a slice.
func (s *shape) depth(n *Node) int {
	return min(max(n.Depth, 1), len(s.nodes))
}
