// Package clocktest is the clock that tests inject where the domain asks
// for Now (campaign, gating, notify, web): it stands still until the test
// moves it, and is safe to read from the goroutines of the code it feeds.
//
// It lives under campaign, the package every other domain package already
// imports, so that gating's, notify's and web's tests share one.
package clocktest

import (
	"sync"
	"time"
)

// Clock is a settable clock; its zero value is not useful: use New.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a Clock that reads t until moved.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d (back for a negative d).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
