package migrations

import (
	"strings"

	"github.com/pressly/goose/v3"
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

// String names the dialect as the migrations' folders do.
func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// goose is the dialect goose applies the migrations with.
func (d Dialect) goose() goose.Dialect {
	if d == Postgres {
		return goose.DialectPostgres
	}
	return goose.DialectSQLite3
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
