package web

import (
	"errors"
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
	if _, err := s.campaigns.Find(r.Context(), id); err != nil {
		s.apiError(w, r, err)
		return
	}
	leaks, err := s.gate.Leaks(r.Context(), id)
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
	at, err := s.gate.Release(r.Context(), id, claim)
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

// alertCounts are the security counters since the server started, as the
// API's /alerts and the dashboard's /alerts show them. Fields are in the
// order of their keys, as the API has always written them.
type alertCounts struct {
	GuessingBursts int64     `json:"guessing_bursts"`
	LimitedUnlocks int64     `json:"limited_unlocks"`
	Since          time.Time `json:"since"`
}

func (s *Server) alerts() alertCounts {
	return alertCounts{
		GuessingBursts: s.limits.guessBursts.Load(),
		LimitedUnlocks: s.limits.limitedUnlocks.Load(),
		Since:          s.started,
	}
}

// handleAlerts reports the security counters since the server started.
func (s *Server) handleAlerts(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.alerts())
}
