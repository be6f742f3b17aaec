package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/migrations/storage"
)

// A snapshot taken while the writer commits holds whole transactions
// only: each one writes two rows, and the copy never has one without the
// other.
func TestSnapshotWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := storage.Open(ctx, filepath.Join(dir, "sillage.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Write.ExecContext(ctx, "CREATE TABLE pairs (batch INTEGER NOT NULL, half INTEGER NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	insert := func(batch int) error {
		tx, err := db.Write.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		for half := range 2 {
			if _, err := tx.ExecContext(ctx, "INSERT INTO pairs (batch, half) VALUES ($1, $2)", batch, half); err != nil {
				return err
			}
		}
		return tx.Commit()
	}
	for b := range 100 {
		if err := insert(b); err != nil {
			t.Fatal(err)
		}
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Go(func() {
		for b := 100; ; b++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := insert(b); err != nil {
				writeErr = err
				return
			}
		}
	})
	copies := make([]string, 5)
	for i := range copies {
		copies[i] = filepath.Join(dir, "copy"+string(rune('a'+i))+".db")
		if err := storage.Snapshot(ctx, db.Path, copies[i]); err != nil {
			t.Fatalf("snapshot %d: %v", i, err)
		}
	}
	close(stop)
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("the writer failed during the snapshots: %v", writeErr)
	}
	var total int
	if err := db.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM pairs").Scan(&total); err != nil {
		t.Fatal(err)
	}

	latest, err := migrations.Latest()
	if err != nil {
		t.Fatal(err)
	}
	prev := 0
	for _, path := range copies {
		version, err := storage.Check(ctx, path)
		if err != nil {
			t.Fatalf("check %s: %v", path, err)
		}
		if version != latest {
			t.Errorf("%s: schema version %d, want %d", path, version, latest)
		}
		c, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		var rows, halves int
		err = c.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE n != 2) FROM
			(SELECT batch, COUNT(*) AS n FROM pairs GROUP BY batch)`).Scan(&rows, &halves)
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		if halves != 0 {
			t.Errorf("%s: %d transactions copied in part", path, halves)
		}
		if rows < 100 || rows < prev || 2*rows > total {
			t.Errorf("%s: %d transactions, want between %d and %d", path, rows, max(100, prev), total/2)
		}
		prev = rows
	}
	if 2*prev == total {
		t.Logf("the writer committed nothing after the last snapshot (%d transactions)", prev)
	}
}

// Neither Snapshot nor Check creates a database where there is none.
func TestSnapshotCreatesNoDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	missing := filepath.Join(dir, "sillage.db")
	if err := storage.Snapshot(ctx, missing, filepath.Join(dir, "copy.db")); err == nil {
		t.Error("snapshot of a missing database succeeded")
	}
	if _, err := storage.Check(ctx, missing); err == nil {
		t.Error("check of a missing database succeeded")
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the missing database was created: %v", err)
	}
}

// The truncating checkpoint fails, after the busy timeout, when a reader
// holds an older snapshot (as Litestream always does); the passive one
// copies what it may, never fails for it and leaves the log's size.
func TestCheckpointModes(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		mode         string
		reader       bool
		wantBusy     bool
		wantEmptyLog bool
	}{
		{mode: "truncate", wantEmptyLog: true},
		{mode: "truncate", reader: true, wantBusy: true},
		{mode: "passive"},
		{mode: "passive", reader: true},
	} {
		name := tc.mode
		if tc.reader {
			name += "/reader"
		}
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sillage.db")
			db, err := storage.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			mode, err := storage.ParseCheckpointMode(tc.mode)
			if err != nil {
				t.Fatal(err)
			}
			db.SetCheckpointMode(mode)
			exec := func(q string) {
				t.Helper()
				if _, err := db.Write.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			exec("CREATE TABLE t (x)")
			exec("INSERT INTO t VALUES (1)")
			if tc.reader {
				// Another process's read transaction, begun before the
				// last write.
				other, err := storage.OpenReadOnly(path)
				if err != nil {
					t.Fatal(err)
				}
				defer other.Close()
				tx, err := other.BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer tx.Rollback()
				var n int
				if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM t").Scan(&n); err != nil {
					t.Fatal(err)
				}
				exec("PRAGMA busy_timeout = 50") // the one writer connection
			}
			exec("INSERT INTO t VALUES (2)")
			err = db.Checkpoint(ctx)
			if got := errors.Is(err, storage.ErrCheckpointBusy); got != tc.wantBusy || (err != nil && !got) {
				t.Errorf("Checkpoint = %v, want busy %v", err, tc.wantBusy)
			}
			fi, err := os.Stat(path + "-wal")
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Size() == 0; got != tc.wantEmptyLog {
				t.Errorf("log of %d bytes after the checkpoint, want empty: %v", fi.Size(), tc.wantEmptyLog)
			}
		})
	}
	if _, err := storage.ParseCheckpointMode("full"); err == nil {
		t.Error(`ParseCheckpointMode("full") succeeded`)
	}
}
