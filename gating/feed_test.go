package gating_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/gating/gatingtest"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// A claim whose transaction took its id first and committed last is read
// by the next refresh, of the store that held the tree and of another
// that started from the snapshot saved in between (SCALE-OUT.md §3.5).
func TestTreeRefreshCommitOrder(t *testing.T) {
	dbtest.PostgresOnly(t)
	ctx := context.Background()
	e := newEnv(t)
	c := e.liveCampaign(t, nil)
	// Big enough for SaveTrees to keep it.
	if err := gatingtest.Synthesize(ctx, e.db, c.ID, 12_000, 5, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	seed, b := e.seed(t, c.ID, 1), e.seed(t, c.ID, 1)
	dev0 := device()
	claim0 := mustUnlock(t, e, seed, dev0)
	a, _, err := e.gate.Forward(ctx, seed, dev0, gating.SMS, 0) // link A, under dev0's claim
	if err != nil {
		t.Fatal(err)
	}
	tree := e.tree(t, e.gate, c.ID)
	if n := len(tree.Nodes); n != 12_001 || tree.Nodes[n-1].ID != claim0.ID {
		t.Fatalf("%d nodes, last %d; want 12,001 ending with dev0's claim %d", n, tree.Nodes[n-1].ID, claim0.ID)
	}

	// tx1 unlocks A for dev1 and holds its claim uncommitted. To let a
	// later claim commit first, tx1 is stopped between taking its id and
	// the counters (whose row every new view locks): blocker holds dev0's
	// claim, which tx1's insert checks as its parent's key.
	blocker, err := e.db.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Rollback()
	if _, err := blocker.ExecContext(ctx, `SELECT id FROM claims WHERE id = $1 FOR UPDATE`, claim0.ID); err != nil {
		t.Fatal(err)
	}
	tx1, err := e.db.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback()
	unlocked := make(chan error, 1)
	var claim1 *gating.Claim
	go func() {
		var err error
		claim1, _, err = e.gate.UnlockInTx(ctx, tx1, a.Token, device())
		unlocked <- err
	}()
	waitForLockWait(t, e.db)

	claim2 := mustUnlock(t, e, b, device()) // commits at once
	tree = e.tree(t, e.gate, c.ID)
	if got, want := lastIDs(tree, 2), []int64{claim0.ID, claim2.ID}; !reflect.DeepEqual(got, want) {
		t.Fatalf("with tx1 open the last nodes are %v, want %v", got, want)
	}
	if l := findLink(t, tree, a.ID); l.Claims != 0 {
		t.Fatalf("link A has %d claims before tx1 commits", l.Claims)
	}

	// Saved now, the snapshot is read by another store on another pool
	// (as by a second instance), which must take it as it is: a claim
	// changed behind its back (tree rows never change) is not seen.
	if err := e.gate.SaveTrees(ctx); err != nil {
		t.Fatal(err)
	}
	db2, err := storage.Open(ctx, e.db.Target)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	gate2 := gating.NewStore(db2, e.clock.Now)
	plant := func(delta int) {
		t.Helper()
		if _, err := e.db.Write.ExecContext(ctx, `UPDATE claims SET depth = depth + $1 WHERE id = $2`, delta, tree.Nodes[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	plant(100)
	if got := e.tree(t, gate2, c.ID); got.Nodes[0].Depth != tree.Nodes[0].Depth || !reflect.DeepEqual(got, tree) {
		t.Fatal("the second store did not start from the snapshot")
	}
	plant(-100)

	if err := blocker.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-unlocked; err != nil {
		t.Fatal(err)
	}
	if claim1.ID >= claim2.ID {
		t.Fatalf("claim ids %d (committed last) and %d (committed first): the test built nothing out of order", claim1.ID, claim2.ID)
	}
	if err := tx1.Commit(); err != nil {
		t.Fatal(err)
	}

	if _, err := e.db.Write.ExecContext(ctx, `DELETE FROM tree_snapshots`); err != nil {
		t.Fatal(err)
	}
	fresh := e.tree(t, gating.NewStore(e.db, e.clock.Now), c.ID)
	for name, gate := range map[string]*gating.Store{"the store that held the tree": e.gate, "the store started from the snapshot": gate2} {
		got := e.tree(t, gate, c.ID)
		if ids, want := lastIDs(got, 3), []int64{claim0.ID, claim1.ID, claim2.ID}; !reflect.DeepEqual(ids, want) {
			t.Errorf("%s: last nodes %v, want %v", name, ids, want)
		}
		if l := findLink(t, got, a.ID); l.Claims != 1 || l.FirstClaimAt.IsZero() {
			t.Errorf("%s: link A has %d claims, first at %v; want 1 and a time", name, l.Claims, l.FirstClaimAt)
		}
		if !reflect.DeepEqual(got, fresh) {
			t.Errorf("%s: the refreshed tree (%d nodes) differs from one read from the rows (%d nodes)", name, len(got.Nodes), len(fresh.Nodes))
		}
	}
}

// A link committed below links already held, and claimed in the same
// transaction, is read with its claim and counted once. Real forwards
// and unlocks lock the campaign's counter rows until they commit, so one
// held open cannot be overtaken: the rows are written here by hand.
func TestTreeRefreshLinkCommitOrder(t *testing.T) {
	dbtest.PostgresOnly(t)
	ctx := context.Background()
	e := newEnv(t)
	c := e.liveCampaign(t, nil)
	mustUnlock(t, e, e.seed(t, c.ID, 1), device())
	e.tree(t, e.gate, c.ID)

	tx, err := e.db.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	at := e.clock.Now().UnixMilli()
	var link, claim int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO links (campaign_id, token_hash, channel, seats, claimed, created_at, first_claimed_at)
		VALUES ($1, $2, 'link', 1, 1, $3, $3) RETURNING id`, c.ID, device(), at).Scan(&link); err != nil {
		t.Fatal(err)
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO claims (campaign_id, link_id, device_hash, depth, channel, claimed_at)
		VALUES ($1, $2, $3, 1, 'link', $4) RETURNING id`, c.ID, link, device(), at).Scan(&claim); err != nil {
		t.Fatal(err)
	}
	later, err := e.gate.MintSeeds(ctx, c.ID, gating.SeedSpec{Count: 1, Channel: gating.Plain, Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if later[0].ID <= link {
		t.Fatalf("link ids %d (committed last) and %d (committed first): nothing out of order", link, later[0].ID)
	}
	if tree := e.tree(t, e.gate, c.ID); len(tree.Links) != 2 {
		t.Fatalf("%d links with the first transaction open, want 2", len(tree.Links))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	got := e.tree(t, e.gate, c.ID)
	if l := findLink(t, got, link); l.Claims != 1 {
		t.Errorf("the link committed last has %d claims, want 1", l.Claims)
	}
	if want := e.tree(t, gating.NewStore(e.db, e.clock.Now), c.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("the refreshed tree differs from one read from the rows:\n%+v\n%+v", got, want)
	}
}

// Eight writers unlock and forward at once, some holding their
// transaction open a while (and on PostgreSQL some holding a claim that
// others' inserts check), while one reader refreshes the tree over and
// over: at the end the refreshed tree equals one read from the rows.
func TestTreeRefreshUnderChurn(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.liveCampaign(t, func(r *campaign.Rules) { r.MaxSeats = 3 })
	type held struct {
		token  string
		device []byte
	}
	var (
		mu      sync.Mutex
		tokens  []string // links to unlock
		holders []held   // devices with a claim, to forward from
	)
	for range 8 {
		tokens = append(tokens, e.seed(t, c.ID, 3))
	}
	pick := func(rng *rand.Rand) (string, held, bool) {
		mu.Lock()
		defer mu.Unlock()
		tok := tokens[rng.IntN(len(tokens))]
		if len(holders) == 0 {
			return tok, held{}, false
		}
		return tok, holders[rng.IntN(len(holders))], true
	}
	unlocked := func(tok string, dev []byte, cl *gating.Claim) {
		mu.Lock()
		defer mu.Unlock()
		if cl != nil {
			holders = append(holders, held{tok, dev})
		}
	}

	// Writes may fail here (a full link, a deadlock between a group
	// commit and a held transaction on PostgreSQL): what is asserted is
	// only that the tree follows whatever committed.
	const writers, rounds = 8, 40
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 13))
			for range rounds {
				tok, h, ok := pick(rng)
				switch r := rng.IntN(10); {
				case r < 4: // an unlock through the store
					dev := device()
					cl, _, _ := e.gate.Unlock(ctx, tok, dev)
					unlocked(tok, dev, cl)
				case r < 6: // an unlock held open a random while
					dev := device()
					tx, err := e.db.Write.BeginTx(ctx, nil)
					if err != nil {
						continue
					}
					cl, _, err := e.gate.UnlockInTx(ctx, tx, tok, dev)
					time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
					if err == nil && rng.IntN(8) > 0 && tx.Commit() == nil {
						unlocked(tok, dev, cl)
					}
					tx.Rollback()
				case r < 8 && ok: // a forward through the store
					if m, _, err := e.gate.Forward(ctx, h.token, h.device, gating.Channels[rng.IntN(len(gating.Channels))], 0); err == nil {
						mu.Lock()
						tokens = append(tokens, m.Token)
						mu.Unlock()
					}
				case r < 9 && ok: // a forward held open a random while
					tx, err := e.db.Write.BeginTx(ctx, nil)
					if err != nil {
						continue
					}
					m, _, err := e.gate.ForwardTx(ctx, tx, h.token, h.device, gating.Channels[rng.IntN(len(gating.Channels))])
					time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
					if err == nil && tx.Commit() == nil {
						mu.Lock()
						tokens = append(tokens, m.Token)
						mu.Unlock()
					}
					tx.Rollback()
				case e.db.Dialect == storage.Postgres && ok:
					// Holding a claim, or the campaign, stops the inserts
					// of claims under it, or of every claim and link,
					// after they took their ids (their keys are checked
					// then); once let go they commit in any order.
					tx, err := e.db.Write.BeginTx(ctx, nil)
					if err != nil {
						continue
					}
					if rng.IntN(2) == 0 {
						tx.ExecContext(ctx, `SELECT id FROM claims WHERE campaign_id = $1 AND device_hash = $2 FOR UPDATE`, c.ID, h.device)
					} else {
						tx.ExecContext(ctx, `SELECT id FROM campaigns WHERE id = $1 FOR UPDATE`, c.ID)
					}
					time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
					tx.Rollback()
				}
			}
		}()
	}
	done := make(chan struct{})
	refreshed := make(chan int)
	go func() {
		n := 0
		defer func() { refreshed <- n }()
		for {
			select {
			case <-done:
				return
			default:
			}
			if _, err := e.gate.Tree(ctx, c.ID); err != nil {
				t.Error(err)
				return
			}
			n++
		}
	}()
	wg.Wait()
	close(done)
	n := <-refreshed

	got := e.tree(t, e.gate, c.ID)
	want := e.tree(t, gating.NewStore(e.db, e.clock.Now), c.ID)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after %d refreshes under churn the tree (%d nodes, %d links) differs from the rows (%d nodes, %d links)",
			n, len(got.Nodes), len(got.Links), len(want.Nodes), len(want.Links))
	}
	if len(want.Nodes) < writers*rounds/6 {
		t.Errorf("only %d claims committed: the churn did too little to test", len(want.Nodes))
	}
	t.Logf("%d refreshes, %d nodes, %d links", n, len(want.Nodes), len(want.Links))
}

