package cascade

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrNoClaim is returned for a view asked around a claim the tree does not
// hold (another campaign's, or none).
var ErrNoClaim = errors.New("no such claim in this tree")

// Viewing limits, for callers that take them from a request.
const (
	MaxViewBudget  = 5000 // claims drawn per step: more is more than a browser draws smoothly
	MaxViewExpands = 16   // expansions in one view
)

// ViewOptions says which part of a tree a View shows.
type ViewOptions struct {
	// Root is the claim at the root of the view (a seed's cascade, or any
	// claim's); 0 is the campaign, the root of the whole tree.
	Root int64
	// Budget is how many claims are drawn below the root; at least 1.
	Budget int
	// Expand lists drawn claims, in the order they were expanded, whose
	// hidden branches get Budget claims more each: 0 stands for the
	// campaign. A claim no longer drawn (the tree changed since) is passed
	// over.
	Expand []int64
}

// View is the part of a tree worth drawing, laid out as a tidy tree: the
// claims with the largest subtrees, which always hang together from the
// root, and one group per drawn node for the branches left out. Every view
// under the root is either drawn or counted in a group:
// Views == Drawn + the sum of More[i].Views.
type View struct {
	Root   int64      `json:"root"`   // the claim at the root, 0 for the campaign
	Views  int        `json:"views"`  // claims under the root, the root claim included
	Drawn  int        `json:"drawn"`  // claims in Nodes: the campaign is not one
	Width  int        `json:"width"`  // leaves and groups, each one unit wide
	Height int        `json:"height"` // levels below the root
	Nodes  []ViewNode `json:"nodes"`  // depth first, the root first, siblings oldest first
	More   []More     `json:"more"`   // depth first, each after its parent's drawn children
}

// ViewNode is one drawn node: a claim, or the campaign at the root.
type ViewNode struct {
	ID         int64     `json:"id"`                  // the claim's id, 0 for the campaign
	Parent     int64     `json:"parent"`              // the parent claim's id, 0 under the campaign; the root's too, for a way up
	Depth      int       `json:"depth"`               // in the campaign's tree: seed claims are 1
	Channel    string    `json:"channel,omitempty"`   // of the link claimed
	ClaimedAt  time.Time `json:"claimed_at,omitzero"` // zero for the campaign
	Downstream int       `json:"downstream"`          // views below it, drawn or not
	Children   int       `json:"children"`            // child claims, drawn or not
	X          float64   `json:"x"`                   // in leaf widths from the left
	Y          int       `json:"y"`                   // levels below the view's root
}

// More stands for the child claims of a drawn node that the view leaves
// out, and everything under them.
type More struct {
	Parent   int64   `json:"parent"`   // the drawn node they hang from: expand it to see them
	Views    int     `json:"views"`    // claims in those branches
	Branches int     `json:"branches"` // child claims of Parent left out
	Depth    int     `json:"depth"`    // of those child claims
	X        float64 `json:"x"`
	Y        int     `json:"y"`
}

// viewWork is the working memory of a view, the size of the tree; pooled
// like the figures' scratch, since the dashboard asks for a view of the
// same large tree every few seconds.
type viewWork struct {
	state []uint8 // drawn, candidate
	hist  []int32 // candidates per subtree size
	at    []int32 // position -> index among the drawn, or -1
}

const (
	drawn     = 1
	candidate = 2
)

var viewPool = sync.Pool{New: func() any { return new(viewWork) }}

