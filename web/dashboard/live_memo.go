package dashboard

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/campaign/cascade"
)

// liveEvery is how long the figures of live.json are shared. Every open
// tab polls every 5 s, and each computation walks the whole tree (0.1 to
// 0.3 s at a million claims): 2 s serves a thousand tabs with one
// computation per campaign and period every 2 s, while a tab still sees
// figures at most 2 s older than its poll, under the poll's own 5 s.
const liveEvery = 2 * time.Second

// liveMemoSweep is the number of remembered periods past which a store
// drops the stale ones: a marketer may type any period, and each stays
// only until it is stale.
const liveMemoSweep = 64

// liveShared is what the polls of one campaign and period share: the
// figures and the person numbers of the claims they name. It is read by
// many requests at once, so nobody writes to it once made.
type liveShared struct {
	figures app.Figures
	people  map[int64]int
	at      time.Time // when it was computed, by the dashboard's clock
}

// liveMemo computes the live figures of a campaign and period at most
// once per liveEvery, by one caller while the others wait for its
// result. It lives in the process: with several instances on one
// database each computes at most once per liveEvery from the shared
// database, so the figures any instance shows are at most liveEvery
// stale, as with one.
type liveMemo struct {
	now     func() time.Time
	compute func(ctx context.Context, id campaign.ID, win cascade.Window) (*liveShared, error)

	flight singleflight.Group
	mu     sync.Mutex
	shared map[liveKey]*liveShared
}

// liveKey is a campaign and period; the window's Now is left out, which
// is what makes the figures shareable between polls.
type liveKey struct {
	id       campaign.ID
	from, to int64 // UnixNano, 0 for no bound
}

func newLiveMemo(now func() time.Time, compute func(context.Context, campaign.ID, cascade.Window) (*liveShared, error)) *liveMemo {
	return &liveMemo{now: now, compute: compute, shared: map[liveKey]*liveShared{}}
}

// get returns the figures of campaign id over win, computed at most
// liveEvery before win.Now. Errors are not remembered.
func (m *liveMemo) get(ctx context.Context, id campaign.ID, win cascade.Window) (*liveShared, error) {
	k := liveKey{id: id}
	if !win.From.IsZero() {
		k.from = win.From.UnixNano()
	}
	if !win.To.IsZero() {
		k.to = win.To.UnixNano()
	}
	if s := m.fresh(k); s != nil {
		return s, nil
	}
	ch := m.flight.DoChan(fmt.Sprintf("%d/%d/%d", k.id, k.from, k.to), func() (any, error) {
		// A flight that ended between this caller's look and its call
		// left fresh figures behind.
		if s := m.fresh(k); s != nil {
			return s, nil
		}
		// One tab closing must not fail the others waiting on its
		// computation.
		s, err := m.compute(context.WithoutCancel(ctx), id, win)
		if err != nil {
			return nil, err
		}
		s.at = m.now()
		m.store(k, s)
		return s, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*liveShared), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fresh returns the figures of k when they are younger than liveEvery.
func (m *liveMemo) fresh(k liveKey) *liveShared {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.shared[k]
	if s == nil {
		return nil
	}
	if age := m.now().Sub(s.at); age < 0 || age >= liveEvery {
		return nil
	}
	return s
}

func (m *liveMemo) store(k liveKey, s *liveShared) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.shared) >= liveMemoSweep {
		now := m.now()
		for k, old := range m.shared {
			if age := now.Sub(old.at); age < 0 || age >= liveEvery {
				delete(m.shared, k)
			}
		}
	}
	m.shared[k] = s
}
