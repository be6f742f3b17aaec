package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/web/internal/httpx"
)

// linkJSON is a freshly minted link: its URL is shown this once.
type linkJSON struct {
	ID  int64  `json:"id"`
	URL string `json:"url"`
}

func (h *Handler) handleLinksMint(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	in := struct {
		Count     int        `json:"count"`
		Channel   string     `json:"channel"`
		Seats     int        `json:"seats"`
		Label     string     `json:"label"`
		ExpiresAt *time.Time `json:"expires_at"`
	}{Count: 1, Channel: string(gating.Plain)}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	minted, err := h.app.MintLinks(r.Context(), id, gating.SeedSpec{
		Count: in.Count, Channel: gating.Channel(in.Channel), Seats: in.Seats, Label: in.Label, ExpiresAt: in.ExpiresAt,
	})
	if err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	out := make([]linkJSON, len(minted))
	for i, l := range minted {
		out[i] = linkJSON{ID: l.ID, URL: l.URL}
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"links": out})
}

func (h *Handler) handleLinkRevoke(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	link, err := strconv.ParseInt(chi.URLParam(r, "link"), 10, 64)
	if err != nil || link <= 0 {
		httpx.Error(w, http.StatusNotFound, "link not found")
		return
	}
	if err := h.app.Revoke(r.Context(), id, link); err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

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

func (h *Handler) handleLeaks(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	leaks, err := h.app.Leaks(r.Context(), id)
	if err != nil {
		h.errs.JSON(w, r, err)
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
func (h *Handler) handleRelease(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	claim, err := strconv.ParseInt(chi.URLParam(r, "claim"), 10, 64)
	if err != nil || claim <= 0 {
		httpx.Error(w, http.StatusNotFound, "claim not found")
		return
	}
	at, err := h.app.Release(r.Context(), id, claim)
	switch {
	case errors.Is(err, gating.ErrNotFound):
		httpx.Error(w, http.StatusNotFound, "claim not found")
	case errors.Is(err, gating.ErrReleased):
		httpx.Error(w, http.StatusConflict, err.Error())
	case err != nil:
		h.errs.JSON(w, r, err)
	default:
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"claim": claim, "released_at": at})
	}
}
