package storage_test

import (
	"context"
	"sync"
	"testing"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// Instances adding to the same new rows at once lose nothing: the upsert
// adds to the row another has just made. Sum leaves out the days before
// its first.
func TestSecurityCountersAdd(t *testing.T) {
	ctx := context.Background()
	target := dbtest.Target(t)
	var counters []*storage.SecurityCounters
	for range 2 {
		db, err := storage.Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		counters = append(counters, storage.NewSecurityCounters(db))
	}
	const day = 20_000
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := counters[i%2].Add(ctx, day, map[string]int64{"b": 1, "a": 2, "zero": 0}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := counters[0].Add(ctx, day-1, map[string]int64{"a": 100}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		from int64
		a, b int64
	}{{day, 40, 20}, {day - 1, 140, 20}, {day + 1, 0, 0}} {
		got, err := counters[1].Sum(ctx, c.from)
		if err != nil {
			t.Fatal(err)
		}
		if got["a"] != c.a || got["b"] != c.b || len(got) > 2 {
			t.Errorf("Sum from day %d = %v, want a %d, b %d", c.from, got, c.a, c.b)
		}
		if _, ok := got["zero"]; ok {
			t.Errorf("Sum from day %d = %v: a zero delta made a row", c.from, got)
		}
	}
}
