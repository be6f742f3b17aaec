// Package dbtest opens real, migrated databases for tests: a SQLite file
// by default, or a fresh PostgreSQL database when SILLAGE_TEST_POSTGRES
// holds a server's URL (see PostgresEnv).
package dbtest

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sillage/sillage/migrations/storage"
)

// Open returns a migrated database of its own for the test, closed (and
// on PostgreSQL dropped) when the test ends: see Target.
func Open(tb testing.TB) *storage.DB {
	tb.Helper()
	target := Target(tb)
	db, err := storage.Open(context.Background(), target)
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	if db.Dialect == storage.Postgres {
		db.Write.SetMaxOpenConns(testConns)
		targets.Store(db, target) // for Instances: db.Target has no password
	}
	tb.Cleanup(func() { db.Close(); targets.Delete(db) })
	return db
}

// sqlitePath is a SQLite file in a new temporary directory.
func sqlitePath(tb testing.TB) string {
	return filepath.Join(tb.TempDir(), "sillage.db")
}

// Dump returns every text and blob value of every table, each followed by
// a zero byte: what a stolen copy of the database would reveal.
func Dump(tb testing.TB, db *storage.DB) []byte {
	tb.Helper()
	var dump bytes.Buffer
	EachRow(tb, db, func(_ string, _ int64, _ []string, vals []any) {
		for _, v := range vals {
			switch v := v.(type) {
			case []byte:
				dump.Write(v)
			case string:
				dump.WriteString(v)
			default:
				fmt.Fprint(&dump, v)
			}
			dump.WriteByte(0)
		}
	})
	return dump.Bytes()
}

// EachRow calls fn with every row of every table but those named in skip:
// the table, the row's rowid, the columns and their values, which fn must
// not keep. PostgreSQL has no rowid: there the rows come in the order of
// their first column, which stands for the rowid when it is an integer
// (0 otherwise), and is also among the columns.
func EachRow(tb testing.TB, db *storage.DB, fn func(table string, rowid int64, cols []string, vals []any), skip ...string) {
	tb.Helper()
	if db.Dialect == storage.Postgres {
		eachPostgresRow(tb, db, fn, skip)
		return
	}
	rows, err := db.Read.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		tb.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			tb.Fatal(err)
		}
		if !slices.Contains(skip, name) {
			tables = append(tables, name)
		}
	}
	rows.Close()
	for _, table := range tables {
		rows, err := db.Read.Query(`SELECT rowid, * FROM "` + table + `"`)
		if err != nil {
			tb.Fatal(err)
		}
		cols, _ := rows.Columns()
		var rowid int64
		vals := make([]any, len(cols)-1)
		ptrs := []any{&rowid}
		for i := range vals {
			ptrs = append(ptrs, &vals[i])
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			fn(table, rowid, cols[1:], vals)
		}
		rows.Close()
	}
}

func eachPostgresRow(tb testing.TB, db *storage.DB, fn func(table string, rowid int64, cols []string, vals []any), skip []string) {
	tb.Helper()
	rows, err := db.Read.Query(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		tb.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			tb.Fatal(err)
		}
		if !slices.Contains(skip, name) {
			tables = append(tables, name)
		}
	}
	rows.Close()
	for _, table := range tables {
		rows, err := db.Read.Query(`SELECT * FROM "` + table + `" ORDER BY 1`)
		if err != nil {
			tb.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			rowid, _ := vals[0].(int64)
			fn(table, rowid, cols, vals)
		}
		rows.Close()
	}
}
