package cascade

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// at is the claim time build gives claim id.
func at(id int64) time.Time { return t0.Add(time.Duration(id-1) * time.Minute) }

// claim is the view node build gives claim id, before its place.
func claim(id, parent int64, depth, down, children int, x float64, y int) ViewNode {
	return ViewNode{ID: id, Parent: parent, Depth: depth, Channel: chWhatsApp, ClaimedAt: at(id),
		Downstream: down, Children: children, X: x, Y: y}
}

func mustView(t *testing.T, tr Tree, o ViewOptions) View {
	t.Helper()
	v, err := NewView(tr, o)
	if err != nil {
		t.Fatalf("NewView(%+v): %v", o, err)
	}
	return v
}

func TestViewSmall(t *testing.T) {
	// Seed 1 with children 2 (itself with child 4) and 3; seed 5 alone.
	tr := build(t, 0, 1, 1, 2, 0)
	campaign := func(x float64) ViewNode { return ViewNode{Downstream: 5, Children: 2, X: x} }
	for _, tc := range []struct {
		name string
		o    ViewOptions
		want View
	}{
		{"Whole", ViewOptions{Budget: 10}, View{Views: 5, Drawn: 5, Width: 3, Height: 3,
			Nodes: []ViewNode{
				campaign(1.25),
				claim(1, 0, 1, 3, 2, 0.5, 1),
				claim(2, 1, 2, 1, 1, 0, 2),
				claim(4, 2, 3, 0, 0, 0, 3),
				claim(3, 1, 2, 0, 0, 1, 2),
				claim(5, 0, 1, 0, 0, 2, 1),
			},
			More: []More{},
		}},
		// The two largest subtrees; each drawn node's other branches are
		// one group, placed after its drawn children.
		{"Budget2", ViewOptions{Budget: 2}, View{Views: 5, Drawn: 2, Width: 3, Height: 3,
			Nodes: []ViewNode{campaign(1.25), claim(1, 0, 1, 3, 2, 0.5, 1), claim(2, 1, 2, 1, 1, 0, 2)},
			More: []More{
				{Parent: 2, Views: 1, Branches: 1, Depth: 3, X: 0, Y: 3},
				{Parent: 1, Views: 1, Branches: 1, Depth: 2, X: 1, Y: 2},
				{Parent: 0, Views: 1, Branches: 1, Depth: 1, X: 2, Y: 1},
			},
		}},
		// 3, 4 and 5 tie with one view each: the oldest is drawn.
		{"TieToOldest", ViewOptions{Budget: 3}, View{Views: 5, Drawn: 3, Width: 3, Height: 3,
			Nodes: []ViewNode{campaign(1.25), claim(1, 0, 1, 3, 2, 0.5, 1), claim(2, 1, 2, 1, 1, 0, 2), claim(3, 1, 2, 0, 0, 1, 2)},
			More: []More{
				{Parent: 2, Views: 1, Branches: 1, Depth: 3, X: 0, Y: 3},
				{Parent: 0, Views: 1, Branches: 1, Depth: 1, X: 2, Y: 1},
			},
		}},
		{"ExpandCampaign", ViewOptions{Budget: 2, Expand: []int64{0}}, View{Views: 5, Drawn: 3, Width: 3, Height: 3,
			Nodes: []ViewNode{campaign(1.25), claim(1, 0, 1, 3, 2, 0.5, 1), claim(2, 1, 2, 1, 1, 0, 2), claim(5, 0, 1, 0, 0, 2, 1)},
			More: []More{
				{Parent: 2, Views: 1, Branches: 1, Depth: 3, X: 0, Y: 3},
				{Parent: 1, Views: 1, Branches: 1, Depth: 2, X: 1, Y: 2},
			},
		}},
		// 4 is not drawn when its expansion comes (stale): passed over.
		{"ExpandClaim", ViewOptions{Budget: 2, Expand: []int64{4, 2}}, View{Views: 5, Drawn: 3, Width: 3, Height: 3,
			Nodes: []ViewNode{campaign(1.25), claim(1, 0, 1, 3, 2, 0.5, 1), claim(2, 1, 2, 1, 1, 0, 2), claim(4, 2, 3, 0, 0, 0, 3)},
			More: []More{
				{Parent: 1, Views: 1, Branches: 1, Depth: 2, X: 1, Y: 2},
				{Parent: 0, Views: 1, Branches: 1, Depth: 1, X: 2, Y: 1},
			},
		}},
		// A claim's cascade: its parent is named, for a way up.
		{"Root", ViewOptions{Root: 2, Budget: 10, Expand: []int64{0}}, View{Root: 2, Views: 2, Drawn: 2, Width: 1, Height: 1,
			Nodes: []ViewNode{claim(2, 1, 2, 1, 1, 0, 0), claim(4, 2, 3, 0, 0, 0, 1)},
			More:  []More{},
		}},
		{"RootBudget", ViewOptions{Root: 1, Budget: 1}, View{Root: 1, Views: 4, Drawn: 2, Width: 2, Height: 2,
			Nodes: []ViewNode{claim(1, 0, 1, 3, 2, 0.5, 0), claim(2, 1, 2, 1, 1, 0, 1)},
			More: []More{
				{Parent: 2, Views: 1, Branches: 1, Depth: 3, X: 0, Y: 2},
				{Parent: 1, Views: 1, Branches: 1, Depth: 2, X: 1, Y: 1},
			},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := mustView(t, tr, tc.o); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestViewChainAndStar(t *testing.T) {
	t.Run("Chain", func(t *testing.T) {
		v := mustView(t, build(t, path(10)...), ViewOptions{Budget: 3})
		if got, want := ids(v), []int64{0, 1, 2, 3}; !reflect.DeepEqual(got, want) {
			t.Errorf("drawn %v, want %v", got, want)
		}
		if got, want := v.More, []More{{Parent: 3, Views: 7, Branches: 1, Depth: 4, X: 0, Y: 4}}; !reflect.DeepEqual(got, want) {
			t.Errorf("More = %+v, want %+v", got, want)
		}
	})
	t.Run("Star", func(t *testing.T) {
		tr := build(t, star(10)...) // seed 1, children 2 to 11
		for _, tc := range []struct {
			expand []int64
			drawn  []int64
			more   int // views left out
		}{
			{nil, []int64{0, 1, 2, 3, 4}, 7},
			{[]int64{1}, []int64{0, 1, 2, 3, 4, 5, 6, 7, 8}, 3},
			{[]int64{1, 1}, []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0}, // a page more each time
		} {
			v := mustView(t, tr, ViewOptions{Budget: 4, Expand: tc.expand})
			if got := ids(v); !reflect.DeepEqual(got, tc.drawn) {
				t.Errorf("expand %v: drawn %v, want %v", tc.expand, got, tc.drawn)
			}
			left := 0
			for _, m := range v.More {
				left += m.Views
			}
			if left != tc.more || v.Views != 11 || v.Drawn+left != 11 {
				t.Errorf("expand %v: %d drawn + %d left out, want %d left out of 11", tc.expand, v.Drawn, left, tc.more)
			}
		}
	})
}

func ids(v View) []int64 {
	out := make([]int64, len(v.Nodes))
	for i, n := range v.Nodes {
		out[i] = n.ID
	}
	return out
}

func TestViewEdges(t *testing.T) {
	t.Run("Empty", func(t *testing.T) {
		v := mustView(t, Tree{}, ViewOptions{Budget: 100})
		want := View{Width: 1, Nodes: []ViewNode{{}}, More: []More{}}
		if !reflect.DeepEqual(v, want) {
			t.Errorf("got %+v, want %+v", v, want)
		}
	})
	t.Run("NoBudget", func(t *testing.T) {
		// A budget under 1 draws one claim, the largest.
		v := mustView(t, build(t, 0, 0, 2), ViewOptions{})
		if got, want := ids(v), []int64{0, 2}; !reflect.DeepEqual(got, want) {
			t.Errorf("drawn %v, want %v", got, want)
		}
	})
	t.Run("UnknownParent", func(t *testing.T) {
		// Claim 3's parent is unknown: it hangs from the campaign.
		tr := build(t, 0)
		tr.Nodes = append(tr.Nodes, Node{ID: 3, Parent: 2, Depth: 2, Channel: chSMS, ClaimedAt: t0})
		v := mustView(t, tr, ViewOptions{Budget: 10})
		if got, want := ids(v), []int64{0, 1, 3}; !reflect.DeepEqual(got, want) || v.Nodes[2].Y != 1 || v.Nodes[0].Children != 2 {
			t.Errorf("drawn %v (%+v), want %v, claim 3 a level below the campaign", got, v.Nodes, want)
		}
	})
	t.Run("NoSuchClaim", func(t *testing.T) {
		tr := build(t, 0, 1)
		for _, o := range []ViewOptions{{Root: 9, Budget: 5}, {Budget: 5, Expand: []int64{1, 9}}, {Root: -1, Budget: 5}} {
			if _, err := NewView(tr, o); !errors.Is(err, ErrNoClaim) {
				t.Errorf("NewView(%+v): %v, want ErrNoClaim", o, err)
			}
		}
	})
}

// On large random trees of every shape, the view keeps its promises: the
// budget, every view drawn or counted in a group, the largest subtrees
// drawn, true counts, and a tidy layout.
func TestViewRandom(t *testing.T) {
	sizes := []int{100_000, 1_000_000}
	if testing.Short() {
		sizes = sizes[:1]
	}
	r := rand.New(rand.NewPCG(5, 8))
	for _, n := range sizes {
		for _, shape := range shapes {
			if n > 100_000 && shape != recursive {
				continue
			}
			tr := randomTree(r, shape, n, 1+r.Int64N(3))
			o := newOracle(tr)
			for _, budget := range []int{1, 600, 1500} {
				t.Run(fmt.Sprintf("%s/%d/budget=%d", shape, n, budget), func(t *testing.T) {
					checkView(t, o, ViewOptions{Budget: budget}, true)
					// A seed's cascade, expanded at a few drawn claims.
					v := mustView(t, tr, ViewOptions{Budget: budget})
					root := v.Nodes[1+r.IntN(len(v.Nodes)-1)].ID
					sub := mustView(t, tr, ViewOptions{Root: root, Budget: budget})
					expand := []int64{root}
					for range 3 {
						expand = append(expand, sub.Nodes[r.IntN(len(sub.Nodes))].ID)
					}
					checkView(t, o, ViewOptions{Root: root, Budget: budget, Expand: expand}, false)
				})
			}
		}
	}
}

// oracle knows a tree the slow, obvious way, by claim id (ids of random
// trees are small enough to index slices).
type oracle struct {
	t        Tree
	node     []Node
	size     []int // claims in the subtree; the campaign's (id 0) is every claim
	children [][]int64
}

func newOracle(t Tree) *oracle {
	n := t.Nodes[len(t.Nodes)-1].ID + 1
	o := &oracle{t: t, node: make([]Node, n), size: make([]int, n), children: make([][]int64, n)}
	for _, n := range t.Nodes {
		o.node[n.ID] = n
	}
	for i := len(t.Nodes) - 1; i >= 0; i-- {
		n := t.Nodes[i]
		o.size[n.ID]++
		o.size[n.Parent] += o.size[n.ID]
		o.children[n.Parent] = append(o.children[n.Parent], n.ID)
	}
	return o
}

func checkView(t *testing.T, o *oracle, opt ViewOptions, top bool) {
	t.Helper()
	v := mustView(t, o.t, opt)
	budget := opt.Budget * (1 + len(opt.Expand))
	rootClaim := 0
	if opt.Root != 0 {
		rootClaim = 1
	}
	if v.Drawn > budget+rootClaim || v.Drawn != len(v.Nodes)-1+rootClaim {
		t.Fatalf("%d claims drawn (%d nodes), budget %d", v.Drawn, len(v.Nodes), budget)
	}
	wantViews := o.size[opt.Root] // the campaign's: every claim
	left := 0
	for _, m := range v.More {
		left += m.Views
	}
	if v.Views != wantViews || v.Drawn+left != v.Views {
		t.Fatalf("%d views = %d drawn + %d left out; want %d views", v.Views, v.Drawn, left, wantViews)
	}
	if opt.Expand == nil && v.Views-left < min(budget, v.Views-rootClaim) {
		t.Errorf("%d drawn, budget %d not used", v.Drawn, budget)
	}

	// True counts, parents drawn before children, one level below them.
	drawnKids := map[int64][]int64{}
	at := map[int64]int{}
	for i, n := range v.Nodes {
		at[n.ID] = i
		down, kids := o.size[n.ID]-1, len(o.children[n.ID])
		if n.ID == 0 {
			down++
		}
		if n.Downstream != down || n.Children != kids {
			t.Fatalf("node %d: downstream %d, children %d; want %d, %d", n.ID, n.Downstream, n.Children, down, kids)
		}
		if i == 0 {
			continue
		}
		p, ok := at[n.Parent]
		if !ok || v.Nodes[p].Y != n.Y-1 || n.Depth != o.node[n.ID].Depth {
			t.Fatalf("node %d (y %d, depth %d): parent %d not drawn before it, a level up", n.ID, n.Y, n.Depth, n.Parent)
		}
		drawnKids[n.Parent] = append(drawnKids[n.Parent], n.ID)
	}
	// Each group is exactly what its parent's drawn children leave out;
	// without expansions, nothing left out is larger than a drawn claim.
	smallestDrawn, largestLeft := int(^uint(0)>>1), 0
	for _, n := range v.Nodes[1:] {
		smallestDrawn = min(smallestDrawn, o.size[n.ID])
	}
	byParent := map[int64]More{}
	for _, m := range v.More {
		byParent[m.Parent] = m
	}
	for _, n := range v.Nodes {
		kids := o.children[n.ID]
		m, ok := byParent[n.ID]
		hidden := len(kids) - len(drawnKids[n.ID])
		if hidden == 0 {
			if ok {
				t.Fatalf("node %d: a group, but all its children are drawn", n.ID)
			}
			continue
		}
		left := n.Downstream
		for _, c := range drawnKids[n.ID] {
			left -= o.size[c]
		}
		if !ok || m.Branches != hidden || m.Views != left || m.Depth != n.Depth+1 || m.Y != n.Y+1 {
			t.Fatalf("node %d: group %+v, want %d branches, %d views", n.ID, m, hidden, left)
		}
	}
	if len(byParent) != len(v.More) {
		t.Fatalf("%d groups for %d parents", len(v.More), len(byParent))
	}
	if top && largestLeft > smallestDrawn {
		t.Errorf("a branch of %d views left out, a claim with %d drawn", largestLeft, smallestDrawn)
	}
	checkLayout(t, v)
}

// checkLayout checks the tidy layout: leaves and groups one unit apart from
// left to right in depth-first order, each parent centred over its first
// and last child.
func checkLayout(t *testing.T, v View) {
	t.Helper()
	type place struct {
		x float64
		y int
	}
	kids := map[int64][]place{}
	for _, n := range v.Nodes[1:] {
		kids[n.Parent] = append(kids[n.Parent], place{n.X, n.Y})
	}
	for _, m := range v.More {
		kids[m.Parent] = append(kids[m.Parent], place{m.X, m.Y})
	}
	leaves := 0
	for _, n := range v.Nodes {
		c := kids[n.ID]
		if len(c) == 0 {
			leaves++
			continue
		}
		if want := (c[0].x + c[len(c)-1].x) / 2; n.X != want {
			t.Fatalf("node %d at x %v, want %v between its children", n.ID, n.X, want)
		}
		for i := 1; i < len(c); i++ {
			if c[i].x <= c[i-1].x {
				t.Fatalf("children of %d not left to right: %v", n.ID, c)
			}
		}
	}
	if leaves+len(v.More) != v.Width {
		t.Errorf("width %d, want %d leaves and %d groups", v.Width, leaves, len(v.More))
	}
	seen := make([]bool, v.Width)
	for _, n := range v.Nodes {
		if len(kids[n.ID]) == 0 {
			seen[int(n.X)] = true
		}
	}
	for _, m := range v.More {
		seen[int(m.X)] = true
	}
	for x, ok := range seen {
		if !ok {
			t.Fatalf("no leaf at x %d", x)
		}
	}
}

// BenchmarkView measures a view of the whole campaign (budget 1000) and a
// view expanded three times, on trees of 100k and 1M claims.
func BenchmarkView(b *testing.B) {
	for _, shape := range []string{recursive, deep, wide} {
		for _, n := range []int{100_000, 1_000_000} {
			tr := randomTree(rand.New(rand.NewPCG(uint64(n), 2)), shape, n, 3)
			v, err := NewView(tr, ViewOptions{Budget: 1000})
			if err != nil {
				b.Fatal(err)
			}
			expand := []int64{v.Nodes[1].ID, v.More[0].Parent, v.More[len(v.More)-1].Parent}
			for _, o := range []ViewOptions{{Budget: 1000}, {Budget: 1000, Expand: expand}} {
				b.Run(fmt.Sprintf("%s/%d/expand=%d", shape, n, len(o.Expand)), func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						NewView(tr, o)
					}
				})
			}
		}
	}
}
