package gating_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/gating/gatingtest"
)

// bulkTree writes a random recursive tree of n claims straight into the
// database, as fast as SQLite takes it.
func bulkTree(tb testing.TB, e *env, id campaign.ID, n int) {
	tb.Helper()
	if err := gatingtest.Synthesize(context.Background(), e.db, id, n, 1, e.clock.Now()); err != nil {
		tb.Fatal(err)
	}
}

// loadFresh reads campaign id's tree of n claims as a new process would.
func loadFresh(b *testing.B, e *env, id campaign.ID, n int) {
	err := gating.NewStore(e.db, e.clock.Now).WithTree(context.Background(), id, func(t *cascade.Tree) error {
		if len(t.Nodes) != n {
			b.Fatalf("loaded %d nodes, want %d", len(t.Nodes), n)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTreeLoad measures reading a whole campaign tree, claims and
// links, for the figures: the I/O half of computing them. Cold is a first
// read by a fresh process; snapshot the same after a restart that saved
// the tree; warm is every later one, which reads only what was added since
// (here: one new claim and one new link per read).
func BenchmarkTreeLoad(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		e := newEnv(b)
		c := e.liveCampaign(b, nil)
		bulkTree(b, e, c.ID, n)
		b.Run(fmt.Sprintf("cold/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				loadFresh(b, e, c.ID, n)
			}
		})
		// A first read after a restart that saved the tree: the snapshot
		// and the rows added since (none here).
		b.Run(fmt.Sprintf("snapshot/n=%d", n), func(b *testing.B) {
			saver := gating.NewStore(e.db, e.clock.Now)
			saver.WithTree(context.Background(), c.ID, func(*cascade.Tree) error { return nil })
			if err := saver.SaveTrees(context.Background()); err != nil {
				b.Fatal(err)
			}
			defer e.db.Write.Exec(`DELETE FROM tree_snapshots`)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				loadFresh(b, e, c.ID, n)
			}
		})
		// Saving it, as the server does when it stops: the encoding and
		// one write of the blob.
		b.Run(fmt.Sprintf("save/n=%d", n), func(b *testing.B) {
			e.gate.WithTree(context.Background(), c.ID, func(*cascade.Tree) error { return nil })
			defer e.db.Write.Exec(`DELETE FROM tree_snapshots`)
			b.ReportAllocs()
			for range b.N {
				if err := e.gate.SaveTrees(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("warm/n=%d", n), func(b *testing.B) {
			tok := e.seed(b, c.ID, 1)
			dev := device()
			mustUnlock(b, e, tok, dev)
			e.gate.WithTree(context.Background(), c.ID, func(*cascade.Tree) error { return nil })
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				m, _, err := e.gate.Forward(context.Background(), tok, dev, gating.SMS, 0)
				if err != nil {
					dev = device()
					tok = e.seed(b, c.ID, 1)
					mustUnlock(b, e, tok, dev)
					m, _, _ = e.gate.Forward(context.Background(), tok, dev, gating.SMS, 0)
				}
				mustUnlock(b, e, m.Token, device())
				b.StartTimer()
				if err := e.gate.WithTree(context.Background(), c.ID, func(*cascade.Tree) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFigures measures what GET /stats does: bring the campaign's
// tree up to date from SQLite (warm: the rows added since) and compute
// every figure on it.
func BenchmarkFigures(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			e := newEnv(b)
			c := e.liveCampaign(b, nil)
			bulkTree(b, e, c.ID, n)
			e.gate.WithTree(context.Background(), c.ID, func(*cascade.Tree) error { return nil })
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				err := e.gate.WithTree(context.Background(), c.ID, func(t *cascade.Tree) error {
					if f := cascade.Compute(*t, cascade.Window{Now: e.clock.Now()}); f.Views != n {
						b.Fatalf("views %d, want %d", f.Views, n)
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
