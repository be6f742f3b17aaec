package migrations_test

import (
	"context"
	"database/sql"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/migrations/storage"
)

// sqliteAt returns a new SQLite database migrated up to version, opened
// with storage's settings and extra, on one connection as storage.Open's
// writer (the pragmas of a NO TRANSACTION migration hold on it), and the
// goose provider that migrated it, for the test to go on up or down.
func sqliteAt(t *testing.T, version int64, extra url.Values) (*sql.DB, *goose.Provider) {
	t.Helper()
	db, err := sql.Open("sqlite3", storage.SQLiteDSN(filepath.Join(t.TempDir(), "s.db"), extra))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	p, err := goose.NewProvider(goose.DialectSQLite3, db, migrations.FS(migrations.SQLite))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return db, p
}
