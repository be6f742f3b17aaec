package gating_test

import (
	"context"
	"sync"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/dbtest"
)

// The races below check that the caps hold when the writes of a campaign
// run at once: on SQLite one writer runs them in turn; on PostgreSQL each
// is its own transaction, and the locks of SCALE-OUT.md 2.2 make them take
// turns. Each runs twice: on the test's store, and with its goroutines
// spread over three stores on three pools of the same database, as three
// instances would (PostgreSQL only), which proves the locks live in the
// database and not in a process.

// gates returns the stores a race spreads over: the test's own, or three
// stores on instances of its database.
func (e *env) gates(tb testing.TB, instances bool) []*gating.Store {
	tb.Helper()
	if !instances {
		return []*gating.Store{e.gate}
	}
	var gates []*gating.Store
	for _, db := range dbtest.Instances(tb, e.db, 3) {
		g := gating.NewStore(db, e.clock.Now)
		tb.Cleanup(g.Close)
		gates = append(gates, g)
	}
	return gates
}

// rounds is how many times each race runs, each on a campaign of its own:
// a race lost without the lock it tests is likely, not certain, in one
// round (two runs in three on this 2-core machine), and near certain in
// five.
const rounds = 5

// eachSpread runs test rounds times on the test's store, then as many
// across instances, and stops at the first round that fails.
func eachSpread(t *testing.T, test func(t *testing.T, e *env, gates []*gating.Store)) {
	for _, instances := range []bool{false, true} {
		t.Run(map[bool]string{false: "OneInstance", true: "ThreeInstances"}[instances], func(t *testing.T) {
			e := newEnv(t)
			gates := e.gates(t, instances)
			for round := 0; round < rounds && !t.Failed(); round++ {
				test(t, e, gates)
			}
		})
	}
}

// Fifty devices on fifty different links race for a view cap of 7: no
// link's lock puts them in turn, only the cap's own.
func TestViewCapRace(t *testing.T) {
	eachSpread(t, func(t *testing.T, e *env, gates []*gating.Store) {
		const cap, n = 7, 50
		c := e.liveCampaign(t, func(r *campaign.Rules) { r.ViewCap = cap })
		tokens := e.seeds(t, c.ID, n)
		errs := dbtest.Race(n, gates, func(i int, g *gating.Store) error {
			_, _, err := g.Unlock(context.Background(), tokens[i], device())
			return err
		})
		if ok, full := dbtest.Tally(t, errs, gating.ErrFull); ok != cap || full != n-cap {
			t.Errorf("%d views and %d ErrFull, want %d and %d", ok, full, cap, n-cap)
		}
		if got := e.counters(t, c.ID)["views"]; got != cap {
			t.Errorf("views = %d, want %d", got, cap)
		}
		if got := e.count(t, `SELECT COUNT(*) FROM claims WHERE campaign_id = $1`, c.ID); got != cap {
			t.Errorf("%d claims stored, want %d", got, cap)
		}
	})
}

// One device opening twenty links of a campaign at once gets one node of
// the tree and nineteen exposures, not nineteen errors.
func TestSameDeviceRace(t *testing.T) {
	eachSpread(t, func(t *testing.T, e *env, gates []*gating.Store) {
		const n = 20
		c := e.liveCampaign(t, nil)
		tokens := e.seeds(t, c.ID, n)
		dev := device()
		var mu sync.Mutex
		outcomes := map[gating.Outcome]int{}
		errs := dbtest.Race(n, gates, func(i int, g *gating.Store) error {
			_, o, err := g.Unlock(context.Background(), tokens[i], dev)
			mu.Lock()
			outcomes[o]++
			mu.Unlock()
			return err
		})
		dbtest.Tally(t, errs, nil)
		if outcomes[gating.NewView] != 1 || outcomes[gating.Exposure] != n-1 {
			t.Errorf("outcomes %v, want 1 new view and %d exposures", outcomes, n-1)
		}
		counters := e.counters(t, c.ID)
		if counters["views"] != 1 || counters["exposures"] != n-1 {
			t.Errorf("views %d, exposures %d; want 1 and %d", counters["views"], counters["exposures"], n-1)
		}
		if got := e.count(t, `SELECT COUNT(*) FROM claims WHERE campaign_id = $1`, c.ID); got != 1 {
			t.Errorf("%d claims stored, want 1", got)
		}
	})
}

// Twenty forwards at once from one claim allowed three mint three links.
func TestForwardLimitRace(t *testing.T) {
	eachSpread(t, func(t *testing.T, e *env, gates []*gating.Store) {
		const limit, n = 3, 20
		c := e.liveCampaign(t, func(r *campaign.Rules) { r.ForwardsPerClaim = limit })
		tok := e.seed(t, c.ID, 1)
		dev := device()
		claim := mustUnlock(t, e, tok, dev)
		errs := dbtest.Race(n, gates, func(i int, g *gating.Store) error {
			_, _, err := g.Forward(context.Background(), tok, dev, gating.WhatsApp, 0)
			return err
		})
		if ok, refused := dbtest.Tally(t, errs, gating.ErrForwardLimit); ok != limit || refused != n-limit {
			t.Errorf("%d forwards and %d ErrForwardLimit, want %d and %d", ok, refused, limit, n-limit)
		}
		if got := e.count(t, `SELECT forwards FROM claims WHERE id = $1`, claim.ID); got != limit {
			t.Errorf("the claim's forwards = %d, want %d", got, limit)
		}
		if got := e.count(t, `SELECT COUNT(*) FROM links WHERE sender_claim_id = $1`, claim.ID); got != limit {
			t.Errorf("%d links minted, want %d", got, limit)
		}
		counters := e.counters(t, c.ID)
		if counters["forwards.whatsapp"] != limit || counters["links"] != 1+limit {
			t.Errorf("forwards.whatsapp %d, links %d; want %d and %d", counters["forwards.whatsapp"], counters["links"], limit, 1+limit)
		}
	})
}

