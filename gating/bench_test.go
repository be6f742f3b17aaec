package gating_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
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
