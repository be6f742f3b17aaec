package migrations_test

import (
	"context"
	"database/sql"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/sillage/sillage/migrations"
)

// TestIDsNeverReused migrates a database holding data from version 8 to
// the rebuilt tables of 00009: the ids and what refers to them are kept,
// foreign keys still hold, and the id of a deleted last row is not given
// again.
func TestIDsNeverReused(t *testing.T) {
	ctx := context.Background()
	db, _ := sqliteAt(t, 8, url.Values{"_txlock": {"immediate"}})
	exec := func(q string) {
		t.Helper()
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	campaign := func(id int) string {
		return `INSERT INTO campaigns (id, title, language, status, teaser_title, teaser_description, teaser_image_url,
			seats_per_link, max_seats, forwards_per_claim, max_depth, link_lifetime, view_cap, send_for_me, revoke_leaks,
			created_at, updated_at) VALUES (` + strconv.Itoa(id) + `, 'c', 'fr', 'live', 't', 'd', '', 1, 10, 2, 3, 60, 0, 1, 1, 5, 6)`
	}
	exec(campaign(1))
	exec(campaign(7))
	exec(campaign(9))
	exec(`INSERT INTO api_keys (id, name, key_hash, created_at) VALUES (1, 'a', x'01', 1), (4, 'b', x'02', 1)`)
	exec(`INSERT INTO users (id, email, password_hash, created_at) VALUES (3, 'a@b.c', x'00', 1)`)
	exec(`INSERT INTO campaign_counters (campaign_id, name, value) VALUES (7, 'views', 12)`)
	exec(`INSERT INTO links (id, campaign_id, token_hash, channel, seats, created_at) VALUES (5, 7, x'aa', 'link', 2, 1)`)
	exec(`INSERT INTO claims (id, campaign_id, link_id, device_hash, depth, channel, claimed_at) VALUES (6, 7, 5, x'bb', 0, 'link', 1)`)
	exec(`INSERT INTO contacts (id, campaign_id, name, email, phone, channel, address, language, created_at, updated_at)
		VALUES (2, 7, 'Ana', 'ana@x.fr', '', 'email', 'ana@x.fr', 'fr', 1, 1), (8, 9, 'Bo', 'bo@x.fr', '', 'email', 'bo@x.fr', 'fr', 1, 1)`)
	exec(`INSERT INTO messages (id, campaign_id, contact_id, kind, channel, recipient, language, subject, body_text, body_html,
		content_sid, content_variables, idempotency_key, status, next_attempt_at, created_at, updated_at)
		VALUES (11, 9, 8, 'seed', 'email', 'bo@x.fr', 'fr', '', '', '', '', '', 'k', 'queued', 1, 1, 1)`)
	exec(`INSERT INTO tree_snapshots (campaign_id, last_claim, last_link, data, saved_at) VALUES (7, 6, 5, x'00', 1)`)

	if err := migrations.Up(ctx, migrations.SQLite, db); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"campaigns", "api_keys", "users", "contacts"} {
		var schema string
		if err := db.QueryRow(`SELECT sql FROM sqlite_master WHERE name = $1`, table).Scan(&schema); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(schema, "AUTOINCREMENT") {
			t.Errorf("%s: no AUTOINCREMENT in %s", table, schema)
		}
	}
	var fk int
	if err := db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d (%v) after the migration, want 1", fk, err)
	}
	rows, err := db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var table, parent string
		var rowid, fkid sql.NullInt64
		rows.Scan(&table, &rowid, &parent, &fkid)
		t.Errorf("foreign key broken: %s row %d refers to a missing %s", table, rowid.Int64, parent)
	}
	rows.Close()
	ids := func(q string) string {
		t.Helper()
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			got = append(got, s)
		}
		return strings.Join(got, ",")
	}
	for _, c := range []struct{ query, want string }{
		{`SELECT id FROM campaigns ORDER BY id`, "1,7,9"},
		{`SELECT id || ':' || revoke_leaks || ':' || title FROM campaigns WHERE id = 7`, "7:1:c"},
		{`SELECT id FROM api_keys ORDER BY id`, "1,4"},
		{`SELECT id || ':' || email FROM users`, "3:a@b.c"},
		{`SELECT id || ':' || campaign_id || ':' || name FROM contacts ORDER BY id`, "2:7:Ana,8:9:Bo"},
		{`SELECT c.name FROM messages m JOIN contacts c ON c.id = m.contact_id`, "Bo"},
		{`SELECT l.id || ':' || k.id || ':' || c.title FROM links l JOIN claims k ON k.link_id = l.id JOIN campaigns c ON c.id = k.campaign_id`, "5:6:c"},
		{`SELECT value FROM campaign_counters JOIN campaigns ON campaigns.id = campaign_id`, "12"},
	} {
		if got := ids(c.query); got != c.want {
			t.Errorf("%s = %q, want %q", c.query, got, c.want)
		}
	}

	// The last contact erased, the next one must not take its id; same
	// for the last campaign, key and user.
	exec(`UPDATE messages SET contact_id = NULL`)
	exec(`DELETE FROM contacts WHERE id = 8`)
	exec(`DELETE FROM tree_snapshots`)
	exec(`DELETE FROM campaign_counters`)
	exec(`DELETE FROM messages`)
	exec(`DELETE FROM contacts`)
	exec(`DELETE FROM campaigns WHERE id = 9`)
	exec(`DELETE FROM api_keys WHERE id = 4`)
	exec(`DELETE FROM users`)
	for _, c := range []struct{ insert, want string }{
		{`INSERT INTO contacts (campaign_id, name, email, phone, channel, address, language, created_at, updated_at)
			VALUES (7, 'Cy', 'cy@x.fr', '', 'email', 'cy@x.fr', 'fr', 1, 1) RETURNING id`, "9"},
		{strings.Replace(campaign(0), "(0, ", "(NULL, ", 1) + " RETURNING id", "10"},
		{`INSERT INTO api_keys (name, key_hash, created_at) VALUES ('c', x'03', 1) RETURNING id`, "5"},
		{`INSERT INTO users (email, password_hash, created_at) VALUES ('d@e.f', x'00', 1) RETURNING id`, "4"},
	} {
		if got := ids(c.insert); got != c.want {
			t.Errorf("%s: id %s, want %s", c.insert, got, c.want)
		}
	}
}
