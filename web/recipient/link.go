package recipient

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/gating/useragent"
)

// deviceCookie holds the device's random id; only its hash is stored.
const deviceCookie = "sillage_device"

// device returns the hash of the request's device cookie, or nil.
func device(r *http.Request) []byte {
	c, err := r.Cookie(deviceCookie)
	if err != nil {
		return nil
	}
	hash, ok := gating.HashDevice(c.Value)
	if !ok {
		return nil
	}
	return hash
}

// ensureDevice returns the request's device hash, giving the device a new
// cookie when it has none.
func (h *Handler) ensureDevice(w http.ResponseWriter, r *http.Request) []byte {
	if hash := device(r); hash != nil {
		return hash
	}
	id, hash := gating.NewDevice()
	http.SetCookie(w, &http.Cookie{
		Name:     deviceCookie,
		Value:    id,
		Path:     "/s/",
		MaxAge:   400 * 24 * 3600, // the longest browsers keep a cookie
		HttpOnly: true,
		Secure:   h.cfg.Secure,
		SameSite: http.SameSiteLaxMode,
	})
	return hash
}

// handleLink answers GET /s/{token}: the teaser (teaser.go) to preview
// fetchers and scanners (recording previews), the content (content.go) to
// a device that unlocked the link, the unlock page (unlock.go) to anyone
// else. It never claims and never counts a view.
func (h *Handler) handleLink(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	agent := useragent.Classify(r)
	look, ok := h.limits.Lookup(w, r)
	if !ok {
		h.recipientError(w, r, "", errTooMany)
		return
	}
	v, err := h.cfg.Gate.Visit(r.Context(), token, device(r))
	look.Settle(err)
	if err != nil {
		h.recipientError(w, r, "", err)
		return
	}
	c := v.Campaign
	l := langFor(r, c.Language)
	// A browser prefetch carries the person's own cookies and a GET writes
	// nothing: it sees what the person will, or Chrome would show a stale
	// teaser when the person opens the link.
	if !agent.Human() && agent.Kind != useragent.Prefetch {
		if agent.Kind == useragent.Preview {
			h.recordPreview(r, v.Link, agent.Name)
		}
		h.pages.Render(w, http.StatusOK, "teaser.html", h.teaser(l, c, token))
		return
	}
	if v.Access {
		p := h.content(l, v, token)
		if r.URL.Query().Has("sent") {
			p.Notice = l.T("recipient.send_for_me_sent")
		}
		h.pages.Render(w, http.StatusOK, "content.html", p)
		return
	}
	if err := c.Open(h.cfg.Now()); err != nil {
		h.campaignError(w, r, c, token, h.lifecycleError(err, c))
		return
	}
	if v.Link.Expired(h.cfg.Now()) {
		h.campaignError(w, r, c, token, gating.ErrExpired)
		return
	}
	h.showUnlock(w, l, c, token)
}

// claimedVisit returns the visit of a device that may see the content, or
// writes the refusal and returns false.
func (h *Handler) claimedVisit(w http.ResponseWriter, r *http.Request) (*gating.Visit, bool) {
	look, ok := h.limits.Lookup(w, r)
	if !ok {
		h.recipientError(w, r, "", errTooMany)
		return nil, false
	}
	v, err := h.cfg.Gate.Visit(r.Context(), chi.URLParam(r, "token"), device(r))
	look.Settle(err)
	if err != nil {
		h.recipientError(w, r, "", err)
		return nil, false
	}
	if !v.Access {
		h.campaignError(w, r, v.Campaign, chi.URLParam(r, "token"), gating.ErrNoClaim)
		return nil, false
	}
	return v, true
}
