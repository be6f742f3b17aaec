// Package migrations holds Sillage's SQL schema, embedded in the binary, and
// opens the SQLite database it applies to.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"net/url"
	"runtime"

	_ "github.com/mattn/go-sqlite3" // the embedded default database
	"github.com/pressly/goose/v3"
)

//go:embed *.sql
var files embed.FS

// DB is a SQLite database opened as two pools on one file: a single writer
// connection, so concurrent requests queue in Go instead of failing with
// "database is locked", and several read-only connections that WAL lets run
// beside it.
type DB struct {
	Write *sql.DB
	Read  *sql.DB
	Path  string // the database file
}

// Open opens (creating if needed) the SQLite file at path, applies every
// pending migration and returns the two pools.
func Open(ctx context.Context, path string) (*DB, error) {
	write, err := sql.Open("sqlite3", dsn(path, url.Values{
		"_txlock": {"immediate"}, // take the write lock at BEGIN, not halfway
		// Erased contact data must not linger in free pages of the file.
		"_secure_delete": {"true"},
	}))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := Up(ctx, write); err != nil {
		write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite3", dsn(path, url.Values{"_query_only": {"true"}}))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return &DB{Write: write, Read: read, Path: path}, nil
}

// Checkpoint copies the write-ahead log into the database file and empties
// it, so that data just erased does not stay readable in the log. It is
// best done after an erasure; SQLite answers busy while a long read holds
// an old snapshot, and the log is then emptied at a later checkpoint.
func (db *DB) Checkpoint(ctx context.Context) error {
	_, err := db.Write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

func dsn(path string, extra url.Values) string {
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
	err := db.Read.Close()
	if werr := db.Write.Close(); err == nil {
		err = werr
	}
	return err
}

// Up applies the embedded migrations that db has not seen yet, in order.
func Up(ctx context.Context, db *sql.DB) error {
	p, err := goose.NewProvider(goose.DialectSQLite3, db, files)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
}
