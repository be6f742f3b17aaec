package httpx

import (
	"sync"
	"time"
)

// Counter counts events per key over a sliding window, approximated as the
// current fixed window's count plus the previous one's weighted by how much
// of it the sliding window still covers (as httprate and nginx do). Counts
// live in memory only, and two fixed windows' worth at most.
//
// An event is counted when it is asked for, before the work it guards, so
// parallel requests cannot all pass a check made before any of them is
// counted; Give hands the count back when the work turns out not to count
// (a token that exists, a password that was right).
type Counter struct {
	limit  int
	length time.Duration
	now    func() time.Time

	mu        sync.Mutex
	start     time.Time // of the current fixed window
	cur, prev map[string]int
}

// Ticket is one counted event, for Give. The zero Ticket gives nothing
// back.
type Ticket struct {
	key   string
	start time.Time // the fixed window it was counted in
	last  bool      // it took the last place: the next one is refused
}

func NewCounter(limit int, length time.Duration, now func() time.Time) *Counter {
	return &Counter{limit: limit, length: length, now: now, cur: map[string]int{}, prev: map[string]int{}}
}

// roll moves the fixed windows up to now. Called with mu held.
func (c *Counter) roll(now time.Time) {
	start := now.Truncate(c.length)
	switch {
	case start.Equal(c.start):
		return
	case start.Equal(c.start.Add(c.length)):
		clear(c.prev)
		c.prev, c.cur = c.cur, c.prev
	default:
		clear(c.prev)
		clear(c.cur)
	}
	c.start = start
}

// Take counts one event of key and returns its Ticket, or reports false
// and counts nothing when key already reached the limit.
func (c *Counter) Take(key string) (Ticket, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	c.roll(now)
	weight := float64(c.length-now.Sub(c.start)) / float64(c.length)
	rate := float64(c.prev[key])*weight + float64(c.cur[key])
	if rate+1 > float64(c.limit) {
		return Ticket{}, false
	}
	c.cur[key]++
	return Ticket{key: key, start: c.start, last: rate+2 > float64(c.limit)}, true
}

// Give hands back the event of t, in the fixed window it was counted in
// if the sliding window still covers it.
func (c *Counter) Give(t Ticket) {
	if t.key == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.roll(c.now())
	var m map[string]int
	switch {
	case t.start.Equal(c.start):
		m = c.cur
	case t.start.Add(c.length).Equal(c.start):
		m = c.prev
	default:
		return
	}
	if m[t.key] <= 1 {
		delete(m, t.key)
	} else {
		m[t.key]--
	}
}
