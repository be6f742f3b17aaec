package migrations_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/sillage/sillage/migrations"
)

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	for i := range 2 { // the second open must find nothing pending
		db, err := migrations.Open(ctx, path)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		var mode string
		if err := db.Read.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Errorf("journal_mode = %q, want wal", mode)
		}
		var fk int
		if err := db.Write.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if fk != 1 {
			t.Errorf("foreign_keys = %d, want 1", fk)
		}
		if _, err := db.Read.ExecContext(ctx, "INSERT INTO api_keys (name, key_hash, created_at) VALUES ('x', x'00', 0)"); err == nil {
			t.Error("read pool accepted a write")
		}
		db.Close()
	}
}
