package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/web/internal/httpx"
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
		s.errs.JSON(w, r, err)
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
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"leaks": out})
}

// handleRelease frees a claim's seat for a recipient who changed phone.
func (s *Server) handleRelease(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	claim, err := strconv.ParseInt(chi.URLParam(r, "claim"), 10, 64)
	if err != nil || claim <= 0 {
		httpx.Error(w, http.StatusNotFound, "claim not found")
		return
	}
	at, err := s.app.Release(r.Context(), id, claim)
	switch {
	case errors.Is(err, gating.ErrNotFound):
		httpx.Error(w, http.StatusNotFound, "claim not found")
	case errors.Is(err, gating.ErrReleased):
		httpx.Error(w, http.StatusConflict, err.Error())
	case err != nil:
		s.errs.JSON(w, r, err)
	default:
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"claim": claim, "released_at": at})
	}
}

// AlertFlushEvery is how often an instance adds its security counts to
// Config.Alerts (RunAlertFlush), as the dashboard tells.
const AlertFlushEvery = 30 * time.Second

// FlushAlerts adds the security counts of this process since the last
// flush to Config.Alerts, under today's date (UTC); on an error they stay
// here for the next flush. Without Config.Alerts it does nothing.
func (s *Server) FlushAlerts(ctx context.Context) error { return s.alerts.Flush(ctx) }

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
	a, err := s.alerts.Counts(r.Context())
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, a)
}
