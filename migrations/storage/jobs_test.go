package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// instances returns n handles on one store (a SQLite file or a PostgreSQL
// database), as n instances of the
// server on one machine would open it.
func instances(t *testing.T, n int) []*storage.DB {
	t.Helper()
	target := dbtest.Target(t) // a SQLite file or a PostgreSQL database
	var dbs []*storage.DB
	for range n {
		db, err := storage.Open(context.Background(), target)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	return dbs
}

// race has every instance try the job from several goroutines at once at
// now, and returns the owners that got it.
func race(t *testing.T, dbs []*storage.DB, now time.Time) []string {
	t.Helper()
	var (
		mu  sync.Mutex
		won []string
		wg  sync.WaitGroup
	)
	for i, db := range dbs {
		for g := range 4 {
			owner := fmt.Sprintf("instance-%d/%d", i, g)
			wg.Go(func() {
				ok, err := storage.TryJob(context.Background(), db.Write, "retention", owner, now, time.Hour)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					won = append(won, owner)
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	return won
}

// Two instances trying a job at the same moments: it runs once per
// period, and never again before the period ends.
func TestTryJobOncePerPeriod(t *testing.T) {
	dbs := instances(t, 2)
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	for period := range 5 {
		start := t0.Add(time.Duration(period) * time.Hour)
		if won := race(t, dbs, start); len(won) != 1 {
			t.Fatalf("period %d: %v took the lease, want exactly one", period, won)
		}
		for _, later := range []time.Duration{time.Millisecond, 30 * time.Minute, time.Hour - time.Millisecond} {
			if won := race(t, dbs, start.Add(later)); len(won) != 0 {
				t.Fatalf("period %d, %v after its start: %v took the lease again", period, later, won)
			}
		}
	}
}

// A holder that dies stops taking the lease: another instance takes it
// over once it expires, not before.
func TestTryJobHolderDies(t *testing.T) {
	ctx := context.Background()
	dbs := instances(t, 2)
	a, b := dbs[0], dbs[1]
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	try := func(db *storage.DB, owner string, at time.Time) bool {
		t.Helper()
		ok, err := storage.TryJob(ctx, db.Write, "sweep", owner, at, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !try(a, "a", t0) {
		t.Fatal("a could not take a lease nobody held")
	}
	a.Close() // a is killed: it never renews
	if try(b, "b", t0.Add(59*time.Minute)) {
		t.Error("b took the lease before a's expired")
	}
	if !try(b, "b", t0.Add(time.Hour)) {
		t.Error("b could not take over the lease a let expire")
	}
	holder, ok, err := storage.Setting(ctx, b.Read, "job:sweep", t0.Add(time.Hour))
	if err != nil || !ok || holder != "b" {
		t.Errorf("lease held by %q (%v, %v), want b", holder, ok, err)
	}
	t.Run("OtherJobsApart", func(t *testing.T) {
		ok, err := storage.TryJob(ctx, b.Write, "retention", "b", t0.Add(time.Hour), time.Hour)
		if err != nil || !ok {
			t.Errorf("another job's lease: %v, %v; want taken", ok, err)
		}
	})
}

// A one-time key is used once across instances, and again only after a
// release or its expiry.
func TestUseOnce(t *testing.T) {
	ctx := context.Background()
	dbs := instances(t, 2)
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	var (
		mu    sync.Mutex
		fresh int
		wg    sync.WaitGroup
	)
	for _, db := range dbs {
		for range 4 {
			wg.Go(func() {
				ok, err := storage.UseOnce(ctx, db.Write, "mint-key:k", t0, t0.Add(12*time.Hour))
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					fresh++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	if fresh != 1 {
		t.Fatalf("%d uses of one key were fresh, want 1", fresh)
	}
	use := func(db *storage.DB, at time.Time) bool {
		t.Helper()
		ok, err := storage.UseOnce(ctx, db.Write, "mint-key:k", at, at.Add(12*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if err := storage.ReleaseOnce(ctx, dbs[1].Write, "mint-key:k"); err != nil {
		t.Fatal(err)
	}
	if !use(dbs[0], t0.Add(time.Minute)) {
		t.Error("a released key is refused")
	}
	if use(dbs[1], t0.Add(12*time.Hour)) {
		t.Error("a key is fresh again before it expired")
	}
	n, err := storage.DeleteExpiredSettings(ctx, dbs[0].Write, t0.Add(12*time.Hour+time.Minute))
	if err != nil || n != 1 {
		t.Errorf("expired settings deleted: %d, %v; want 1", n, err)
	}
	if !use(dbs[1], t0.Add(13*time.Hour)) {
		t.Error("an expired key is still refused")
	}
}
