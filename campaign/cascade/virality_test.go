package cascade

import (
	"fmt"
	"testing"
)

// TestCampaignVirality checks the campaign's structural virality: the
// size-weighted mean of its cascades' over the cascades of two claims or
// more. The old figure joined every seed claim under the campaign, so the
// forest below scored 23/9, above both its cascades, and a thousand lone
// seeds 2000/1001.
func TestCampaignVirality(t *testing.T) {
	twoPaths := append(path(10), path(10)...)
	for i := 10; i < 20; i++ {
		if twoPaths[i] != 0 {
			twoPaths[i] += 10
		}
	}
	for _, tc := range []struct {
		name    string
		parents []int64
		want    *float64 // nil: undefined
	}{
		{"Empty", nil, nil},
		{"SingleClaim", []int64{0}, nil},
		{"ThousandLoneSeeds", make([]int64, 1000), nil},
		{"StarOf11", star(10), vp(20.0 / 11)},
		{"PathOf10", path(10), vp(11.0 / 3)},
		// Two unrelated chains of 10: each scores 11/3, and so does the
		// campaign (joined under the campaign, a path of 21 nodes, they
		// scored 22/3).
		{"TwoUnrelatedPaths", twoPaths, vp(11.0 / 3)},
		// Seeds 1 (chain 1-2-3: 4/3), 4 (star 4-5,6,7: 3/2) and 8 (alone,
		// left out): (3·4/3 + 4·3/2) / 7.
		{"Forest", []int64{0, 1, 2, 0, 4, 4, 4, 0}, vp(10.0 / 7)},
		// A star of 11 among 500 lone seeds scores as the star alone.
		{"StarAmongLoneSeeds", append(star(10), make([]int64, 500)...), vp(20.0 / 11)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Compute(build(t, tc.parents...), Window{}).StructuralVirality
			if !sameFloat(got, tc.want) {
				t.Errorf("StructuralVirality = %s, want %s", fp(got), fp(tc.want))
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
		// A lone claim is at depth 1, like every seed claim, and has no
		// structural virality.
		{"SingleClaim", []int64{0}, []Cascade{{Seed: 1, Size: 1, Depth: 1, MaxBreadth: 1}}},
		{"StarOf11", star(10), []Cascade{{Seed: 1, Size: 11, Depth: 2, MaxBreadth: 10, WienerIndex: 100, StructuralVirality: vp(20.0 / 11)}}},
		{"PathOf10", path(10), []Cascade{{Seed: 1, Size: 10, Depth: 10, MaxBreadth: 1, WienerIndex: 165, StructuralVirality: vp(11.0 / 3)}}},
		{"CompleteBinaryOf15", []int64{0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7},
			[]Cascade{{Seed: 1, Size: 15, Depth: 4, MaxBreadth: 8, WienerIndex: 368, StructuralVirality: vp(368.0 / 105)}}},
		// Largest first: the star of seed 4, the chain of seed 1, seed 8 alone.
		{"Forest", []int64{0, 1, 2, 0, 4, 4, 4, 0}, []Cascade{
			{Seed: 4, Size: 4, Depth: 2, MaxBreadth: 3, WienerIndex: 9, StructuralVirality: vp(1.5)},
			{Seed: 1, Size: 3, Depth: 3, MaxBreadth: 1, WienerIndex: 4, StructuralVirality: vp(4.0 / 3)},
			{Seed: 8, Size: 1, Depth: 1, MaxBreadth: 1},
		}},
		// Equal sizes: the older seed first.
		{"Ties", []int64{0, 0, 2, 1}, []Cascade{
			{Seed: 1, Size: 2, Depth: 2, MaxBreadth: 1, WienerIndex: 1, StructuralVirality: vp(1)},
			{Seed: 2, Size: 2, Depth: 2, MaxBreadth: 1, WienerIndex: 1, StructuralVirality: vp(1)},
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
				if !sameCascade(got[i], tc.want[i]) {
					t.Errorf("cascade %d:\n got %s\nwant %s", i, cascadeString(got[i]), cascadeString(tc.want[i]))
				}
			}
			f := Compute(tr, Window{})
			if len(f.Cascades) != len(got) || (len(got) > 0 && !sameCascade(f.Cascades[0], got[0])) {
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
	if got, want := f.StructuralVirality, vp(float64(claims+1)/3); !sameFloat(got, want) {
		t.Errorf("StructuralVirality = %s, want %s", fp(got), fp(want))
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
	if got, want := c.Depth, claims; got != want {
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

// vp returns a pointer to v, for figures that may be undefined.
func vp(v float64) *float64 { return &v }

// sameFloat reports whether two optional figures are both undefined or
// both defined and equal.
func sameFloat(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// fp formats an optional figure.
func fp(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(*v)
}

// sameCascade compares two cascades field by field, virality by value.
func sameCascade(a, b Cascade) bool {
	va, vb := a.StructuralVirality, b.StructuralVirality
	a.StructuralVirality, b.StructuralVirality = nil, nil
	return a == b && sameFloat(va, vb)
}

func cascadeString(c Cascade) string {
	v := c.StructuralVirality
	c.StructuralVirality = nil
	return fmt.Sprintf("%+v virality %s", c, fp(v))
}
