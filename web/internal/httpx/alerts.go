package httpx

import (
	"context"
	"fmt"
	"time"
)

// AlertStore keeps the security alert counters of every instance on the
// database, by name and day (days since the Unix epoch, UTC):
// storage.SecurityCounters.
type AlertStore interface {
	// Add adds the deltas to day's counters, all or none.
	Add(ctx context.Context, day int64, deltas map[string]int64) error
	// Sum returns each counter summed over the days from from on.
	Sum(ctx context.Context, from int64) (map[string]int64, error)
}

// The names of the security counters in the AlertStore, as the API names
// its fields.
const (
	guessingBursts = "guessing_bursts"
	limitedUnlocks = "limited_unlocks"
)

// AlertDays is how many days of counters the alerts add up: today (UTC)
// and the six before. A burst a week old is no longer news, and the
// figures no longer fall to zero when an instance restarts.
const AlertDays = 7

// AlertCounts are the security counters, as the API's /alerts and the
// dashboard's /alerts show them: with a store, those of every instance
// over AlertDays, since the start of the first day; without, this
// process's since it started. Fields are in the order of their keys, as
// the API has always written them.
type AlertCounts struct {
	GuessingBursts int64     `json:"guessing_bursts"`
	LimitedUnlocks int64     `json:"limited_unlocks"`
	Since          time.Time `json:"since"`
}

// Alerts reads and keeps the security counters the Limiter counts.
type Alerts struct {
	limits  *Limiter
	store   AlertStore // nil: this process's counts only
	started time.Time
}

// NewAlerts returns the alerts of l, kept in store (nil: in memory only).
func NewAlerts(l *Limiter, store AlertStore) *Alerts {
	return &Alerts{limits: l, store: store, started: l.now().UTC()}
}

// Shared reports whether the counts are every instance's.
func (a *Alerts) Shared() bool { return a.store != nil }

// Counts adds up the counters in the store and those this process has
// not flushed to it yet.
func (a *Alerts) Counts(ctx context.Context) (AlertCounts, error) {
	l := a.limits
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	c := AlertCounts{GuessingBursts: l.guessBursts.Load(), LimitedUnlocks: l.limitedUnlocks.Load(), Since: a.started}
	if a.store == nil {
		return c, nil
	}
	from := l.now().Unix()/86400 - (AlertDays - 1)
	sums, err := a.store.Sum(ctx, from)
	if err != nil {
		return AlertCounts{}, err
	}
	c.GuessingBursts += sums[guessingBursts]
	c.LimitedUnlocks += sums[limitedUnlocks]
	c.Since = time.Unix(from*86400, 0).UTC()
	return c, nil
}

// Flush adds the security counts of this process since the last flush to
// the store, under today's date (UTC); on an error they stay here for the
// next flush. Without a store it does nothing.
func (a *Alerts) Flush(ctx context.Context) error {
	if a.store == nil {
		return nil
	}
	l := a.limits
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	guesses, unlocks := l.guessBursts.Swap(0), l.limitedUnlocks.Swap(0)
	if guesses == 0 && unlocks == 0 {
		return nil
	}
	day := l.now().Unix() / 86400
	if err := a.store.Add(ctx, day, map[string]int64{guessingBursts: guesses, limitedUnlocks: unlocks}); err != nil {
		l.guessBursts.Add(guesses)
		l.limitedUnlocks.Add(unlocks)
		return fmt.Errorf("flush security counters: %w", err)
	}
	return nil
}
