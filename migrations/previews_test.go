package migrations_test

import (
	"context"
	"testing"
)

// Migration 12 folds the previews a link had from one app within one hour
// into one row, and recounts the links' and campaigns' preview counters
// from the rows; going down keeps the rows.
func TestPreviewBucketsMigration(t *testing.T) {
	ctx := context.Background()
	db, p := sqliteAt(t, 11, nil)
	const hour = 3600000
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO campaigns (id, title, language, status, teaser_title, teaser_description, teaser_image_url,
		seats_per_link, max_seats, forwards_per_claim, max_depth, link_lifetime, view_cap, send_for_me, created_at, updated_at)
		VALUES (1, 'c', 'en', 'live', '', '', '', 1, 0, 3, 0, 0, 0, FALSE, 0, 0)`)
	exec(`INSERT INTO links (id, campaign_id, token_hash, channel, seats, created_at, previews) VALUES (1, 1, x'01', 'seed', 1, 0, 5), (2, 1, x'02', 'seed', 1, 0, 1)`)
	exec(`INSERT INTO campaign_counters (campaign_id, name, value) VALUES (1, 'previews', 6), (1, 'views', 9)`)
	// Link 1: three WhatsApp fetches in hour 10, one in hour 11, one
	// Telegram fetch in hour 10. Link 2: one.
	for _, r := range []struct {
		link  int
		agent string
		at    int64
	}{{1, "whatsapp", 10*hour + 5}, {1, "whatsapp", 10*hour + 1}, {1, "whatsapp", 11*hour - 1}, {1, "whatsapp", 11 * hour}, {1, "telegram", 10 * hour}, {2, "whatsapp", 10 * hour}} {
		exec(`INSERT INTO previews (campaign_id, link_id, agent, created_at) VALUES (1, $1, $2, $3)`, r.link, r.agent, r.at)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	var rows, first int64
	db.QueryRowContext(ctx, `SELECT COUNT(*) FROM previews`).Scan(&rows)
	db.QueryRowContext(ctx, `SELECT created_at FROM previews WHERE link_id = 1 AND agent = 'whatsapp' AND bucket = 10`).Scan(&first)
	if rows != 4 || first != 10*hour+1 {
		t.Errorf("%d rows, first fetch of hour 10 at %d; want 4 and %d", rows, first, 10*hour+1)
	}
	var link1, link2, previews, views int64
	db.QueryRowContext(ctx, `SELECT previews FROM links WHERE id = 1`).Scan(&link1)
	db.QueryRowContext(ctx, `SELECT previews FROM links WHERE id = 2`).Scan(&link2)
	db.QueryRowContext(ctx, `SELECT value FROM campaign_counters WHERE name = 'previews'`).Scan(&previews)
	db.QueryRowContext(ctx, `SELECT value FROM campaign_counters WHERE name = 'views'`).Scan(&views)
	if link1 != 3 || link2 != 1 || previews != 4 || views != 9 {
		t.Errorf("counters: link 1 %d, link 2 %d, campaign %d, views %d; want 3, 1, 4, 9", link1, link2, previews, views)
	}
	// One row per link, app and hour from now on.
	if _, err := db.ExecContext(ctx, `INSERT INTO previews (campaign_id, link_id, agent, bucket, created_at) VALUES (1, 2, 'whatsapp', 10, 0)`); err == nil {
		t.Error("a second row for one link, app and hour")
	}
	if _, err := p.DownTo(ctx, 11); err != nil {
		t.Fatal(err)
	}
	db.QueryRowContext(ctx, `SELECT COUNT(*) FROM previews`).Scan(&rows)
	if rows != 4 {
		t.Errorf("down: %d rows, want 4", rows)
	}
}
