package gating_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// takeOverPair is a new device, a link A whose one seat an earlier device
// released (a takeover waits there) and a link B with a free seat, of one
// campaign.
type takeOverPair struct {
	dev  []byte
	a, b gating.Minted
	old  int64 // the released claim of A
}

// takeOverPairs mints n pairs on a new live campaign.
func (e *env) takeOverPairs(tb testing.TB, n int) (campaign.ID, []takeOverPair) {
	tb.Helper()
	ctx := context.Background()
	c := e.liveCampaign(tb, nil)
	minted, err := e.gate.MintSeeds(ctx, c.ID, gating.SeedSpec{Count: 2 * n, Channel: gating.Plain, Seats: 1})
	if err != nil {
		tb.Fatal(err)
	}
	pairs := make([]takeOverPair, n)
	for i := range pairs {
		p := takeOverPair{dev: device(), a: minted[2*i], b: minted[2*i+1]}
		p.old = mustUnlock(tb, e, p.a.Token, device()).ID
		if _, err := e.gate.Release(ctx, c.ID, p.old); err != nil {
			tb.Fatal(err)
		}
		pairs[i] = p
	}
	return c.ID, pairs
}

// unlocked is what one unlock returned.
type unlocked struct {
	claim   *gating.Claim
	outcome gating.Outcome
	err     error
}