// TestUnlockRaceForLastSeat across three instances: the link's row lock
// is the database's.
func TestUnlockRaceForLastSeatAcrossInstances(t *testing.T) {
	e := newEnv(t)
	gates := e.gates(t, true)
	for round := 0; round < rounds && !t.Failed(); round++ {
		lastSeatRace(t, e, gates)
	}
}

// lastSeatRace has fifty devices race for the last seat of a link of 3.
func lastSeatRace(t *testing.T, e *env, gates []*gating.Store) {
	t.Helper()
	c := e.liveCampaign(t, func(r *campaign.Rules) { r.MaxSeats = 3 })
	tok := e.seed(t, c.ID, 3)
	mustUnlock(t, e, tok, device())
	mustUnlock(t, e, tok, device())
	errs := dbtest.Race(50, gates, func(i int, g *gating.Store) error {
		_, _, err := g.Unlock(context.Background(), tok, device())
		return err
	})
	if won, lost := dbtest.Tally(t, errs, gating.ErrSeatTaken); won != 1 || lost != 49 {
		t.Errorf("won %d, lost %d; want 1 and 49", won, lost)
	}
	if got := e.counters(t, c.ID)["views"]; got != 3 {
		t.Errorf("views = %d, want 3", got)
	}
	if got := e.count(t, `SELECT claimed FROM links WHERE campaign_id = $1`, c.ID); got != 3 {
		t.Errorf("the link's claimed = %d, want 3", got)
	}
}

// TestNetworkCapRace across three instances, each device on a link of its
// own so that only the network's lock puts them in turn.
func TestNetworkCapRaceAcrossInstances(t *testing.T) {
	e := newEnv(t)
	gates := e.gates(t, true)
	for round := 0; round < rounds && !t.Failed(); round++ {
		networkCapRace(t, e, gates)
	}
}

func networkCapRace(t *testing.T, e *env, gates []*gating.Store) {
	t.Helper()
	const cap, n = 7, 50
	c := e.liveCampaign(t, func(r *campaign.Rules) { r.MaxClaimsPerNetwork = cap })
	tokens := e.seeds(t, c.ID, n)
	net := network()
	errs := dbtest.Race(n, gates, func(i int, g *gating.Store) error {
		_, _, err := g.UnlockFrom(context.Background(), tokens[i], device(), net)
		return err
	})
	if views, refused := dbtest.Tally(t, errs, gating.ErrNetworkCap); views != cap || refused != n-cap {
		t.Errorf("%d views and %d refusals, want %d and %d", views, refused, cap, n-cap)
	}
	if got := e.count(t, `SELECT COUNT(*) FROM claims WHERE campaign_id = $1 AND network = $2`, c.ID, net); got != cap {
		t.Errorf("%d claims stored for the network, want %d", got, cap)
	}
}

// seeds mints n seed links of one seat each.
func (e *env) seeds(tb testing.TB, id campaign.ID, n int) []string {
	tb.Helper()
	minted, err := e.gate.MintSeeds(context.Background(), id, gating.SeedSpec{Count: n, Channel: gating.Plain, Seats: 1})
	if err != nil {
		tb.Fatal(err)
	}
	tokens := make([]string, n)
	for i, m := range minted {
		tokens[i] = m.Token
	}
	return tokens
}

// count runs a query returning one integer.
func (e *env) count(tb testing.TB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := e.db.Read.QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// Ten releases of one seat at once: one frees it, the others find it
// free, and the link and the counter count one release.
func TestReleaseRace(t *testing.T) {
	eachSpread(t, func(t *testing.T, e *env, gates []*gating.Store) {
		c := e.liveCampaign(t, nil)
		tok := e.seed(t, c.ID, 1)
		claim := mustUnlock(t, e, tok, device())
		errs := dbtest.Race(10, gates, func(i int, g *gating.Store) error {
			_, err := g.Release(context.Background(), c.ID, claim.ID)
			return err
		})
		if ok, released := dbtest.Tally(t, errs, gating.ErrReleased); ok != 1 || released != 9 {
			t.Errorf("%d releases and %d ErrReleased, want 1 and 9", ok, released)
		}
		if got := e.count(t, `SELECT released FROM links WHERE campaign_id = $1`, c.ID); got != 1 {
			t.Errorf("the link's released = %d, want 1", got)
		}
		if got := e.counters(t, c.ID)["releases"]; got != 1 {
			t.Errorf("releases = %d, want 1", got)
		}
	})
}