// NewView cuts the view o asks for out of t (see View). Claims are chosen
// largest subtree first, ties to the oldest claim, so a deep chain is drawn
// from its top and a wide star from its first children. It runs in time
// linear in the size of the tree for each step (the first selection and
// each expansion) and does not keep t. Errors: ErrNoClaim when o.Root or a
// claim of o.Expand is not in t.
func NewView(t Tree, o ViewOptions) (View, error) {
	s := newShape(t, Window{})
	defer s.release()
	m := s.len()
	wk := viewPool.Get().(*viewWork)
	defer viewPool.Put(wk)
	if cap(wk.state) < m {
		wk.state = make([]uint8, m)
	}
	wk.state = wk.state[:m]
	clear(wk.state)
	wk.hist = resize(wk.hist, m+1)

	root := -1
	if o.Root != 0 {
		if root = s.window(o.Root); root < 0 {
			return View{}, fmt.Errorf("claim %d: %w", o.Root, ErrNoClaim)
		}
		wk.state[root] = drawn
	}
	budget := max(o.Budget, 1)
	wk.pick(s, root, budget)
	for _, id := range o.Expand {
		at := -1
		if id != 0 {
			if at = s.window(id); at < 0 {
				return View{}, fmt.Errorf("claim %d: %w", id, ErrNoClaim)
			}
		}
		// Only the root and drawn claims (all under the root) have
		// hidden branches to show.
		if at == root || (at >= 0 && wk.state[at]&drawn != 0) {
			wk.pick(s, at, budget)
		}
	}
	return wk.layout(s, root), nil
}

// pick draws the budget claims with the largest subtrees among those that
// hang, through claims not drawn, from anchor (-1: the campaign). A parent
// has a larger subtree than its child, so the claims picked hang together
// from anchor whatever the budget. Parents come before children, so one
// pass in position order finds the candidates, and a second picks them,
// ties to the oldest.
func (wk *viewWork) pick(s *shape, anchor, budget int) {
	st, par, size := wk.state, s.par, s.size
	top := int32(0)
	for j := anchor + 1; j < len(par); j++ {
		p := par[j]
		if st[j]&drawn == 0 && (int(p) == anchor || (p >= 0 && st[p]&candidate != 0)) {
			st[j] |= candidate
			wk.hist[size[j]]++
			top = max(top, size[j])
		}
	}
	// The smallest size picked, and how many of that size fit.
	var above, cut int32
	n := int32(budget)
	for cut = top; cut > 0; cut-- {
		if above+wk.hist[cut] >= n {
			break
		}
		above += wk.hist[cut]
	}
	ties := n - above
	clear(wk.hist[:top+1])
	for j := anchor + 1; j < len(par); j++ {
		if st[j]&candidate == 0 {
			continue
		}
		st[j] &^= candidate
		if size[j] > cut || (size[j] == cut && ties > 0) {
			if size[j] == cut {
				ties--
			}
			st[j] |= drawn
		}
	}
}

// layout lists the drawn nodes depth first and places them: leaves and
// groups one unit apart from left to right, each parent centred over its
// first and last child, one level per generation.
func (wk *viewWork) layout(s *shape, root int) View {
	order := wk.drawnOrder(s, root)
	first, kids := wk.children(s, root, order)
	pl := &placing{s: s, order: order, first: first, kids: kids}
	pl.begin(root)
	pl.walk()
	pl.v.Width = int(pl.leaf)
	return pl.v
}

// drawnOrder returns the drawn claims in position order, so that siblings
// come oldest first, the view's root (-1: the campaign) at index 0; wk.at
// maps a position to its index, -1 for claims not drawn.
func (wk *viewWork) drawnOrder(s *shape, root int) []int32 {
	m := s.len()
	wk.at = resize(wk.at, m)
	order := []int32{int32(root)}
	for j := root + 1; j < m; j++ {
		wk.at[j] = -1
		if wk.state[j]&drawn != 0 {
			wk.at[j] = int32(len(order))
			order = append(order, int32(j))
		}
	}
	return order
}

// children returns the drawn children of each index of order, counted
// then filled (a compressed sparse row): those of i are
// kids[first[i]:first[i+1]].
func (wk *viewWork) children(s *shape, root int, order []int32) (first, kids []int32) {
	k := len(order)
	first = make([]int32, k+1)
	parent := make([]int32, k)
	for i := 1; i < k; i++ {
		p := s.par[order[i]]
		if int(p) != root { // otherwise 0: the view's root
			parent[i] = wk.at[p]
		}
		first[parent[i]+1]++
	}
	for i := range k {
		first[i+1] += first[i]
	}
	kids = make([]int32, k)
	fill := make([]int32, k)
	copy(fill, first[:k])
	for i := 1; i < k; i++ {
		kids[fill[parent[i]]] = int32(i)
		fill[parent[i]]++
	}
	return first, kids
}