// The refresh's reads by transaction can walk the (campaign_id, txid)
// indexes: were they not used, every refresh would read the campaign's
// every row (SCALE-OUT.md §3.4).
func TestTreeFeedUsesIndex(t *testing.T) {
	dbtest.PostgresOnly(t)
	ctx := context.Background()
	e := newEnv(t)
	tx, err := e.db.Read.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// An empty table is cheapest to scan whole: forbid that, to see
	// whether the index can serve the condition at all.
	if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	for table, index := range map[string]string{"claims": "claims_feed", "links": "links_feed"} {
		rows, err := tx.QueryContext(ctx, `EXPLAIN SELECT id FROM `+table+` WHERE campaign_id = $1
			AND txid >= pg_snapshot_xmin($2::pg_snapshot) AND NOT pg_visible_in_snapshot(txid, $2::pg_snapshot) ORDER BY id`, 1, "800:900:850")
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var line string
			rows.Scan(&line)
			plan = append(plan, line)
		}
		rows.Close()
		text := strings.Join(plan, "\n")
		if !strings.Contains(text, index) || !strings.Contains(text, "Index Cond: ((campaign_id = '1'::bigint) AND (txid >= '800'::xid8))") {
			t.Errorf("%s: the plan does not bound txid by the index:\n%s", table, text)
		}
	}
}

// tree reads campaign id's tree from gate.
func (e *env) tree(tb testing.TB, gate *gating.Store, id campaign.ID) *cascade.Tree {
	tb.Helper()
	tree, err := gate.Tree(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return tree
}

// lastIDs returns the ids of the tree's last n nodes.
func lastIDs(t *cascade.Tree, n int) []int64 {
	var ids []int64
	for _, node := range t.Nodes[max(0, len(t.Nodes)-n):] {
		ids = append(ids, node.ID)
	}
	return ids
}

func findLink(tb testing.TB, t *cascade.Tree, id int64) cascade.Link {
	tb.Helper()
	for _, l := range t.Links {
		if l.ID == id {
			return l
		}
	}
	tb.Fatalf("link %d not in the tree", id)
	return cascade.Link{}
}

// waitForLockWait returns once a session of db's database waits for a
// lock.
func waitForLockWait(tb testing.TB, db *storage.DB) {
	tb.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var waiting bool
		if err := db.Read.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock')`).Scan(&waiting); err != nil {
			tb.Fatal(err)
		}
		if waiting {
			return
		}
	}
	tb.Fatal("no transaction came to wait for the lock in a minute")
}
