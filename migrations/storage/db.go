// Package storage opens Sillage's database, a SQLite file by default or a
// PostgreSQL server named by a postgres:// URL, migrated to the schema of
// package migrations, and holds what every store shares: the dialect
// helpers, settings, jobs, snapshots and telling a store that cannot write.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"

	_ "github.com/mattn/go-sqlite3" // the embedded default database

	"github.com/sillage/sillage/migrations"
)

// DB is the store opened as two pools. On SQLite they share one file: a
// single writer connection, so concurrent requests queue in Go instead of
// failing with "database is locked", and several read-only connections
// that WAL lets run beside it. On PostgreSQL, Write and Read are the same
// pool: the server orders writers itself.
type DB struct {
	Write   *sql.DB
	Read    *sql.DB
	Path    string  // the SQLite database file; empty on PostgreSQL
	Dialect Dialect // which store Write and Read talk to
	Target  string  // what Open was given, without a password: for logs

	ready      readiness
	checkpoint CheckpointMode
}

// Open opens the store that target names, applies every pending
// migration and returns the two pools. A target that starts with
// postgres:// or postgresql:// is a PostgreSQL URL (see openPostgres);
// anything else is the path of a SQLite file, created if needed.
func Open(ctx context.Context, target string) (*DB, error) {
	if DialectOf(target) == Postgres {
		return openPostgres(ctx, target)
	}
	return openSQLite(ctx, target)
}

// openSQLite opens (creating if needed) the SQLite file at path.
func openSQLite(ctx context.Context, path string) (*DB, error) {
	if err := private(path); err != nil {
		return nil, err
	}
	write, err := sql.Open("sqlite3", SQLiteDSN(path, url.Values{
		"_txlock": {"immediate"}, // take the write lock at BEGIN, not halfway
		// Erased contact data must not linger in free pages of the file.
		"_secure_delete": {"true"},
	}))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := migrations.Up(ctx, SQLite.String(), write); err != nil {
		write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite3", SQLiteDSN(path, url.Values{"_query_only": {"true"}}))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return &DB{Write: write, Read: read, Path: path, Dialect: SQLite, Target: path}, nil
}

// ErrCheckpointBusy is returned by Checkpoint when a reader kept SQLite
// from copying the whole log: what the log holds stays there until a later
// checkpoint.
var ErrCheckpointBusy = errors.New("checkpoint incomplete: a reader holds an older snapshot")

// CheckpointMode is how Checkpoint copies the write-ahead log into the
// database file.
type CheckpointMode int

const (
	// CheckpointTruncate copies the whole log and empties it, so that
	// erased data leaves it at once. It waits for readers of an older
	// snapshot, up to the busy timeout, and holds new writes meanwhile.
	CheckpointTruncate CheckpointMode = iota
	// CheckpointPassive copies what no reader still needs, waiting for
	// no one and holding no write, and leaves the log's size alone. It is
	// for a database that Litestream replicates: Litestream checkpoints
	// itself, and keeps a read transaction open so that no other
	// checkpoint passes what it has copied; a truncating one would hold
	// the server's writes for the whole busy timeout, then fail.
	CheckpointPassive
)

// ParseCheckpointMode reads "truncate" or "passive".
func ParseCheckpointMode(s string) (CheckpointMode, error) {
	switch s {
	case "truncate":
		return CheckpointTruncate, nil
	case "passive":
		return CheckpointPassive, nil
	}
	return 0, fmt.Errorf("checkpoint mode %q: want truncate, or passive when Litestream replicates the database", s)
}

// SetCheckpointMode sets how Checkpoint works; call it before using db.
func (db *DB) SetCheckpointMode(m CheckpointMode) { db.checkpoint = m }

// Checkpoint copies the write-ahead log into the database file and, in
// the default mode (CheckpointTruncate), empties it, so that data just
// erased does not stay readable in the log. It is best done after an
// erasure. SQLite reports a checkpoint that readers held up in its
// result, not as an error: Checkpoint returns it as ErrCheckpointBusy,
// and the store's errors otherwise. In CheckpointPassive mode a partial
// copy is expected (Litestream holds it up) and is no error.
//
// On PostgreSQL it does nothing: the server manages its own log.
func (db *DB) Checkpoint(ctx context.Context) error {
	if db.Dialect == Postgres {
		return nil
	}
	mode := "TRUNCATE"
	if db.checkpoint == CheckpointPassive {
		mode = "PASSIVE"
	}
	var busy, logged, copied int
	err := db.Write.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &logged, &copied)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if busy != 0 && db.checkpoint != CheckpointPassive {
		return fmt.Errorf("%w (%d of %d pages copied)", ErrCheckpointBusy, copied, logged)
	}
	return nil
}

// private creates the database file readable by its owner only, before
// SQLite opens it: SQLite gives its -wal and -shm files the database's
// mode. A file already there loses any access by group and others, as do
// its -wal and -shm.
func private(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("open %s: %w", path, err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, fi.Mode().Perm()&0o700); err != nil {
				return fmt.Errorf("open %s: %w", path, err)
			}
		}
	}
	return nil
}

// SQLiteDSN is the address sql.Open("sqlite3", ...) takes for the
// database file at path with Sillage's settings (WAL, foreign keys on, a
// busy timeout, cached statements) and the extra ones: Open's, and the
// migration tests', which open the file themselves to stop at a version.
func SQLiteDSN(path string, extra url.Values) string {
	q := url.Values{
		"_journal_mode": {"WAL"},
		"_synchronous":  {"NORMAL"},
		"_busy_timeout": {"10000"},
		"_foreign_keys": {"on"},
		// Hot queries are the same few strings: keep them prepared per
		// connection instead of parsing them on every call.
		"_stmt_cache_size": {"64"},
	}
	for k, v := range extra {
		q[k] = v
	}
	return "file:" + path + "?" + q.Encode()
}

// Close closes both pools.
func (db *DB) Close() error {
	if db.Read == db.Write {
		return db.Write.Close()
	}
	err := db.Read.Close()
	if werr := db.Write.Close(); err == nil {
		err = werr
	}
	return err
}
