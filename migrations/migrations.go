// Package migrations holds Sillage's SQL schema, embedded in the binary
// once per store (sqlite/ and postgres/, the same versions in both), and
// applies it with goose. Opening a store is migrations/storage's work; it
// calls Up.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// The stores the schema is written for, each the name of its folder.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// FS returns the embedded migrations of one store (SQLite or Postgres),
// each at the top of the returned tree as goose wants them.
func FS(store string) fs.FS {
	sub, err := fs.Sub(files, store)
	if err != nil {
		panic(err) // the folder is embedded: fs.Sub fails only on a bad name
	}
	return sub
}

// Up applies the migrations of store (SQLite or Postgres) that db has not
// seen yet, in order.
func Up(ctx context.Context, store string, db *sql.DB) error {
	var dialect goose.Dialect
	var opts []goose.ProviderOption
	switch store {
	case SQLite:
		dialect = goose.DialectSQLite3
	case Postgres:
		dialect = goose.DialectPostgres
		// Instances started together on one database: the first migrates
		// under an advisory lock, the others wait for it (trying each
		// second, five minutes at most) and then find nothing to apply.
		// (PostgreSQL only: several servers on one SQLite file are a
		// one-machine arrangement, started one after the other.)
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
		if err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	default:
		return fmt.Errorf("migrations: no store %q", store)
	}
	p, err := goose.NewProvider(dialect, db, FS(store), opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
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
	names, err := fs.Glob(FS(SQLite), "*.sql")
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
