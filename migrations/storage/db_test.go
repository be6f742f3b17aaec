package storage_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sillage/sillage/migrations/storage"
)

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	for i := range 2 { // the second open must find nothing pending
		db, err := storage.Open(ctx, path)
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

// TestFilesPrivate opens a database in a data directory that already
// exists: the file and its -wal and -shm are the owner's only, and a file
// left readable by others by an older version is tightened.
func TestFilesPrivate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	check := func(name string) {
		t.Helper()
		path := filepath.Join(dir, name)
		db, err := storage.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Write.ExecContext(ctx, "INSERT INTO api_keys (name, key_hash, created_at) VALUES ('x', randomblob(8), 0)"); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fi.Mode().Perm(), os.FileMode(0o600); got != want {
				t.Errorf("%s: mode %v, want %v", filepath.Base(p), got, want)
			}
		}
	}
	t.Run("New", func(t *testing.T) { check("new.db") })
	t.Run("Existing", func(t *testing.T) {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.WriteFile(filepath.Join(dir, "old.db"+suffix), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			os.Chmod(filepath.Join(dir, "old.db"+suffix), 0o644) // whatever the umask
		}
		check("old.db")
	})
}
