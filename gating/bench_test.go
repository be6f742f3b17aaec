package gating_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/storage"
)

// BenchmarkUnlock measures a new view: one device claiming one seed link,
// the whole transaction on a real SQLite file.
func BenchmarkUnlock(b *testing.B) {
	e := newEnv(b)
	c := e.liveCampaign(b, nil)
	minted, err := e.gate.MintSeeds(context.Background(), c.ID, gating.SeedSpec{Count: min(b.N, gating.MaxSeedBatch), Channel: gating.Plain})
	if err != nil {
		b.Fatal(err)
	}
	for len(minted) < b.N {
		more, err := e.gate.MintSeeds(context.Background(), c.ID, gating.SeedSpec{Count: min(b.N-len(minted), gating.MaxSeedBatch), Channel: gating.Plain})
		if err != nil {
			b.Fatal(err)
		}
		minted = append(minted, more...)
	}
	devices := make([][]byte, b.N)
	for i := range devices {
		devices[i] = device()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, _, err := e.gate.Unlock(context.Background(), minted[i].Token, devices[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkForward measures minting one forward link from a claim.
func BenchmarkForward(b *testing.B) {
	e := newEnv(b)
	c := e.liveCampaign(b, func(r *campaign.Rules) { r.ForwardsPerClaim = 1000 })
	tok := e.seed(b, c.ID, 1)
	dev := device()
	mustUnlock(b, e, tok, dev)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i > 0 && i%1000 == 0 {
			b.StopTimer() // a claim may forward at most 1000 times: start from a new one
			tok = e.seed(b, c.ID, 1)
			dev = device()
			mustUnlock(b, e, tok, dev)
			b.StartTimer()
		}
		if _, _, err := e.gate.Forward(context.Background(), tok, dev, gating.WhatsApp, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVisit measures the read a GET of a link makes.
func BenchmarkVisit(b *testing.B) {
	e := newEnv(b)
	c := e.liveCampaign(b, nil)
	tok := e.seed(b, c.ID, 1)
	dev := device()
	mustUnlock(b, e, tok, dev)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := e.gate.Visit(context.Background(), tok, dev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnlockParallel measures unlocks from 64 devices at once (32
// goroutines per core on this 2-core box), where writes share commits.
func BenchmarkUnlockParallel(b *testing.B) {
	e := newEnv(b)
	c := e.liveCampaign(b, nil)
	var minted []gating.Minted
	for len(minted) < b.N {
		more, err := e.gate.MintSeeds(context.Background(), c.ID, gating.SeedSpec{Count: min(b.N-len(minted), gating.MaxSeedBatch), Channel: gating.Plain})
		if err != nil {
			b.Fatal(err)
		}
		minted = append(minted, more...)
	}
	var next atomic.Int64
	b.SetParallelism(32)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			if _, _, err := e.gate.Unlock(context.Background(), minted[i].Token, device()); err != nil {
				b.Error(err)
			}
		}
	})
}

// BenchmarkHotCampaignUnlock measures new views of one campaign from 32
// goroutines per core at once, each a new device on one of its group
// links (25 seats, each link unlocked at most 25 times), on whichever
// store the environment selects. On PostgreSQL each view holds its
// counter rows from the update to the commit, so the views of one campaign
// queue on them unless they are spread over shards (SCALE-OUT.md 2.5); the
// pool has 16 connections, the server's default.
func BenchmarkHotCampaignUnlock(b *testing.B) {
	e := newEnv(b)
	if e.db.Dialect == storage.Postgres {
		e.db.Write.SetMaxOpenConns(16)
	}
	const seats = 25
	c := e.liveCampaign(b, func(r *campaign.Rules) { r.MaxSeats = seats })
	var minted []gating.Minted
	for n := (b.N + seats - 1) / seats; len(minted) < n; {
		more, err := e.gate.MintSeeds(context.Background(), c.ID, gating.SeedSpec{Count: min(n-len(minted), gating.MaxSeedBatch), Channel: gating.Plain, Seats: seats})
		if err != nil {
			b.Fatal(err)
		}
		minted = append(minted, more...)
	}
	var next atomic.Int64
	b.SetParallelism(32)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			if _, _, err := e.gate.Unlock(context.Background(), minted[i%int64(len(minted))].Token, device()); err != nil {
				b.Error(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "views/s")
	if got := e.counters(b, c.ID)["views"]; got != int64(b.N) {
		b.Errorf("views = %d, want %d", got, b.N)
	}
}
