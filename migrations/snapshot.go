package migrations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
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
	return Version(ctx, db)
}

// Version returns the last migration applied to db, 0 for none.
func Version(ctx context.Context, db *sql.DB) (int64, error) {
	var v sql.NullInt64
	err := db.QueryRowContext(ctx, "SELECT MAX(version_id) FROM goose_db_version WHERE is_applied").Scan(&v)
	if err != nil {
		var pe *pgconn.PgError
		if strings.Contains(err.Error(), "no such table") || errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table
			return 0, nil
		}
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v.Int64, nil
}

// Latest returns the version of the newest migration this binary holds:
// a database past it was written by a newer Sillage.
func Latest() (int64, error) {
	names, err := fs.Glob(Migrations(SQLite), "*.sql")
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	var latest int64
	for _, name := range names {
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migrations: %s: no version number", name)
		}
		latest = max(latest, v)
	}
	return latest, nil
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
	db, err := sql.Open("sqlite3", dsn(path, extra))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}
