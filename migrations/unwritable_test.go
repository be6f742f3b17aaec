package migrations_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations"
	"github.com/sillage/sillage/migrations/dbtest"
)

// Ready fails while SQLite may not add pages or the disk refuses writes,
// and succeeds again once they are back, on the same open database.
func TestReady(t *testing.T) {
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
		if err != nil && !migrations.Unwritable(err) {
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

func TestUnwritable(t *testing.T) {
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
	if !migrations.Unwritable(err) {
		t.Errorf("Unwritable(%v) = false", err)
	}
	_, err = db.Write.Exec("INSERT INTO api_keys (name, key_hash, created_at) VALUES (NULL, x'00', 0)")
	if err == nil || migrations.Unwritable(err) {
		t.Errorf("a constraint violation: err %v, Unwritable %v", err, migrations.Unwritable(err))
	}
}
