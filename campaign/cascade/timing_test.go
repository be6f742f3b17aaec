package cascade

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	// Durations in microseconds; Timing is in seconds.
	for _, tc := range []struct {
		name string
		us   []int64
		want Timing
	}{
		{"Empty", nil, Timing{}},
		{"One", []int64{7e6}, Timing{1, 7, 7}},
		{"Two", []int64{4e6, 2e6}, Timing{2, 3, 3.8}},
		{"Even", []int64{4e6, 1e6, 3e6, 2e6}, Timing{4, 2.5, 3.7}},
		{"Eleven", []int64{10e6, 9e6, 8e6, 7e6, 6e6, 5e6, 4e6, 3e6, 2e6, 1e6, 0}, Timing{11, 5, 9}},
		{"Equal", slices.Repeat([]int64{3e6}, 1000), Timing{1000, 3, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, _ := timing(slices.Clone(tc.us)); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	t.Run("RandomAgainstSort", func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10))
		for n := 1; n < 3000; n += 1 + n/5 {
			xs := make([]int64, n)
			for i := range xs {
				xs[i] = r.Int64N(int64(n)) * 10
			}
			sorted := slices.Sorted(slices.Values(xs))
			at := func(num, den int) float64 {
				r := (n - 1) * num
				k, rem := r/den, r%den
				if rem == 0 {
					return float64(sorted[k])
				}
				return float64(sorted[k]) + float64(sorted[k+1]-sorted[k])*float64(rem)/float64(den)
			}
			got, _ := timing(xs)
			if want := (Timing{n, at(1, 2) / 1e6, at(9, 10) / 1e6}); got != want {
				t.Fatalf("n=%d: got %+v, want %+v", n, got, want)
			}
		}
	})
	t.Run("Patterns", func(t *testing.T) {
		// Every rank of small inputs in the shapes that break quickselects.
		patterns := map[string]func(i, n int) int64{
			"Sorted":   func(i, n int) int64 { return int64(i) },
			"Reversed": func(i, n int) int64 { return int64(n - i) },
			"Equal":    func(i, n int) int64 { return 7 },
			"TwoValues": func(i, n int) int64 {
				return int64(i % 2)
			},
			"OrganPipe": func(i, n int) int64 { return int64(min(i, n-i)) },
		}
		for name, f := range patterns {
			for n := 1; n <= 70; n++ {
				xs := make([]int64, n)
				for i := range xs {
					xs[i] = f(i, n)
				}
				sorted := slices.Sorted(slices.Values(xs))
				for k := range n {
					ys := slices.Clone(xs)
					selectKth(ys, k)
					if ys[k] != sorted[k] || slices.Max(ys[:k+1]) != ys[k] || slices.Min(ys[k:]) != ys[k] {
						t.Fatalf("%s n=%d k=%d: got %v", name, n, k, ys)
					}
				}
			}
		}
	})
	t.Run("AgainstSort", func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 8))
		for n := 1; n < 2000; n += 1 + n/3 {
			xs := make([]int64, n)
			for i := range xs {
				xs[i] = r.Int64N(int64(n/2 + 1)) // duplicates
			}
			sorted := slices.Sorted(slices.Values(xs))
			for k := 0; k < n; k += 1 + n/7 {
				ys := slices.Clone(xs)
				selectKth(ys, k)
				if got, want := ys[k], sorted[k]; got != want {
					t.Fatalf("n=%d k=%d: got %d, want %d", n, k, got, want)
				}
			}
		}
	})
}

func TestMilestones(t *testing.T) {
	t.Run("Path", func(t *testing.T) {
		// Claim i, at depth i, comes i-1 minutes after t0.
		f := Compute(build(t, path(120)...), Window{})
		want := Milestones{
			Views: []Milestone{{10, t0.Add(9 * time.Minute), 540}, {100, t0.Add(99 * time.Minute), 5940}},
			Depth: []Milestone{
				{2, t0.Add(time.Minute), 60}, {3, t0.Add(2 * time.Minute), 120}, {5, t0.Add(4 * time.Minute), 240},
				{10, t0.Add(9 * time.Minute), 540}, {20, t0.Add(19 * time.Minute), 1140}, {50, t0.Add(49 * time.Minute), 2940},
				{100, t0.Add(99 * time.Minute), 5940},
			},
		}
		if !equal(f.Milestones.Views, want.Views) {
			t.Errorf("Views = %v, want %v", f.Milestones.Views, want.Views)
		}
		if !equal(f.Milestones.Depth, want.Depth) {
			t.Errorf("Depth = %v, want %v", f.Milestones.Depth, want.Depth)
		}
	})
	t.Run("OutOfOrder", func(t *testing.T) {
		// 1500 seed claims whose times run backwards: claim i at 1500-i
		// minutes, so the k-th view is the k-th from the end.
		var tr Tree
		for i := range 1500 {
			tr.Nodes = append(tr.Nodes, Node{ID: int64(i + 1), Depth: 1, ClaimedAt: t0.Add(time.Duration(1500-i) * time.Minute)})
		}
		f := Compute(tr, Window{})
		want := []Milestone{
			{10, t0.Add(10 * time.Minute), 540},
			{100, t0.Add(100 * time.Minute), 5940},
			{1000, t0.Add(1000 * time.Minute), 59940},
		}
		if !equal(f.Milestones.Views, want) {
			t.Errorf("Views = %v, want %v", f.Milestones.Views, want)
		}
		if got := f.Milestones.Depth; len(got) != 0 {
			t.Errorf("Depth = %v, want none", got)
		}
	})
}

func TestViewsPerHour(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2025, 3, 14, h, m, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name  string
		times []time.Time
		want  Series
	}{
		{"Empty", nil, Series{Counts: []int{}}},
		{"Gap", []time.Time{at(10, 15), at(10, 45), at(12, 5)}, Series{Start: at(10, 0), Counts: []int{2, 0, 1}}},
		{"OutOfOrder", []time.Time{at(12, 59), at(11, 0), at(11, 59)}, Series{Start: at(11, 0), Counts: []int{2, 1}}},
		{"OtherZone", []time.Time{at(10, 15).In(time.FixedZone("IST", 5*3600+1800))}, Series{Start: at(10, 0), Counts: []int{1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tr Tree
			for i, at := range tc.times {
				tr.Nodes = append(tr.Nodes, Node{ID: int64(i + 1), Depth: 1, ClaimedAt: at})
			}
			got := Compute(tr, Window{}).ViewsPerHour
			if !got.Start.Equal(tc.want.Start) || !equal(got.Counts, tc.want.Counts) {
				t.Errorf("got %v %v, want %v %v", got.Start, got.Counts, tc.want.Start, tc.want.Counts)
			}
		})
	}
	t.Run("Bounded", func(t *testing.T) {
		// A claim dated year 1 cannot make the series millions of hours long.
		tr := Tree{Nodes: []Node{{ID: 1, Depth: 1}, {ID: 2, Depth: 1, ClaimedAt: at(10, 0)}}}
		got := Compute(tr, Window{}).ViewsPerHour
		start := at(10, 0).Add(-(maxHours - 1) * time.Hour)
		if len(got.Counts) != maxHours || got.Counts[maxHours-1] != 1 || !got.Start.Equal(start) {
			t.Errorf("got %d hours from %v, want %d from %v, the last with 1 view", len(got.Counts), got.Start, maxHours, start)
		}
	})
}
