// Package dbtest opens real, migrated SQLite databases for tests.
package dbtest

import (
	"context"
	"path/filepath"
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
