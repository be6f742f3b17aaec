package cascade

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestPhases(t *testing.T) {
	for _, shape := range []string{recursive, deep, wide} {
		tr := randomTree(rand.New(rand.NewPCG(1e6, 1)), shape, 1_000_000, 3)
		w := Window{Now: tr.Nodes[len(tr.Nodes)-1].ClaimedAt}
		for range 2 {
			var ph []time.Duration
			mark := time.Now()
			lap := func() { ph = append(ph, time.Since(mark)); mark = time.Now() }
			x := newIndex(tr.Nodes)
			lap()
			n := 0
			for i := range tr.Nodes {
				if x.find(tr.Nodes[i].Parent) >= 0 {
					n++
				}
			}
			lap()
			s := newShape(tr, w)
			lap()
			s.generations()
			s.wiener()
			lap()
			l := s.countLinks(tr, w)
			lap()
			_, p90 := timing(s.cycle)
			timing(l.toOpen)
			lap()
			s.forecast(w.Now, p90, 1)
			lap()
			gens, _ := s.generations()
			c := s.clock(len(gens), s.cycle)
			c.perHour()
			c.milestones()
			lap()
			s.ambassadors(l, tr, 10)
			lap()
			s.cascades()
			lap()
			t.Log(shape, ph)
		}
	}
}
