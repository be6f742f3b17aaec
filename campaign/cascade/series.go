package cascade

import (
	"math"
	"slices"
	"time"
)

// maxHours bounds the views-per-hour series (five years), so that one bad
// timestamp cannot make it millions of entries long.
const maxHours = 5 * 366 * 24

// Series counts views per hour.
type Series struct {
	Start  time.Time `json:"start,omitzero"` // the first hour, UTC; zero when there is no view
	Counts []int     `json:"counts"`         // views in [Start + i h, Start + (i+1) h)
}

// Milestone is the time a figure first reached a value.
type Milestone struct {
	Value int       `json:"value"`
	At    time.Time `json:"at"`            // UTC, to the microsecond
	After float64   `json:"after_seconds"` // since the window's first view
}

// Milestones are the times the window reached 10, 100, 1000… views, and
// depth 2, 3, 5, 10, 20, 50, 100… (chain letters go hundreds deep, so the
// steps go on past 10). Only values reached are listed.
type Milestones struct {
	Views []Milestone `json:"views"`
	Depth []Milestone `json:"depth"`
}

// clock holds the window's claim times as microseconds since 1970, which
// are cheaper to select and bucket than time.Time and, unlike
// nanoseconds, cover every year a bad timestamp may hold.
type clock struct {
	at          []int64 // per window position
	first, last int64
	depthFirst  []int64 // earliest claim at each depth, index 0 = depth 1
}

// clock copies the window's claim times into buf, which it may reuse.
func (s *shape) clock(maxDepth int, buf []int64) *clock {
	m := s.len()
	c := &clock{at: slices.Grow(buf[:0], m)[:m], depthFirst: make([]int64, maxDepth)} // every at[j] is set below
	for d := range c.depthFirst {
		c.depthFirst[d] = math.MaxInt64
	}
	for j := range m {
		v := s.us[s.at(j)]
		c.at[j] = v
		if j == 0 || v < c.first {
			c.first = v
		}
		if j == 0 || v > c.last {
			c.last = v
		}
		d := s.depth[j] - 1
		c.depthFirst[d] = min(c.depthFirst[d], v)
	}
	return c
}

func (c *clock) time(us int64) time.Time { return time.UnixMicro(us).UTC() }

// perHour buckets the views by hour, from the hour of the first view to the
// hour of the last, keeping the last maxHours.
func (c *clock) perHour() Series {
	if len(c.at) == 0 {
		return Series{Counts: []int{}}
	}
	start := c.time(c.first).Truncate(time.Hour)
	end := c.time(c.last).Truncate(time.Hour)
	hours := int(end.Sub(start)/time.Hour) + 1
	if hours > maxHours {
		start = end.Add(-(maxHours - 1) * time.Hour)
		hours = maxHours
	}
	from, hour := start.UnixMicro(), time.Hour.Microseconds()
	out := Series{Start: start, Counts: make([]int, hours)}
	for _, v := range c.at {
		if v >= from {
			out.Counts[(v-from)/hour]++
		}
	}
	return out
}

// milestones reads the k-th view's time with a selection per power of ten,
// the largest first: the smaller ranks are then all in the prefix it left,
// so the selections together read about 1.1 n values. It reorders c.at.
func (c *clock) milestones() Milestones {
	out := Milestones{Views: []Milestone{}, Depth: []Milestone{}}
	var ranks []int
	for k := 10; k <= len(c.at); k *= 10 {
		ranks = append(ranks, k)
	}
	out.Views = make([]Milestone, len(ranks))
	xs := c.at
	for i := len(ranks) - 1; i >= 0; i-- {
		k := ranks[i]
		selectKth(xs, k-1)
		out.Views[i] = c.milestone(k, xs[k-1])
		xs = xs[:k-1]
	}
	// Earliest claim at depth d or deeper, deepest first.
	for d := len(c.depthFirst) - 2; d >= 0; d-- {
		c.depthFirst[d] = min(c.depthFirst[d], c.depthFirst[d+1])
	}
	for d := 2; d <= len(c.depthFirst); d = nextDepthStep(d) {
		out.Depth = append(out.Depth, c.milestone(d, c.depthFirst[d-1]))
	}
	return out
}

func (c *clock) milestone(v int, us int64) Milestone {
	return Milestone{Value: v, At: c.time(us), After: float64(us-c.first) / 1e6}
}

// nextDepthStep walks 2, 3, 5, 10, then 1-2-5 steps: 20, 50, 100, 200…
func nextDepthStep(d int) int {
	switch d {
	case 2:
		return 3
	case 3:
		return 5
	}
	for p := 10; ; p *= 10 {
		switch {
		case d < p:
			return p
		case d < 2*p:
			return 2 * p
		case d < 5*p:
			return 5 * p
		}
	}
}
