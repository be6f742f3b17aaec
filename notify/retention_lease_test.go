package notify_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
)

// passes counts, from a store's log, the retention passes it ran and the
// times it found the period's pass taken.
type passes struct {
	mu        sync.Mutex
	ran, skip int
}

func (p *passes) Enabled(context.Context, slog.Level) bool { return true }
func (p *passes) WithAttrs([]slog.Attr) slog.Handler       { return p }
func (p *passes) WithGroup(string) slog.Handler            { return p }
func (p *passes) Handle(_ context.Context, r slog.Record) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case strings.HasPrefix(r.Message, "retention: this period's pass"):
		p.skip++
	case strings.HasPrefix(r.Message, "retention: contact data"), strings.HasPrefix(r.Message, "retention: nothing to erase"):
		p.ran++
	}
	return nil
}

func (p *passes) counts() (ran, tries int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ran, p.ran + p.skip
}

// Two instances on one database run the retention job once per period
// between them, and when the one that ran it dies, the other runs the
// next period's pass.
func TestRetentionOnceAcrossInstances(t *testing.T) {
	// Two handles on one store (a SQLite file or a PostgreSQL database),
	// as two instances would open it.
	target := dbtest.Target(t)
	var dbs []*storage.DB
	for range 2 {
		db, err := storage.Open(context.Background(), target)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs = append(dbs, db)
	}
	e := newEnvOn(t, dbs[0])
	second := dbs[1]
	id := e.seeded(t)
	e.exec(t, `UPDATE campaigns SET status = 'ended', updated_at = $1 WHERE id = $2`, e.clock.Now().UnixMilli(), id)
	e.clock.Advance(3 * day)

	const period = 60 * time.Millisecond // of the injected clock; tries every 10 ms of real time
	logs := []*passes{{}, {}}
	stops := make([]context.CancelFunc, 2)
	var wg sync.WaitGroup
	defer wg.Wait()
	for i, db := range []*storage.DB{e.db, second} {
		s := notify.NewStore(db, notify.Config{Now: e.clock.Now, BaseURL: "https://share.example.com", Logger: slog.New(logs[i])})
		ctx, stop := context.WithCancel(context.Background())
		stops[i] = stop
		defer stop()
		wg.Go(func() { s.RunRetention(ctx, 2*day, period) })
	}
	// total returns the passes run by all, once each live instance has
	// tried at least n times more than it had at from.
	type mark [2]int
	now := func() (m mark) {
		for i, l := range logs {
			_, m[i] = l.counts()
		}
		return m
	}
	total := func(live []int, from mark, n int) int {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			done := true
			for _, i := range live {
				if _, tries := logs[i].counts(); tries < from[i]+n {
					done = false
				}
			}
			if done {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("instances %v did not try the job %d times", live, n)
			}
		}
		sum := 0
		for _, l := range logs {
			ran, _ := l.counts()
			sum += ran
		}
		return sum
	}
	if got := total([]int{0, 1}, mark{}, 4); got != 1 {
		t.Fatalf("first period: %d passes, want 1", got)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM contacts WHERE campaign_id = $1`, id); n != 0 {
		t.Errorf("the pass left %d contacts of a campaign ended 3 days ago", n)
	}
	ranBy := func() (r [2]int) {
		for i, l := range logs {
			r[i], _ = l.counts()
		}
		return r
	}
	before := ranBy()
	e.clock.Advance(period)
	if got := total([]int{0, 1}, now(), 4); got != 2 {
		t.Fatalf("second period: %d passes in all, want 2", got)
	}
	// The instance that ran the second pass dies; the other runs the third.
	holder, after := 0, ranBy()
	if after[1] > before[1] {
		holder = 1
	}
	other := 1 - holder
	stops[holder]()
	e.clock.Advance(period / 2)
	if got := total([]int{other}, now(), 3); got != 2 {
		t.Fatalf("before the dead holder's lease expired: %d passes in all, want 2", got)
	}
	e.clock.Advance(period / 2)
	if got := total([]int{other}, now(), 3); got != 3 {
		t.Fatalf("after the dead holder's lease expired: %d passes in all, want 3", got)
	}
	if got := ranBy()[other]; got != after[other]+1 {
		t.Errorf("the surviving instance ran %d passes, want %d", got, after[other]+1)
	}
}
