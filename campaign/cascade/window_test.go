package cascade

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestWindow(t *testing.T) {
	// 1 seed at 0h, 2 child of 1 at 1h, 3 child of 2 at 2h, 5 seed at 2h30,
	// 4 child of 3 at 3h.
	h := func(x float64) time.Time { return t0.Add(time.Duration(x * float64(time.Hour))) }
	tr := Tree{Nodes: []Node{
		{ID: 1, Depth: 1, Link: 1, ClaimedAt: h(0)},
		{ID: 2, Parent: 1, Depth: 2, Link: 2, ClaimedAt: h(1)},
		{ID: 3, Parent: 2, Depth: 3, Link: 3, ClaimedAt: h(2)},
		{ID: 4, Parent: 3, Depth: 4, Link: 4, ClaimedAt: h(3)},
		{ID: 5, Depth: 1, Link: 5, ClaimedAt: h(2.5)},
	}, Links: []Link{
		{ID: 1, Seats: 1, Claims: 1, CreatedAt: h(0), FirstClaimAt: h(0)},
		{ID: 2, Sender: 1, Seats: 1, Claims: 1, CreatedAt: h(0.5), FirstClaimAt: h(1)},
		{ID: 3, Sender: 2, Seats: 1, Claims: 1, CreatedAt: h(1.5), FirstClaimAt: h(2)},
		{ID: 4, Sender: 3, Seats: 1, Claims: 1, CreatedAt: h(2), FirstClaimAt: h(3)},
		{ID: 5, Seats: 1, Claims: 1, CreatedAt: h(2), FirstClaimAt: h(2.5)},
	}}
	t.Run("Whole", func(t *testing.T) {
		f := Compute(tr, Window{From: h(0), To: h(10)})
		g := Compute(tr, Window{})
		if !reflect.DeepEqual(f, g) {
			t.Errorf("a window around everything differs from no window:\n%+v\n%+v", f, g)
		}
	})
	t.Run("Cut", func(t *testing.T) {
		// [1h30, 3h30) holds 3 (its parent outside), 4 and 5; links 3, 4, 5.
		f := Compute(tr, Window{From: h(1.5), To: h(3.5)})
		if got, want := f.Views, 3; got != want {
			t.Errorf("Views = %d, want %d", got, want)
		}
		// True depths are kept.
		if got, want := f.Generations, []int{1, 0, 1, 1}; !equal(got, want) {
			t.Errorf("Generations = %v, want %v", got, want)
		}
		if got, want := f.Branching, []float64{0, 0, 1, 0}; !equal(got, want) {
			t.Errorf("Branching = %v, want %v", got, want)
		}
		// 3 is in no cascade: its parent is outside. 5 is alone, so no
		// cascade of the window has a structural virality.
		if got := f.Cascades; len(got) != 1 || got[0].Seed != 5 || got[0].Size != 1 {
			t.Errorf("Cascades = %+v, want seed 5 alone", got)
		}
		if got := f.StructuralVirality; got != nil {
			t.Errorf("StructuralVirality = %v, want nil", *got)
		}
		// 4 was brought by 3, in the window: one new viewer for three.
		if got, want := f.KFactor.All, 1.0/3; got != want {
			t.Errorf("KFactor.All = %v, want %v", got, want)
		}
		// 3's cycle from 2 (outside) still counts.
		if got, want := f.CycleTime, (Timing{Count: 2, Median: 3600, P90: 3600}); got != want {
			t.Errorf("CycleTime = %+v, want %+v", got, want)
		}
		if got, want := f.Links, 3; got != want {
			t.Errorf("Links = %d, want %d", got, want)
		}
		if got, want := f.Forwards.All, 2; got != want {
			t.Errorf("Forwards.All = %d, want %d", got, want)
		}
		// Link 3 was minted by 2, outside: a forward, but nobody's in the window.
		if got, want := f.Forwarders, 1; got != want {
			t.Errorf("Forwarders = %d, want %d", got, want)
		}
		if got := f.Ambassadors.BySubtree; len(got) != 1 || got[0].Claim != 3 || got[0].Descendants != 1 {
			t.Errorf("Ambassadors.BySubtree = %+v, want 3 with 1", got)
		}
	})
	t.Run("OpenedBeforeTo", func(t *testing.T) {
		// Link 4 was minted at 2h and first claimed at 3h.
		f := Compute(tr, Window{From: h(1.5), To: h(2.75)})
		if got, want := f.LinksOpened, 2; got != want {
			t.Errorf("LinksOpened = %d, want %d", got, want)
		}
		if got, want := f.Views, 2; got != want {
			t.Errorf("Views = %d, want %d", got, want)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		f := Compute(tr, Window{From: h(5)})
		if f.Views != 0 || f.Links != 0 || len(f.Generations) != 0 {
			t.Errorf("window after the campaign: %+v", f)
		}
	})
}

// TestInput checks that input the loader should never produce still gives
// sensible figures instead of a panic.
func TestInput(t *testing.T) {
	t.Run("Unsorted", func(t *testing.T) {
		tr := randomTree(rand.New(rand.NewPCG(1, 2)), mixed, 500, 3)
		want := Compute(tr, Window{})
		shuffled := tr
		shuffled.Nodes = slices.Clone(tr.Nodes)
		rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled.Nodes), func(i, j int) {
			shuffled.Nodes[i], shuffled.Nodes[j] = shuffled.Nodes[j], shuffled.Nodes[i]
		})
		got := Compute(shuffled, Window{})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("shuffled nodes give other figures")
		}
	})
	t.Run("UnknownParentAndBadDepth", func(t *testing.T) {
		tr := build(t, 0, 1, 2)
		tr.Nodes[1].Parent = 99 // unknown: hangs from the root
		tr.Nodes[2].Depth = 0
		tr.Nodes[0].Depth = 1 << 40
		f := Compute(tr, Window{})
		// 2 hangs from the root: cascades 1 alone and 2 -> 3 (which
		// starts no cascade, having a parent id).
		if got := f.Cascades; len(got) != 1 || got[0].Seed != 1 || got[0].Size != 1 {
			t.Errorf("Cascades = %+v, want seed 1 alone", got)
		}
		// Depths kept within [1, claims].
		if got, want := f.Generations, []int{1, 1, 1}; !equal(got, want) {
			t.Errorf("Generations = %v, want %v", got, want)
		}
	})
	t.Run("SparseIDs", func(t *testing.T) {
		dense := randomTree(rand.New(rand.NewPCG(5, 6)), recursive, 2000, 1)
		sparse := randomTree(rand.New(rand.NewPCG(5, 6)), recursive, 2000, 1<<40)
		want := Compute(dense, Window{})
		got := Compute(sparse, Window{})
		if !sameFloat(got.StructuralVirality, want.StructuralVirality) || got.StructuralVirality == nil {
			t.Errorf("StructuralVirality = %s, want %s", fp(got.StructuralVirality), fp(want.StructuralVirality))
		}
		if len(got.Cascades) != len(want.Cascades) {
			t.Fatalf("%d cascades, want %d", len(got.Cascades), len(want.Cascades))
		}
		for i := range got.Cascades {
			if g, w := got.Cascades[i], want.Cascades[i]; g.Size != w.Size || g.WienerIndex != w.WienerIndex {
				t.Errorf("cascade %d: size %d wiener %d, want %d %d", i, g.Size, g.WienerIndex, w.Size, w.WienerIndex)
			}
		}
	})
}
