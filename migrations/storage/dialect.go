package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Dialect is the kind of store a DB talks to. The few places where the
// SQL of SQLite and PostgreSQL differ ask it, and keep one query text
// otherwise.
type Dialect int

const (
	// SQLite is the default store: one file beside the server.
	SQLite Dialect = iota
	// Postgres is a PostgreSQL server reached by a postgres:// URL, which
	// several instances may share.
	Postgres
)

// DialectOf returns the store a target names: a URL that starts with
// postgres:// or postgresql:// is PostgreSQL, anything else a SQLite
// file path.
func DialectOf(target string) Dialect {
	t := strings.ToLower(target)
	if strings.HasPrefix(t, "postgres://") || strings.HasPrefix(t, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// String names the dialect as package migrations does: "sqlite" or
// "postgres".
func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// SkipLocked is the clause that makes a SELECT lock the rows it returns
// and pass over those another transaction holds: on PostgreSQL, so that
// concurrent outbox workers each take different messages instead of
// queuing on the same ones. SQLite has one writer at a time and no row
// locks: the clause is empty there.
func (d Dialect) SkipLocked() string {
	if d == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// LockRow returns the clause that makes a SELECT lock the rows it reads
// until the transaction ends: FOR NO KEY UPDATE on PostgreSQL, which
// still lets foreign-key checks of new rows pointing at them through, and
// nothing on SQLite, whose one writer already runs alone.
func (d Dialect) LockRow() string {
	if d == Postgres {
		return " FOR NO KEY UPDATE"
	}
	return ""
}

// Lock takes the advisory lock key inside tx, held until tx ends, so that
// a check and the write it guards run one at a time across every
// instance. On SQLite it does nothing: its one writer already serializes.
func (d Dialect) Lock(ctx context.Context, tx *sql.Tx, key string) error {
	if d != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, key); err != nil {
		return fmt.Errorf("lock %s: %w", key, err)
	}
	return nil
}

// Retryable reports whether err is PostgreSQL giving up a transaction
// that may succeed when run again: a deadlock (40P01) or a serialization
// failure (40001). Never on SQLite.
func (d Dialect) Retryable(err error) bool {
	if d != Postgres {
		return false
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}
