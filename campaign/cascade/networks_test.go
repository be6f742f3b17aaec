package cascade

import (
	"testing"
	"time"
)

func TestNetworks(t *testing.T) {
	// withNetworks gives the claims of a star of len(nets) claims the
	// networks nets, in order.
	withNetworks := func(nets ...uint32) Tree {
		tr := build(t, star(len(nets)-1)...)
		for i, n := range nets {
			tr.Nodes[i].Network = n
		}
		return tr
	}
	repeat := func(n uint32, times int) []uint32 {
		out := make([]uint32, times)
		for i := range out {
			out[i] = n
		}
		return out
	}
	// Twenty-one views: network 1 has 6, 2 has 3, 3 to 12 one each, two
	// unknown; the ten busiest hold 6 + 3 + 8.
	twelve := append(append(repeat(1, 6), repeat(2, 3)...), 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0)
	for _, tc := range []struct {
		name string
		tree Tree
		want Networks
	}{
		{"Empty", Tree{}, Networks{}},
		{"AllUnknown", withNetworks(0, 0, 0), Networks{Unknown: 3}},
		{"OnePerson", withNetworks(repeat(7, 10)...), Networks{Distinct: 1, Top: 10, TopShare: 1, Top10Share: 1, OnePerson: true}},
		// Nine views from one network: too few to call it one person.
		{"TooFewToFlag", withNetworks(repeat(7, 9)...), Networks{Distinct: 1, Top: 9, TopShare: 1, Top10Share: 1}},
		// Ten of twenty is half, not more than half.
		{"HalfIsNotOne", withNetworks(append(repeat(7, 10), 1, 2, 3, 4, 5, 6, 8, 9, 10, 11)...),
			Networks{Distinct: 11, Top: 10, TopShare: 0.5, Top10Share: 19.0 / 20}},
		// Unknown views are not one network: ten of twenty-one, not ten of ten.
		{"UnknownDilutes", withNetworks(append(repeat(7, 10), repeat(0, 11)...)...),
			Networks{Distinct: 1, Unknown: 11, Top: 10, TopShare: 10.0 / 21, Top10Share: 10.0 / 21}},
		{"TopTen", withNetworks(twelve...),
			Networks{Distinct: 12, Unknown: 2, Top: 6, TopShare: 6.0 / 21, Top10Share: 17.0 / 21}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Compute(tc.tree, Window{}).Networks; got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
	t.Run("Window", func(t *testing.T) {
		// The first ten claims (minutes 0 to 9) are one network's; a
		// window from minute 10 holds only the other ones.
		tr := withNetworks(append(repeat(7, 10), 1, 2, 3)...)
		got := Compute(tr, Window{From: t0.Add(10 * time.Minute)}).Networks
		if want := (Networks{Distinct: 3, Top: 1, TopShare: 1.0 / 3, Top10Share: 1}); got != want {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
		if all := Compute(tr, Window{}).Networks; !all.OnePerson {
			t.Errorf("the whole campaign: %+v, want flagged", all)
		}
	})
}
