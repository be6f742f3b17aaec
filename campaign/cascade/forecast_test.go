package cascade

import (
	"strings"
	"testing"
	"time"
)

// generational returns a campaign of seeds claims at t0, then, a generation
// per hour, one child for each of the first kids[g] claims of generation g.
func generational(tb testing.TB, seeds int, kids ...int) Tree {
	tb.Helper()
	var t Tree
	var prev []int64
	for i := range seeds {
		id := int64(i + 1)
		t.Nodes = append(t.Nodes, Node{ID: id, Depth: 1, Link: id, ClaimedAt: t0})
		prev = append(prev, id)
	}
	for g, k := range kids {
		var next []int64
		for i := range k {
			p := prev[i%len(prev)]
			id := int64(len(t.Nodes) + 1)
			t.Nodes = append(t.Nodes, Node{ID: id, Parent: p, Depth: g + 2, Link: id, ClaimedAt: t0.Add(time.Duration(g+1) * time.Hour)})
			next = append(next, id)
		}
		prev = next
	}
	return t
}

func TestForecast(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tree   Tree
		now    time.Time
		want   Forecast
		reason string // a substring of the reason, when impossible
	}{
		{
			// Every cycle is 1h, so claims older than 1h are mature at
			// 2h30: the 30 seeds and 15 first children, 20 children
			// between them: R = 4/9; the 5 youngest bring 5·0.8 = 4.
			name: "Possible",
			tree: generational(t, 30, 15, 5),
			now:  t0.Add(150 * time.Minute),
			want: Forecast{Possible: true, FinalReach: 54, R: 20.0 / 45, Mature: 45, Active: 5},
		},
		{
			// 30 seeds with two children each: R = 2.
			name:   "Growing",
			tree:   generational(t, 30, 60),
			now:    t0.Add(90 * time.Minute),
			want:   Forecast{R: 2, Mature: 30, Active: 60},
			reason: "R = 2.000",
		},
		{
			name:   "TooFewMature",
			tree:   generational(t, 29, 5),
			now:    t0.Add(90 * time.Minute),
			want:   Forecast{R: 5.0 / 29, Mature: 29, Active: 5},
			reason: "too few mature claims (older than 1h0m0s): 29 of the 30 needed",
		},
		{
			// One mature claim: the reason needs no plural ("1 mature
			// claims" was printed by sillage stats and the API).
			name:   "OneMature",
			tree:   generational(t, 1, 1),
			now:    t0.Add(90 * time.Minute),
			want:   Forecast{R: 1, Mature: 1, Active: 1},
			reason: "too few mature claims (older than 1h0m0s): 1 of the 30 needed",
		},
		{
			// Mature by the window's clock only once all are older than
			// the p90 cycle time.
			name: "AllMature",
			tree: generational(t, 30, 15, 5),
			now:  t0.Add(100 * time.Hour),
			want: Forecast{Possible: true, FinalReach: 50, R: 20.0 / 50, Mature: 50},
		},
		{
			name:   "NoClock",
			tree:   generational(t, 30, 15, 5),
			reason: "no clock",
		},
		{
			name:   "NoForwardClaimed",
			tree:   generational(t, 40),
			now:    t0.Add(time.Hour),
			reason: "no forward",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Compute(tc.tree, Window{Now: tc.now}).Forecast
			if tc.reason == "" && got.Reason != "" || !strings.Contains(got.Reason, tc.reason) {
				t.Errorf("Reason = %q, want %q", got.Reason, tc.reason)
			}
			if tc.want.Mature+tc.want.Active > 0 && !strings.Contains(got.Assumptions, "R/(1-R)") {
				t.Errorf("Assumptions = %q, want the method", got.Assumptions)
			}
			got.Reason, got.Assumptions = "", ""
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
