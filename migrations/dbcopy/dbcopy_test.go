package dbcopy_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sillage/sillage/migrations/dbcopy"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/migrations/testnote"
)

func TestMain(m *testing.M) { os.Exit(testnote.Main(m)) }

// source makes a SQLite database holding rows of the awkward kinds: links
// and claims that refer to each other, a boolean, bytes, a deleted user
// (SQLite's sequence is then above its largest id) and settings rows
// that belong to the running server.
func source(t *testing.T) *storage.DB {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "src.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{
		`INSERT INTO users (email, password_hash, created_at) VALUES ('a@x', x'01', 1), ('b@x', x'02', 2), ('c@x', x'03', 3)`,
		`DELETE FROM users WHERE email = 'c@x'`,
		`INSERT INTO settings (key, value, updated_at) VALUES ('base-url', 'https://x', 1), ('job:sweep', 'me', 1), ('setup:abc', '1', 1), ('network-salt:1', 's', 1)`,
		`INSERT INTO sessions (token_hash, data, expiry) VALUES (x'00ff', x'beef', 9)`,
		`INSERT INTO campaigns (title, language, status, teaser_title, teaser_description, teaser_image_url,
			seats_per_link, max_seats, forwards_per_claim, max_depth, link_lifetime, view_cap, send_for_me, revoke_leaks, created_at, updated_at)
			VALUES ('T', 'fr', 'live', 't', 'd', '', 1, 0, 3, 0, 0, 0, 1, 0, 1, 1)`,
		`INSERT INTO links (id, campaign_id, token_hash, channel, seats, created_at) VALUES (1, 1, x'01', 'seed', 1, 1)`,
		`INSERT INTO claims (id, campaign_id, link_id, device_hash, depth, channel, claimed_at) VALUES (1, 1, 1, x'aa', 0, 'seed', 2)`,
		`INSERT INTO links (id, campaign_id, token_hash, sender_claim_id, channel, seats, created_at) VALUES (2, 1, x'02', 1, 'whatsapp', 1, 3)`,
		`INSERT INTO claims (id, campaign_id, link_id, parent_id, device_hash, depth, channel, claimed_at) VALUES (2, 1, 2, 1, x'bb', 1, 'whatsapp', 4)`,
		`INSERT INTO tree_snapshots (campaign_id, last_claim, last_link, data, saved_at) VALUES (1, 2, 2, x'00', 5)`,
	} {
		if _, err := db.Write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return db
}

func TestCopy(t *testing.T) {
	dbtest.PostgresOnly(t)
	ctx := context.Background()
	src := source(t)
	dst, err := storage.Open(ctx, dbtest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	tables, err := dbcopy.Plan(ctx, src.Read, dst.Read)
	if err != nil {
		t.Fatal(err)
	}
	done, err := dbcopy.Copy(ctx, src.Read, dst.Write, tables)
	if err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int64{"users": 2, "settings": 1, "sessions": 1, "campaigns": 1, "links": 2, "claims": 2} {
		if got := done.Rows[table]; got != want {
			t.Errorf("%s: %d rows copied, want %d", table, got, want)
		}
	}
	for _, tab := range tables {
		if tab.Name == "tree_snapshots" || tab.Name == "write_probe" {
			t.Errorf("table %s is copied", tab.Name)
		}
		a, err := dbcopy.DigestTable(ctx, src.Read, storage.SQLite, tab)
		if err != nil {
			t.Fatal(err)
		}
		b, err := dbcopy.DigestTable(ctx, dst.Read, storage.Postgres, tab)
		if err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("%s: source %+v, target %+v", tab.Name, a, b)
		}
	}
	var send bool
	if err := dst.Read.QueryRowContext(ctx, `SELECT send_for_me FROM campaigns WHERE id = 1`).Scan(&send); err != nil || !send {
		t.Errorf("send_for_me = %v, %v; want true", send, err)
	}
	next, err := dbcopy.NextIDs(ctx, dst.Read, tables)
	if err != nil {
		t.Fatal(err)
	}
	if next["users"] != 4 || next["links"] != 3 || next["contacts"] != 1 {
		t.Errorf("next ids %v: want users 4 (3 was handed out, then deleted), links 3, contacts 1", next)
	}
	var id int64
	if err := dst.Write.QueryRowContext(ctx, `INSERT INTO users (email, password_hash, created_at) VALUES ('d@x', '\x00', 4) RETURNING id`).Scan(&id); err != nil || id != 4 {
		t.Errorf("new user id %d, %v; want 4", id, err)
	}

	// A second copy into it is refused, and writes nothing.
	before, err := dbcopy.DigestTable(ctx, dst.Read, storage.Postgres, tables[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := dbcopy.CheckEmpty(ctx, dst.Read); !errors.Is(err, dbcopy.ErrNotEmpty) {
		t.Errorf("CheckEmpty: %v, want ErrNotEmpty", err)
	}
	if _, err := dbcopy.Copy(ctx, src.Read, dst.Write, tables); !errors.Is(err, dbcopy.ErrNotEmpty) {
		t.Errorf("second Copy: %v, want ErrNotEmpty", err)
	}
	after, err := dbcopy.DigestTable(ctx, dst.Read, storage.Postgres, tables[0])
	if err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("refused copy changed %s: %+v, then %+v", tables[0].Name, before, after)
	}
}
