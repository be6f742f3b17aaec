package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/gating"
)

// leakJSON is a link more devices tried than it has seats.
type leakJSON struct {
	Link    int64  `json:"link"`
	Sender  *int64 `json:"sender_claim"` // null for a seed link
	Channel string `json:"channel"`
	Label   string `json:"label"`
	Seats   int    `json:"seats"`
	Claimed int    `json:"claimed"`
	Refused int    `json:"refused_devices"`
	Revoked bool   `json:"revoked"`
}

func (s *Server) handleLeaks(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	leaks, err := s.app.Leaks(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]leakJSON, len(leaks))
	for i, l := range leaks {
		out[i] = leakJSON{Link: l.LinkID, Channel: string(l.Channel), Label: l.Label,
			Seats: l.Seats, Claimed: l.Claimed, Refused: l.Refused, Revoked: l.Revoked}
		if l.SenderClaimID != 0 {
			sender := l.SenderClaimID
			out[i].Sender = &sender
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"leaks": out})
}

// handleRelease frees a claim's seat for a recipient who changed phone.
func (s *Server) handleRelease(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	claim, err := strconv.ParseInt(chi.URLParam(r, "claim"), 10, 64)
	if err != nil || claim <= 0 {
		jsonError(w, http.StatusNotFound, "claim not found")
		return
	}
	at, err := s.app.Release(r.Context(), id, claim)
	switch {
	case errors.Is(err, gating.ErrNotFound):
		jsonError(w, http.StatusNotFound, "claim not found")
	case errors.Is(err, gating.ErrReleased):
		jsonError(w, http.StatusConflict, err.Error())
	case err != nil:
		s.apiError(w, r, err)
	default:
		writeJSON(w, http.StatusOK, map[string]any{"claim": claim, "released_at": at})
	}
}

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

// AlertFlushEvery is how often an instance adds its security counts to
// Config.Alerts (RunAlertFlush), as the dashboard tells.
const AlertFlushEvery = 30 * time.Second

// alertDays is how many days of counters the alerts add up: today (UTC)
// and the six before. A burst a week old is no longer news, and the
// figures no longer fall to zero when an instance restarts.
const alertDays = 7

// alertCounts are the security counters, as the API's /alerts and the
// dashboard's /alerts show them: with Config.Alerts, those of every
// instance over alertDays, since the start of the first day; without,
// this process's since it started. Fields are in the order of their keys,
// as the API has always written them.
type alertCounts struct {
	GuessingBursts int64     `json:"guessing_bursts"`
	LimitedUnlocks int64     `json:"limited_unlocks"`
	Since          time.Time `json:"since"`
}

// alerts adds up the counters in the store and those this process has
// not flushed to it yet.
func (s *Server) alerts(ctx context.Context) (alertCounts, error) {
	l := s.limits
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	a := alertCounts{GuessingBursts: l.guessBursts.Load(), LimitedUnlocks: l.limitedUnlocks.Load(), Since: s.started}
	if s.cfg.Alerts == nil {
		return a, nil
	}
	from := s.cfg.Now().Unix()/86400 - (alertDays - 1)
	sums, err := s.cfg.Alerts.Sum(ctx, from)
	if err != nil {
		return alertCounts{}, err
	}
	a.GuessingBursts += sums[guessingBursts]
	a.LimitedUnlocks += sums[limitedUnlocks]
	a.Since = time.Unix(from*86400, 0).UTC()
	return a, nil
}

// FlushAlerts adds the security counts of this process since the last
// flush to Config.Alerts, under today's date (UTC); on an error they stay
// here for the next flush. Without Config.Alerts it does nothing.
func (s *Server) FlushAlerts(ctx context.Context) error {
	if s.cfg.Alerts == nil {
		return nil
	}
	l := s.limits
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	guesses, unlocks := l.guessBursts.Swap(0), l.limitedUnlocks.Swap(0)
	if guesses == 0 && unlocks == 0 {
		return nil
	}
	day := s.cfg.Now().Unix() / 86400
	if err := s.cfg.Alerts.Add(ctx, day, map[string]int64{guessingBursts: guesses, limitedUnlocks: unlocks}); err != nil {
		l.guessBursts.Add(guesses)
		l.limitedUnlocks.Add(unlocks)
		return fmt.Errorf("flush security counters: %w", err)
	}
	return nil
}

// RunAlertFlush calls FlushAlerts every period until ctx ends, and once
// more then: call it after the HTTP server has stopped counting, or after
// that server's Shutdown, so that the last counts are kept.
func (s *Server) RunAlertFlush(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if err := s.FlushAlerts(ctx); err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "security counters: kept in memory until the next flush", "err", err)
			}
		case <-ctx.Done():
			last, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			if err := s.FlushAlerts(last); err != nil {
				s.log.Warn("security counters: the last counts are lost", "err", err)
			}
			return
		}
	}
}

// handleAlerts reports the security counters (see alertCounts).
func (s *Server) handleAlerts(w http.ResponseWriter, r *http.Request) {
	a, err := s.alerts(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}
