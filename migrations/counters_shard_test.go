package migrations_test

import (
	"context"
	"testing"
)

// Migration 18 rebuilds SQLite's campaign_counters with a shard in the
// key: every counter keeps its value as shard 0, the foreign key still
// cascades, and going down folds the shards back into one row (the sum,
// the largest for max_depth).
func TestShardedCountersMigration(t *testing.T) {
	ctx := context.Background()
	db, p := sqliteAt(t, 17, nil)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, id := range []int{1, 2} {
		exec(`INSERT INTO campaigns (id, title, language, status, teaser_title, teaser_description, teaser_image_url,
			seats_per_link, max_seats, forwards_per_claim, max_depth, link_lifetime, view_cap, send_for_me, created_at, updated_at)
			VALUES ($1, 'c', 'en', 'live', '', '', '', 1, 0, 3, 0, 0, 0, FALSE, 0, 0)`, id)
	}
	exec(`INSERT INTO campaign_counters (campaign_id, name, value) VALUES (1, 'views', 9), (1, 'max_depth', 3), (2, 'views', 4)`)
	if _, err := p.UpTo(ctx, 18); err != nil {
		t.Fatal(err)
	}
	read := func(q string) string {
		t.Helper()
		var s string
		if err := db.QueryRowContext(ctx, q).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	if got := read(`SELECT group_concat(campaign_id || ':' || name || ':' || shard || '=' || value, ' ') FROM
		(SELECT * FROM campaign_counters ORDER BY campaign_id, name)`); got != "1:max_depth:0=3 1:views:0=9 2:views:0=4" {
		t.Errorf("after up: %s", got)
	}
	if got := read(`PRAGMA foreign_keys`); got != "1" {
		t.Errorf("foreign_keys = %s after the migration, want 1", got)
	}
	exec(`INSERT INTO campaign_counters (campaign_id, name, shard, value) VALUES (1, 'views', 5, 2), (1, 'max_depth', 5, 8)`)
	exec(`DELETE FROM campaigns WHERE id = 2`)
	if got := read(`SELECT COUNT(*) FROM campaign_counters WHERE campaign_id = 2`); got != "0" {
		t.Errorf("%s counters of a deleted campaign left: the foreign key no longer cascades", got)
	}
	if _, err := p.DownTo(ctx, 17); err != nil {
		t.Fatal(err)
	}
	if got := read(`SELECT group_concat(name || '=' || value, ' ') FROM
		(SELECT * FROM campaign_counters ORDER BY name)`); got != "max_depth=8 views=11" {
		t.Errorf("after down: %s", got)
	}
}