// placing is a layout under way: the drawn claims (order), their children
// (first, kids), the view built, and the next free place from the left.
type placing struct {
	s                  *shape
	order, first, kids []int32
	rootDown, rootKids int // what is below the view's root, drawn or not
	v                  View
	leaf               float64
}

// begin sets the view's root and its figures.
func (pl *placing) begin(root int) {
	s, k, m := pl.s, len(pl.order), pl.s.len()
	pl.v = View{Nodes: make([]ViewNode, 0, k), More: []More{}}
	pl.rootDown, pl.rootKids = m, 0
	if root >= 0 {
		pl.v.Root = s.node(root).ID
		pl.rootDown, pl.rootKids = int(s.size[root])-1, int(s.kids[root])
		pl.v.Drawn, pl.v.Views = k, pl.rootDown+1
		return
	}
	for _, p := range s.par {
		if p < 0 {
			pl.rootKids++
		}
	}
	pl.v.Drawn, pl.v.Views = k-1, m
}

// node is the drawn claim of index i, at level y.
func (pl *placing) node(i int32, y int) ViewNode {
	s, j := pl.s, pl.order[i]
	if j < 0 {
		return ViewNode{Downstream: pl.rootDown, Children: pl.rootKids}
	}
	nd := s.node(int(j))
	n := ViewNode{
		ID: nd.ID, Depth: int(s.depth[j]), Channel: nd.Channel, ClaimedAt: nd.ClaimedAt,
		Downstream: int(s.size[j]) - 1, Children: int(s.kids[j]), Y: y,
	}
	if i == 0 {
		n.Downstream, n.Children = pl.rootDown, pl.rootKids
	}
	if p := s.par[j]; p >= 0 {
		n.Parent = s.node(int(p)).ID
	}
	return n
}

// frame is a drawn node of the walk, the next child to visit, and the
// places of its first and last child once placed (lo < 0 before).
type frame struct {
	i, next int32
	out     int // its index in v.Nodes
	lo, hi  float64
}

func (f *frame) place(x float64) {
	if f.lo < 0 {
		f.lo = x
	}
	f.hi = x
}

// walk lists and places the nodes, depth first without recursion: a chain
// is as deep as the budget.
func (pl *placing) walk() {
	v := &pl.v
	stack := []frame{{lo: -1}}
	v.Nodes = append(v.Nodes, pl.node(0, 0))
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if c := pl.first[f.i] + f.next; c < pl.first[f.i+1] {
			f.next++
			y := len(stack)
			v.Nodes = append(v.Nodes, pl.node(pl.kids[c], y))
			v.Height = max(v.Height, y)
			stack = append(stack, frame{i: pl.kids[c], out: len(v.Nodes) - 1, lo: -1})
			continue
		}
		// Every drawn child is placed: then the group of the others,
		// then the node itself.
		n := &v.Nodes[f.out]
		pl.group(f, n)
		if f.lo < 0 {
			n.X = pl.leaf
			pl.leaf++
		} else {
			n.X = (f.lo + f.hi) / 2
		}
		stack = stack[:len(stack)-1]
		if len(stack) > 0 {
			stack[len(stack)-1].place(n.X)
		}
	}
}

// group places, after the drawn children of f's node n, the group of
// those not drawn, if any.
func (pl *placing) group(f *frame, n *ViewNode) {
	shown := int(f.next)
	if n.Children <= shown {
		return
	}
	shownDown := 0
	for c := pl.first[f.i]; c < pl.first[f.i+1]; c++ {
		shownDown += int(pl.s.size[pl.order[pl.kids[c]]])
	}
	pl.v.More = append(pl.v.More, More{
		Parent: n.ID, Views: n.Downstream - shownDown, Branches: n.Children - shown,
		Depth: n.Depth + 1, X: pl.leaf, Y: n.Y + 1,
	})
	pl.v.Height = max(pl.v.Height, n.Y+1)
	f.place(pl.leaf)
	pl.leaf++
}