// checkTakeOverPairs checks that each pair's device, which unlocked A and
// B, holds one node: A's taken-over claim or a new claim under B, the
// other unlock an exposure of it. A seat the device did not take stays
// free for the next device, whose takeover the check makes. got[i] holds
// the unlocks of pair i, A's first.
func (e *env) checkTakeOverPairs(tb testing.TB, id campaign.ID, pairs []takeOverPair, got [][2]unlocked) {
	tb.Helper()
	ctx := context.Background()
	var newViews, takeOvers int
	for i, p := range pairs {
		a, b := got[i][0], got[i][1]
		if a.err != nil || b.err != nil {
			tb.Errorf("pair %d: unlock errors %v (A) and %v (B)", i, a.err, b.err)
			continue
		}
		var claim, link int64
		if err := e.db.Read.QueryRow(`SELECT id, link_id FROM claims WHERE campaign_id = $1 AND device_hash = $2`, id, p.dev).Scan(&claim, &link); err != nil {
			tb.Fatalf("pair %d: the device's claim: %v", i, err)
		}
		if n := e.count(tb, `SELECT COUNT(*) FROM claims WHERE device_hash = $1`, p.dev); n != 1 {
			tb.Errorf("pair %d: %d claims stored for the device, want 1", i, n)
		}
		if a.claim.ID != claim || b.claim.ID != claim {
			tb.Errorf("pair %d: unlocks returned claims %d and %d, want the stored %d", i, a.claim.ID, b.claim.ID, claim)
		}
		won, lost := p.a, p.b // the link of the device's node, the one it was exposed to
		switch {
		case a.outcome == gating.TakeOver && b.outcome == gating.Exposure:
			takeOvers++
			if claim != p.old {
				tb.Errorf("pair %d: took over claim %d, want A's released %d", i, claim, p.old)
			}
		case a.outcome == gating.Exposure && b.outcome == gating.NewView:
			newViews++
			won, lost = p.b, p.a
		default:
			tb.Errorf("pair %d: outcomes %v (A) and %v (B), want a takeover and an exposure, or an exposure and a new view", i, a.outcome, b.outcome)
			continue
		}
		if link != won.ID {
			tb.Errorf("pair %d: the claim is on link %d, want %d", i, link, won.ID)
		}
		if n := e.count(tb, `SELECT COUNT(*) FROM exposures WHERE claim_id = $1 AND link_id = $2`, claim, lost.ID); n != 1 {
			tb.Errorf("pair %d: %d exposures of claim %d to link %d, want 1", i, n, claim, lost.ID)
		}
		tookA := a.outcome == gating.TakeOver
		wantA, wantTaken := [2]int{0, 1}, 0 // A's claimed and released, its release taken over
		if tookA {
			wantA, wantTaken = [2]int{1, 0}, 1
		}
		var gotA [2]int
		if err := e.db.Read.QueryRow(`SELECT claimed, released FROM links WHERE id = $1`, p.a.ID).Scan(&gotA[0], &gotA[1]); err != nil {
			tb.Fatal(err)
		}
		if gotA != wantA {
			tb.Errorf("pair %d: A's claimed, released = %v, want %v", i, gotA, wantA)
		}
		if n := e.count(tb, `SELECT COUNT(*) FROM seat_releases WHERE claim_id = $1 AND taken_over_at IS NOT NULL`, p.old); n != wantTaken {
			tb.Errorf("pair %d: A's release taken over %d times, want %d", i, n, wantTaken)
		}
	}
	if tb.Failed() {
		return
	}
	n := int64(len(pairs))
	counters := e.counters(tb, id)
	if counters["views"] != n+int64(newViews) || counters["takeovers"] != int64(takeOvers) || counters["exposures"] != n {
		tb.Errorf("views %d, takeovers %d, exposures %d; want %d, %d and %d",
			counters["views"], counters["takeovers"], counters["exposures"], n+int64(newViews), takeOvers, n)
	}
	if got := e.count(tb, `SELECT COUNT(*) FROM claims WHERE campaign_id = $1`, id); int64(got) != counters["views"] {
		tb.Errorf("%d claims stored, views counter %d", got, counters["views"])
	}
	tree, err := e.gate.Tree(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	// Every earlier device and every new one saw the content once.
	if f := cascade.Compute(*tree, cascade.Window{}); f.Reach != int(2*n) || f.Views != int(counters["views"]) {
		tb.Errorf("reach %d, views %d; want %d and %d", f.Reach, f.Views, 2*n, counters["views"])
	}

	// The next device takes over each seat still free.
	for i, p := range pairs {
		claim, outcome, err := e.gate.Unlock(ctx, p.a.Token, device())
		switch {
		case got[i][0].outcome == gating.TakeOver:
			if !errors.Is(err, gating.ErrSeatTaken) {
				tb.Errorf("pair %d: next device on A after the takeover: %v, want ErrSeatTaken", i, err)
			}
		case err != nil || outcome != gating.TakeOver || claim.ID != p.old:
			tb.Errorf("pair %d: next device on A: %v, %v; want to take over claim %d", i, outcome, err, p.old)
		}
	}
	if got := e.counters(tb, id)["takeovers"]; got != n {
		tb.Errorf("takeovers = %d once the next devices came, want %d", got, n)
	}
}

// A new device unlocks link A, whose seat waits for a takeover, while the
// same device's claim through link B of the campaign is uncommitted: on
// PostgreSQL the takeover's UPDATE waits on that claim's entry of the
// unique key (campaign_id, device_hash) and, once it commits, must not
// fail with it (23505, a 500) but record an exposure, as a losing insert
// does, and leave A's seat to the next device. On SQLite the open
// transaction holds the one writer, and the takeover finds the claim.
func TestTakeOverLosesToSameDevice(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	id, pairs := e.takeOverPairs(t, 1)
	p := pairs[0]
	tx, err := e.db.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var got [2]unlocked
	got[1].claim, got[1].outcome, got[1].err = e.gate.UnlockInTx(ctx, tx, p.b.Token, p.dev)
	if got[1].err != nil {
		t.Fatal(got[1].err)
	}
	done := make(chan unlocked, 1)
	go func() {
		var u unlocked
		u.claim, u.outcome, u.err = e.gate.Unlock(ctx, p.a.Token, p.dev)
		done <- u
	}()
	if e.db.Dialect == storage.Postgres {
		waitForLockWait(t, e.db) // the takeover's UPDATE, on B's claim
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	got[0] = <-done
	if got[0].err != nil {
		t.Fatalf("the takeover that lost to the device's own claim: %v", got[0].err)
	}
	e.checkTakeOverPairs(t, id, pairs, [][2]unlocked{got})
}

// Ten new devices each unlock, at once, a link whose seat waits for a
// takeover and another with a free seat: whichever wins, each device gets
// one node and one exposure, and no unlock fails.
func TestTakeOverSameDeviceRace(t *testing.T) {
	eachSpread(t, func(t *testing.T, e *env, gates []*gating.Store) {
		const n = 10
		id, pairs := e.takeOverPairs(t, n)
		got := make([][2]unlocked, n)
		dbtest.Race(2*n, gates, func(i int, g *gating.Store) error {
			p, u := pairs[i/2], &got[i/2][i%2]
			tok := p.a.Token
			if i%2 == 1 {
				tok = p.b.Token
			}
			u.claim, u.outcome, u.err = g.Unlock(context.Background(), tok, p.dev)
			return nil // checked below, with the outcome
		})
		e.checkTakeOverPairs(t, id, pairs, got)
	})
}
