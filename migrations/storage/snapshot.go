package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"

	"github.com/sillage/sillage/migrations"
)

// ErrNotSQLite is returned by what only a SQLite file allows (Snapshot,
// Check, OpenReadOnly) when given a PostgreSQL URL: copy PostgreSQL with
// pg_dump, and keep its media in a versioned bucket.
var ErrNotSQLite = errors.New("a PostgreSQL database: use pg_dump instead")

// Snapshot writes a consistent copy of the database at src to the file
// dst, which must not exist or be empty, while other processes keep
// reading and writing src. It runs VACUUM INTO on a read-only connection:
// the copy is the state of one read transaction, so every row of it was
// committed together with the others, whatever the server's writer does
// meanwhile. (VACUUM INTO writes to dst only, but SQLite refuses it on a
// query_only connection.) The copy holds no free page, so no erased data either.
//
// It creates nothing at src: a missing database is an error, never a new
// empty one.
func Snapshot(ctx context.Context, src, dst string) error {
	if DialectOf(src) == Postgres {
		return fmt.Errorf("snapshot %s: %w", redact(src), ErrNotSQLite)
	}
	db, err := openExisting(src, url.Values{})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO $1", dst); err != nil {
		return fmt.Errorf("snapshot %s: %w", src, err)
	}
	return nil
}

// Check opens the database file at path without changing it, checks its
// pages (PRAGMA quick_check) and returns the schema version it is at: the
// last migration applied. A newer binary's Open migrates it further.
func Check(ctx context.Context, path string) (version int64, err error) {
	if DialectOf(path) == Postgres {
		return 0, fmt.Errorf("check %s: %w", redact(path), ErrNotSQLite)
	}
	db, err := OpenReadOnly(path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return 0, fmt.Errorf("check %s: %w", path, err)
	}
	if res != "ok" {
		return 0, fmt.Errorf("check %s: damaged: %s", path, res)
	}
	return migrations.Version(ctx, db)
}

// OpenReadOnly opens the database file at path for reading only, such as
// a backup's copy. It creates nothing and applies no migration: a missing
// file is an error.
func OpenReadOnly(path string) (*sql.DB, error) {
	if DialectOf(path) == Postgres {
		return nil, fmt.Errorf("open %s read-only: %w", redact(path), ErrNotSQLite)
	}
	return openExisting(path, url.Values{"_query_only": {"true"}})
}

// openExisting opens the database file at path with the extra settings
// of dsn, and refuses to create it.
func openExisting(path string, extra url.Values) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: give the server's -data-dir (or -db)", path)
		}
		return nil, err
	}
	extra.Set("mode", "rw")
	db, err := sql.Open("sqlite3", SQLiteDSN(path, extra))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}
