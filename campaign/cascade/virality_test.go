package cascade

import (
	"testing"
)

func TestWienerIndex(t *testing.T) {
	// Each tree is given without its root: the campaign is the root, so a
	// campaign of k seed claims is a star of k+1 nodes.
	for _, tc := range []struct {
		name     string
		parents  []int64
		wiener   uint64
		virality float64
	}{
		{"Empty", nil, 0, 0},
		{"SingleClaim", []int64{0}, 1, 1},
		{"StarOf11", make([]int64, 10), 100, 20.0 / 11},
		{"PathOf10", path(9), 165, 11.0 / 3},
		{"CompleteBinaryOf15", []int64{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6}, 368, 368.0 / 105},
		// Seeds 1 (chain 1-2-3), 4 (star 4-5,6,7) and 8 (alone).
		{"Forest", []int64{0, 1, 2, 0, 4, 4, 4, 0}, 92, 23.0 / 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := build(t, tc.parents...)
			if got, want := WienerIndex(tr), tc.wiener; got != want {
				t.Errorf("WienerIndex = %d, want %d", got, want)
			}
			if got, want := StructuralVirality(tr), tc.virality; got != want {
				t.Errorf("StructuralVirality = %v, want %v", got, want)
			}
			f := Compute(tr, Window{})
			if got, want := f.WienerIndex, tc.wiener; got != want {
				t.Errorf("Figures.WienerIndex = %d, want %d", got, want)
			}
			if got, want := f.StructuralVirality, tc.virality; got != want {
				t.Errorf("Figures.StructuralVirality = %v, want %v", got, want)
			}
		})
	}
}

func TestCascades(t *testing.T) {
	for _, tc := range []struct {
		name    string
		parents []int64
		want    []Cascade
	}{
		{"Empty", nil, []Cascade{}},
		{"SingleClaim", []int64{0}, []Cascade{{Seed: 1, Size: 1, Depth: 0, MaxBreadth: 1}}},
		{"StarOf11", star(10), []Cascade{{Seed: 1, Size: 11, Depth: 1, MaxBreadth: 10, WienerIndex: 100, StructuralVirality: 20.0 / 11}}},
		{"PathOf10", path(10), []Cascade{{Seed: 1, Size: 10, Depth: 9, MaxBreadth: 1, WienerIndex: 165, StructuralVirality: 11.0 / 3}}},
		{"CompleteBinaryOf15", []int64{0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7},
			[]Cascade{{Seed: 1, Size: 15, Depth: 3, MaxBreadth: 8, WienerIndex: 368, StructuralVirality: 368.0 / 105}}},
		// Largest first: the star of seed 4, the chain of seed 1, seed 8 alone.
		{"Forest", []int64{0, 1, 2, 0, 4, 4, 4, 0}, []Cascade{
			{Seed: 4, Size: 4, Depth: 1, MaxBreadth: 3, WienerIndex: 9, StructuralVirality: 1.5},
			{Seed: 1, Size: 3, Depth: 2, MaxBreadth: 1, WienerIndex: 4, StructuralVirality: 4.0 / 3},
			{Seed: 8, Size: 1, Depth: 0, MaxBreadth: 1},
		}},
		// Equal sizes: the older seed first.
		{"Ties", []int64{0, 0, 2, 1}, []Cascade{
			{Seed: 1, Size: 2, Depth: 1, MaxBreadth: 1, WienerIndex: 1, StructuralVirality: 1},
			{Seed: 2, Size: 2, Depth: 1, MaxBreadth: 1, WienerIndex: 1, StructuralVirality: 1},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := build(t, tc.parents...)
			for i := range tc.want {
				// Seed claim i has link i and claims at i-1 minutes.
				w := &tc.want[i]
				w.Link, w.Channel, w.ClaimedAt = w.Seed, chWhatsApp, tr.Nodes[w.Seed-1].ClaimedAt
			}
			got := Cascades(tr, Window{})
			if len(got) != len(tc.want) {
				t.Fatalf("got %d cascades, want %d: %+v", len(got), len(tc.want), got)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("cascade %d:\n got %+v\nwant %+v", i, got[i], tc.want[i])
				}
			}
			f := Compute(tr, Window{})
			if len(f.Cascades) != len(got) || (len(got) > 0 && f.Cascades[0] != got[0]) {
				t.Errorf("Figures.Cascades = %+v, want %+v", f.Cascades, got)
			}
		})
	}
}

// TestDeepPath checks that a 100,000-deep chain is walked without recursion
// and measured exactly: a path of n nodes has Wiener index (n³-n)/6 and
// virality (n+1)/3.
func TestDeepPath(t *testing.T) {
	const claims = 100_000
	tr := build(t, path(claims)...)
	f := Compute(tr, Window{})
	n := uint64(claims + 1) // with the root
	if got, want := f.WienerIndex, (n*n*n-n)/6; got != want {
		t.Errorf("WienerIndex = %d, want %d", got, want)
	}
	if got, want := f.StructuralVirality, float64(n+1)/3; got != want {
		t.Errorf("StructuralVirality = %v, want %v", got, want)
	}
	if got, want := f.Depth.Max, claims; got != want {
		t.Errorf("Depth.Max = %d, want %d", got, want)
	}
	if got, want := f.MaxBreadth, 1; got != want {
		t.Errorf("MaxBreadth = %d, want %d", got, want)
	}
	if got, want := len(f.Generations), claims; got != want {
		t.Errorf("len(Generations) = %d, want %d", got, want)
	}
	if got, want := f.Ambassadors.BySubtree[0].Descendants, claims-1; got != want {
		t.Errorf("top ambassador's descendants = %d, want %d", got, want)
	}
	if len(f.Cascades) != 1 {
		t.Fatalf("got %d cascades, want 1", len(f.Cascades))
	}
	c, k := f.Cascades[0], uint64(claims)
	if got, want := c.WienerIndex, (k*k*k-k)/6; got != want {
		t.Errorf("cascade WienerIndex = %d, want %d", got, want)
	}
	if got, want := c.Depth, claims-1; got != want {
		t.Errorf("cascade Depth = %d, want %d", got, want)
	}
	depths := []int{}
	for _, m := range f.Milestones.Depth {
		depths = append(depths, m.Value)
	}
	wantDepths := []int{2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000}
	if !equal(depths, wantDepths) {
		t.Errorf("depth milestones = %v, want %v", depths, wantDepths)
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
