package storage_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// Ready fails while SQLite may not add pages or the disk refuses writes,
// and succeeds again once they are back, on the same open database.
func TestReady(t *testing.T) {
	dbtest.SQLiteOnly(t, "SQLite's page limit and a full disk under the database file")
	if !dbtest.Alone(t) {
		return
	}
	ctx := context.Background()
	db := dbtest.Open(t)
	db.SetReadyEvery(time.Nanosecond) // probe on every call
	ready := func(t *testing.T, want bool) {
		t.Helper()
		err := db.Ready(ctx)
		if got := err == nil; got != want {
			t.Fatalf("Ready = %v, want ready %v", err, want)
		}
		if err != nil && !storage.Unwritable(err) {
			t.Errorf("Ready = %v, which Unwritable does not recognise", err)
		}
	}
	ready(t, true)

	t.Run("NoPageLeft", func(t *testing.T) {
		var pages int64
		if err := db.Write.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
			t.Fatal(err)
		}
		// The writer pool has one connection: the pragma holds for it.
		if _, err := db.Write.Exec("PRAGMA max_page_count = " + strconv.FormatInt(pages, 10)); err != nil {
			t.Fatal(err)
		}
		ready(t, false)
		if _, err := db.Write.Exec("PRAGMA max_page_count = 1073741823"); err != nil {
			t.Fatal(err)
		}
		ready(t, true)
	})
	t.Run("DiskFull", func(t *testing.T) {
		restore := dbtest.Full(t)
		ready(t, false)
		restore()
		ready(t, true)
	})
}

// A success is trusted for a while: Ready does not write on every call.
func TestReadyRateLimited(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	if err := db.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	var first int64
	db.Read.QueryRow("SELECT probed_at FROM write_probe").Scan(&first)
	time.Sleep(2 * time.Millisecond)
	if err := db.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	var second int64
	db.Read.QueryRow("SELECT probed_at FROM write_probe").Scan(&second)
	if first == 0 || second != first {
		t.Errorf("probe times %d then %d: want one probe", first, second)
	}
}

// TestReadyProbeAdvances: each probe changes the probe row (a commit of
// nothing proves nothing), whether the clock moved on or the stored time
// is ahead of it, on either store.
func TestReadyProbeAdvances(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	db.SetReadyEvery(time.Nanosecond)
	probed := func() int64 {
		t.Helper()
		if err := db.Ready(ctx); err != nil {
			t.Fatalf("Ready: %v", err)
		}
		var at int64
		if err := db.Read.QueryRow("SELECT probed_at FROM write_probe WHERE id = 1").Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	before := time.Now().UnixMilli()
	if got := probed(); got < before {
		t.Errorf("first probe at %d, before %d", got, before)
	}
	ahead := time.Now().Add(time.Hour).UnixMilli()
	if _, err := db.Write.Exec("UPDATE write_probe SET probed_at = $1", ahead); err != nil {
		t.Fatal(err)
	}
	if got, want := probed(), ahead+1; got != want {
		t.Errorf("probe after a time ahead of the clock: %d, want %d", got, want)
	}
	if _, err := db.Write.Exec("UPDATE write_probe SET probed_at = 0"); err != nil {
		t.Fatal(err)
	}
	if got := probed(); got < before {
		t.Errorf("probe after a time behind the clock: %d, want the clock (>= %d)", got, before)
	}
}

func TestUnwritable(t *testing.T) {
	dbtest.SQLiteOnly(t, "a full disk under the database file")
	if !dbtest.Alone(t) {
		return
	}
	db := dbtest.Open(t)
	restore := dbtest.Full(t)
	_, err := db.Write.Exec("INSERT INTO api_keys (name, key_hash, created_at) VALUES ('x', randomblob(8), 0)")
	restore()
	if err == nil {
		t.Fatal("insert on a full disk succeeded")
	}
	if !storage.Unwritable(err) {
		t.Errorf("Unwritable(%v) = false", err)
	}
	_, err = db.Write.Exec("INSERT INTO api_keys (name, key_hash, created_at) VALUES (NULL, x'00', 0)")
	if err == nil || storage.Unwritable(err) {
		t.Errorf("a constraint violation: err %v, Unwritable %v", err, storage.Unwritable(err))
	}
}
