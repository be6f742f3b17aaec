package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// ErrUnwritable is the sentinel for a store that cannot take writes right
// now (its disk or file system is full, read-only or failing). Packages
// that find such a condition on their own wrap it; Unwritable also
// recognises the driver's errors.
var ErrUnwritable = errors.New("store cannot write")

// Unwritable reports whether err says the store cannot write now, a
// condition that passes once the disk has room again: SQLite's "database
// or disk is full", I/O errors (a write the OS refused, ENOSPC or EFBIG),
// a read-only database and a journal it cannot open, and the same refusals
// met writing an uploaded file beside the database. On PostgreSQL: a
// server out of disk, memory or connections (SQLSTATE class 53), a
// read-only transaction (25006, a standby after a failover), a server
// shutting down or starting (57P01 to 57P03), a lost or refused
// connection (class 08, and a connection that could not be made), and an
// I/O error (58030). Constraint violations, busy locks, deadlocks and bad
// SQL are not.
func Unwritable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnwritable) {
		return true
	}
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT, syscall.EFBIG, syscall.EROFS} {
		if errors.Is(err, errno) {
			return true
		}
	}
	var e sqlite3.Error
	if errors.As(err, &e) {
		switch e.Code {
		case sqlite3.ErrFull, sqlite3.ErrIoErr, sqlite3.ErrReadonly, sqlite3.ErrCantOpen:
			return true
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "53"), strings.HasPrefix(pe.Code, "08"):
			return true
		}
		switch pe.Code {
		case "25006", "57P01", "57P02", "57P03", "58030":
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	return errors.As(err, &ce)
}

// readyEvery bounds how often Ready writes its probe while the store is
// healthy; a store found unwritable is probed again on every call, so
// recovery shows at once.
const readyEvery = 5 * time.Second

// readiness is what Ready remembers between probes.
type readiness struct {
	mu    sync.Mutex
	at    time.Time // of the last probe that succeeded
	every time.Duration
}

// Ready returns nil when the store can take new rows, or an error that
// Unwritable recognises. It commits a tiny write (one row of write_probe,
// through the single writer connection, so it also proves the log can
// be written), and checks that SQLite may still add pages to the file
// (page_count against max_page_count) and that the file system has a few
// megabytes free: on a nearly full disk a commit that rewrites an existing
// page can pass while new rows cannot. On PostgreSQL only the write is
// probed: the server's disk is its own. A success is trusted for a few
// seconds; a failure is probed again on the next call, so Ready turns nil
// as soon as space returns, without a restart.
func (db *DB) Ready(ctx context.Context) error {
	r := &db.ready
	r.mu.Lock()
	defer r.mu.Unlock()
	every := r.every
	if every == 0 {
		every = readyEvery
	}
	if !r.at.IsZero() && time.Since(r.at) < every {
		return nil
	}
	r.at = time.Time{}
	if err := db.probe(ctx); err != nil {
		return err
	}
	r.at = time.Now()
	return nil
}

// SetReadyEvery changes how long Ready trusts a successful probe (tests
// set it to a nanosecond so every call probes).
func (db *DB) SetReadyEvery(d time.Duration) {
	db.ready.mu.Lock()
	db.ready.every = d
	db.ready.mu.Unlock()
}

func (db *DB) probe(ctx context.Context) error {
	conn, err := db.Write.Conn(ctx) // the pragmas below are the writer's own
	if err != nil {
		return fmt.Errorf("readiness: %w", err)
	}
	defer conn.Close()
	if db.Dialect == SQLite {
		if err := db.room(ctx, conn); err != nil {
			return err
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("readiness: %w", err)
	}
	defer tx.Rollback()
	// The value must change: SQLite writes nothing for a row updated to
	// the bytes it already holds, and a commit of nothing proves nothing.
	// (CASE rather than SQLite's two-argument MAX, which PostgreSQL calls
	// GREATEST.)
	if _, err := tx.ExecContext(ctx, `INSERT INTO write_probe (id, probed_at) VALUES (1, $1)
		ON CONFLICT (id) DO UPDATE SET probed_at = CASE
			WHEN excluded.probed_at > write_probe.probed_at THEN excluded.probed_at
			ELSE write_probe.probed_at + 1 END`, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("readiness: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("readiness: %w", err)
	}
	return nil
}

// room checks that SQLite may still add pages to the file and that its
// file system has room.
func (db *DB) room(ctx context.Context, conn *sql.Conn) error {
	var pages, maxPages, free int64
	if err := conn.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return fmt.Errorf("readiness: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA max_page_count").Scan(&maxPages); err != nil {
		return fmt.Errorf("readiness: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA freelist_count").Scan(&free); err != nil {
		return fmt.Errorf("readiness: %w", err)
	}
	// An update of the probe row reuses its page: with no page left to
	// allocate it would pass while every insert fails.
	if maxPages-pages+free < minFreePages {
		return fmt.Errorf("readiness: %d of at most %d pages used: %w", pages-free, maxPages, ErrUnwritable)
	}
	if err := diskRoom(db.Path); err != nil {
		return fmt.Errorf("readiness: %w", err)
	}
	return nil
}

// minFreePages is how many pages SQLite must still be able to use for the
// store to count as ready: enough for a few rows and their indexes.
const minFreePages = 16
