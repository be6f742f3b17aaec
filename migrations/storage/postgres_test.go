package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

func TestDialectOf(t *testing.T) {
	for _, tc := range []struct {
		target string
		want   storage.Dialect
	}{
		{"postgres://u@db/sillage", storage.Postgres},
		{"postgresql://u:pw@db:5432/sillage?sslmode=require", storage.Postgres},
		{"POSTGRES://u@db/sillage", storage.Postgres},
		{"/var/lib/sillage/sillage.db", storage.SQLite},
		{"sillage.db", storage.SQLite},
		{"postgres.db", storage.SQLite},
		{"./postgres://x", storage.SQLite},
		{"", storage.SQLite},
	} {
		if got := storage.DialectOf(tc.target); got != tc.want {
			t.Errorf("DialectOf(%q) = %v, want %v", tc.target, got, tc.want)
		}
	}
}

// A postgres:// URL opens PostgreSQL, migrated to the same version as a
// SQLite file, once: a second Open finds nothing to apply. Both pools are
// one, and the target kept for logs has no password.
func TestOpenPostgres(t *testing.T) {
	ctx := context.Background()
	target := dbtest.PostgresURL(t)
	withPassword := strings.Replace(target, "postgres://postgres@", "postgres://postgres:hunter2@", 1)
	latest, err := migrations.Latest()
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(migrations.FS(migrations.Postgres), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		db, err := storage.Open(ctx, withPassword)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		if db.Dialect != storage.Postgres || db.Path != "" || db.Read != db.Write {
			t.Errorf("open #%d: dialect %v, path %q, one pool %v; want postgres, empty, true", i+1, db.Dialect, db.Path, db.Read == db.Write)
		}
		if strings.Contains(db.Target, "hunter2") {
			t.Errorf("Target %q shows the password", db.Target)
		}
		v, err := migrations.Version(ctx, db.Read)
		if err != nil {
			t.Fatal(err)
		}
		var applied int
		if err := db.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM goose_db_version WHERE version_id > 0").Scan(&applied); err != nil {
			t.Fatal(err)
		}
		if v != latest || applied != len(files) {
			t.Errorf("open #%d: version %d with %d migrations applied, want %d with %d (the base and those since)", i+1, v, applied, latest, len(files))
		}
		var timeout string
		if err := db.Read.QueryRowContext(ctx, "SHOW idle_in_transaction_session_timeout").Scan(&timeout); err != nil {
			t.Fatal(err)
		}
		if timeout != "15s" {
			t.Errorf("idle_in_transaction_session_timeout = %q, want 15s", timeout)
		}
		db.Close()
	}
}

// What only a SQLite file allows refuses a PostgreSQL URL, saying so.
func TestSQLiteOnlyRefusesPostgres(t *testing.T) {
	ctx := context.Background()
	target := "postgres://u:hunter2@db/sillage"
	err := storage.Snapshot(ctx, target, filepath.Join(t.TempDir(), "copy.db"))
	if !errors.Is(err, storage.ErrNotSQLite) || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Snapshot = %v, want ErrNotSQLite without the password", err)
	}
	if _, err := storage.Check(ctx, target); !errors.Is(err, storage.ErrNotSQLite) {
		t.Errorf("Check = %v, want ErrNotSQLite", err)
	}
	if _, err := storage.OpenReadOnly(target); !errors.Is(err, storage.ErrNotSQLite) {
		t.Errorf("OpenReadOnly = %v, want ErrNotSQLite", err)
	}
}

// The text columns compared by range or order sort bytewise on
// PostgreSQL too, whatever the database's collation: settings' prefix
// delete (key >= p AND key < p || U+10FFFF) is exact only so.
func TestPostgresCollations(t *testing.T) {
	dbtest.PostgresOnly(t)
	db := dbtest.Open(t)
	for _, col := range []string{"settings.key", "notify_keys.name", "campaign_counters.name",
		"suppressions.address", "contacts.address", "users.email"} {
		table, name, _ := strings.Cut(col, ".")
		var collation sql.NullString
		err := db.Read.QueryRow(`SELECT collation_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`, table, name).Scan(&collation)
		if err != nil {
			t.Fatalf("%s: %v", col, err)
		}
		if collation.String != "C" {
			t.Errorf("%s: collation %q, want C", col, collation.String)
		}
	}
}

// An id is never handed out twice on PostgreSQL either: the identity's
// sequence moves on past a deleted last row (SQLite needed AUTOINCREMENT
// for this, migration 00009).
func TestIDsNeverReusedPostgres(t *testing.T) {
	dbtest.PostgresOnly(t)
	db := dbtest.Open(t)
	ctx := context.Background()
	for _, table := range []struct{ name, insert string }{
		{"api_keys", `INSERT INTO api_keys (name, key_hash, created_at) VALUES ('k', $1, 0) RETURNING id`},
		{"users", `INSERT INTO users (email, password_hash, created_at) VALUES ('u' || $1::bytea::text, '\x00', 0) RETURNING id`},
		{"campaigns", `INSERT INTO campaigns (title, language, status, teaser_title, teaser_description, teaser_image_url,
			seats_per_link, max_seats, forwards_per_claim, max_depth, link_lifetime, view_cap, send_for_me, created_at, updated_at)
			VALUES ('c' || $1::bytea::text, 'en', 'draft', '', '', '', 1, 1, 1, 1, 1, 1, FALSE, 0, 0) RETURNING id`},
	} {
		var first, second, third int64
		if err := db.Write.QueryRowContext(ctx, table.insert, []byte{1}).Scan(&first); err != nil {
			t.Fatalf("%s: %v", table.name, err)
		}
		if err := db.Write.QueryRowContext(ctx, table.insert, []byte{2}).Scan(&second); err != nil {
			t.Fatalf("%s: %v", table.name, err)
		}
		if _, err := db.Write.ExecContext(ctx, `DELETE FROM `+table.name+` WHERE id = $1`, second); err != nil {
			t.Fatalf("%s: %v", table.name, err)
		}
		if err := db.Write.QueryRowContext(ctx, table.insert, []byte{3}).Scan(&third); err != nil {
			t.Fatalf("%s: %v", table.name, err)
		}
		if third <= second || second <= first {
			t.Errorf("%s: ids %d, %d, then %d after deleting %d: want each above the last", table.name, first, second, third, second)
		}
	}
}

// Instances started together on an empty database migrate it once: the
// others wait for the first and find the tables made, instead of failing
// on tables that already exist.
func TestInstancesStartTogether(t *testing.T) {
	target := dbtest.EmptyPostgresURL(t)
	latest, err := migrations.Latest()
	if err != nil {
		t.Fatal(err)
	}
	const n = 3
	errs := make(chan error, n)
	start := make(chan struct{})
	for range n {
		go func() {
			<-start
			db, err := storage.Open(context.Background(), target)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			v, err := migrations.Version(context.Background(), db.Read)
			if err == nil && v != latest {
				err = fmt.Errorf("at version %d, want %d", v, latest)
			}
			errs <- err
		}()
	}
	close(start)
	for i := range n {
		if err := <-errs; err != nil {
			t.Errorf("instance %d of %d starting together: %v", i+1, n, err)
		}
	}
}
