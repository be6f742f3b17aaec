// Package dbtest opens real, migrated SQLite databases for tests.
package dbtest

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sillage/sillage/migrations"
)

// Open returns a migrated database in a fresh temporary directory, closed
// when the test ends.
func Open(tb testing.TB) *migrations.DB {
	tb.Helper()
	db, err := migrations.Open(context.Background(), filepath.Join(tb.TempDir(), "sillage.db"))
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Dump returns every text and blob value of every table, each followed by
// a zero byte: what a stolen copy of the database would reveal.
func Dump(tb testing.TB, db *migrations.DB) []byte {
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
// not keep.
func EachRow(tb testing.TB, db *migrations.DB, fn func(table string, rowid int64, cols []string, vals []any), skip ...string) {
	tb.Helper()
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
