package gating_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/gating/gatingtest"
	"github.com/sillage/sillage/migrations/storage"
)

// A tree saved when the server stops is read back by the next one, plus
// what was written since, and equals the tree read from its rows; a
// snapshot that cannot be read is passed over, never trusted.
func TestTreeSnapshot(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.liveCampaign(t, nil)
	if err := gatingtest.Synthesize(ctx, e.db, c.ID, 12_000, 7, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	// A claim, a forward, a refusal on a seed link, before the snapshot.
	seed := e.seed(t, c.ID, 1)
	a := device()
	if _, _, err := e.gate.UnlockFrom(ctx, seed, a, network()); err != nil {
		t.Fatal(err)
	}
	fwd, _, _ := e.gate.Forward(ctx, seed, a, gating.SMS, 0)
	e.gate.Unlock(ctx, seed, device())
	if _, err := e.gate.Tree(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.gate.SaveTrees(ctx); err != nil {
		t.Fatal(err)
	}
	// After it: a claim on a link the snapshot holds, a new link, another
	// refusal.
	b := device()
	if _, _, err := e.gate.UnlockFrom(ctx, fwd.Token, b, network()); err != nil {
		t.Fatal(err)
	}
	mustUnlock(t, e, e.seed(t, c.ID, 1), device())
	e.gate.Unlock(ctx, seed, device())

	// aside holds the snapshot row while a read goes to the rows.
	var aside struct {
		campaign, lastClaim, lastLink, savedAt int64
		data                                   []byte
		feed                                   string
	}
	fromRows := func() *cascade.Tree {
		t.Helper()
		// The snapshot is set aside for this read, then put back.
		if err := e.db.Write.QueryRow(`SELECT campaign_id, last_claim, last_link, data, saved_at, feed FROM tree_snapshots`).
			Scan(&aside.campaign, &aside.lastClaim, &aside.lastLink, &aside.data, &aside.savedAt, &aside.feed); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.Write.Exec(`DELETE FROM tree_snapshots`); err != nil {
			t.Fatal(err)
		}
		defer e.db.Write.Exec(`INSERT INTO tree_snapshots (campaign_id, last_claim, last_link, data, saved_at, feed) VALUES ($1, $2, $3, $4, $5, $6)`,
			aside.campaign, aside.lastClaim, aside.lastLink, aside.data, aside.savedAt, aside.feed)
		tree, err := gating.NewStore(e.db, e.clock.Now).Tree(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return tree
	}
	fromSnapshot := func() *cascade.Tree {
		t.Helper()
		tree, err := gating.NewStore(e.db, e.clock.Now).Tree(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return tree
	}
	var saved int
	e.db.Read.QueryRow(`SELECT COUNT(*) FROM tree_snapshots WHERE campaign_id = $1`, c.ID).Scan(&saved)
	if saved != 1 {
		t.Fatalf("%d snapshots saved, want 1", saved)
	}
	want := fromRows()
	if got := fromSnapshot(); !reflect.DeepEqual(got, want) {
		t.Fatalf("snapshot plus the rows since differ from the rows:\n%+v\n%+v", got.Links[len(got.Links)-3:], want.Links[len(want.Links)-3:])
	}
	if n := len(want.Nodes); n != 12_003 || want.Links[len(want.Links)-3].Refused != 2 {
		t.Errorf("%d nodes, last seed refused %d: the test built something else", n, want.Links[len(want.Links)-3].Refused)
	}

	// The snapshot is what was read: a row changed behind its back (tree
	// rows never change in Sillage) shows only in a read from the rows.
	if _, err := e.db.Write.Exec(`UPDATE claims SET depth = depth + 100 WHERE id = $1`, want.Nodes[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := fromSnapshot(); got.Nodes[0].Depth != want.Nodes[0].Depth {
		t.Error("the snapshot was not used")
	}
	if got := fromRows(); got.Nodes[0].Depth != want.Nodes[0].Depth+100 {
		t.Error("the planted change is not in the rows")
	}
	// The snapshot carries the feed it was read under on PostgreSQL, and
	// none on SQLite; one from the other store is passed over.
	pg := e.db.Dialect == storage.Postgres
	if pg {
		var valid bool
		if err := e.db.Read.QueryRow(`SELECT pg_snapshot_xmin($1::pg_snapshot) > '0'::xid8`, aside.feed).Scan(&valid); err != nil || !valid {
			t.Errorf("feed %q: %v", aside.feed, err)
		}
	} else if aside.feed != "" {
		t.Errorf("feed %q on SQLite", aside.feed)
	}
	other := "900:900:" // as on PostgreSQL
	if pg {
		other = "" // as copied from SQLite
	}
	if _, err := e.db.Write.Exec(`UPDATE tree_snapshots SET feed = $1`, other); err != nil {
		t.Fatal(err)
	}
	if got := fromSnapshot(); got.Nodes[0].Depth != want.Nodes[0].Depth+100 {
		t.Errorf("a snapshot with feed %q was used", other)
	}
	if _, err := e.db.Write.Exec(`UPDATE tree_snapshots SET feed = $1`, aside.feed); err != nil {
		t.Fatal(err)
	}
	e.db.Write.Exec(`UPDATE claims SET depth = depth - 100 WHERE id = $1`, want.Nodes[0].ID)

	// An instance that stops with an older tree saves it, but the newest
	// snapshot stays.
	older := gating.NewStore(e.db, func() time.Time { return e.clock.Now().Add(-time.Hour) })
	if _, err := older.Tree(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := older.SaveTrees(ctx); err != nil {
		t.Fatal(err)
	}
	var savedAt int64
	e.db.Read.QueryRow(`SELECT saved_at FROM tree_snapshots`).Scan(&savedAt)
	if savedAt != aside.savedAt {
		t.Errorf("saved at %d after an older save, want %d kept", savedAt, aside.savedAt)
	}

	for name, corrupt := range map[string]func(data []byte) []byte{
		"Truncated":    func(d []byte) []byte { return d[:min(1000, len(d))] },
		"OtherVersion": func(d []byte) []byte { return append([]byte{0x03}, d[1:]...) },
		"Empty":        func([]byte) []byte { return []byte{} },
		"HugeCounts": func([]byte) []byte {
			return []byte{0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}
		},
		"Trailing": func(d []byte) []byte { return append(slices.Clone(d), 0x00) },
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := e.db.Write.Exec(`UPDATE tree_snapshots SET data = $1`, corrupt(aside.data)); err != nil {
				t.Fatal(err)
			}
			if got := fromSnapshot(); !reflect.DeepEqual(got, want) {
				t.Error("a corrupt snapshot was trusted")
			}
			if _, err := e.db.Write.Exec(`UPDATE tree_snapshots SET data = $1`, aside.data); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Small trees are not worth a snapshot: their rows read in milliseconds.
func TestSmallTreesNotSaved(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.liveCampaign(t, nil)
	mustUnlock(t, e, e.seed(t, c.ID, 1), device())
	e.gate.Tree(ctx, c.ID)
	if err := e.gate.SaveTrees(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	e.db.Read.QueryRow(`SELECT COUNT(*) FROM tree_snapshots`).Scan(&n)
	if n != 0 {
		t.Errorf("%d snapshots of a one-claim tree", n)
	}
}

// After a restart, the trees that were in memory when the server stopped
// are read back before anyone asks; older snapshots are not.
func TestWarmTrees(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	read, idle := e.liveCampaign(t, nil), e.liveCampaign(t, nil)
	for _, c := range []*campaign.Campaign{read, idle} {
		if err := gatingtest.Synthesize(ctx, e.db, c.ID, 10_000, 3, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := e.gate.Tree(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.gate.SaveTrees(ctx); err != nil {
		t.Fatal(err)
	}
	// idle's snapshot is from an earlier stop: nobody read it since.
	if _, err := e.db.Write.Exec(`UPDATE tree_snapshots SET saved_at = saved_at - 3600000 WHERE campaign_id = $1`, idle.ID); err != nil {
		t.Fatal(err)
	}

	restarted := gating.NewStore(e.db, e.clock.Now)
	if err := restarted.WarmTrees(ctx); err != nil {
		t.Fatal(err)
	}
	// What the store holds now answers from memory: with the snapshots
	// gone and a row changed behind its back (tree rows never change in
	// Sillage), only a tree read afresh shows the change.
	for _, q := range []string{`DELETE FROM tree_snapshots`,
		`UPDATE claims SET depth = depth + 100 WHERE id IN (SELECT MIN(id) FROM claims GROUP BY campaign_id)`} {
		if _, err := e.db.Write.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		id     campaign.ID
		warmed bool
	}{{read.ID, true}, {idle.ID, false}} {
		tree, err := restarted.Tree(ctx, c.id)
		if err != nil {
			t.Fatal(err)
		}
		if len(tree.Nodes) != 10_000 {
			t.Fatalf("campaign %d: %d nodes, want 10,000", c.id, len(tree.Nodes))
		}
		if warmed := tree.Nodes[0].Depth < 100; warmed != c.warmed {
			t.Errorf("campaign %d read back at start: %v, want %v", c.id, warmed, c.warmed)
		}
	}
}
