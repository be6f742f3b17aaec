package recipient

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/gating/useragent"
	"github.com/sillage/sillage/web/internal/httpx"
)

// showUnlock writes the unlock page (templates/unlock.html): the teaser
// and one button, for a person whose device has not unlocked link token
// yet. GET /s/{token} (link.go) shows it.
func (h *Handler) showUnlock(w http.ResponseWriter, l *i18n.Lang, c *campaign.Campaign, token string) {
	h.pages.Render(w, http.StatusOK, "unlock.html", unlockPage{teaserPage: h.teaser(l, c, token), Token: token})
}

// handleUnlock answers POST /s/{token}/unlock, the unlock page's button:
// it claims a seat for this device and sends it back to the link, now
// showing the content.
func (h *Handler) handleUnlock(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	// The form has no field: its body is never read, and a refusal does
	// not wait for it (skipBody).
	if agent := useragent.Classify(r); !agent.Human() {
		// Some scanners submit forms: a robot never takes a seat.
		httpx.SkipBody(w)
		h.recipientError(w, r, "", errNotAPerson)
		return
	}
	look, ok := h.limits.Lookup(w, r)
	if !ok {
		httpx.SkipBody(w)
		h.recipientError(w, r, "", errTooMany)
		return
	}
	if !h.limits.AllowUnlock(w, r) {
		look.Settle(nil)
		httpx.SkipBody(w)
		h.recipientError(w, r, "", errTooMany)
		return
	}
	dev := h.ensureDevice(w, r)
	_, _, err := h.cfg.Gate.UnlockFrom(r.Context(), token, dev, h.limits.NetworkBytes(r))
	look.Settle(err)
	if err != nil {
		httpx.SkipBody(w)
		var c *campaign.Campaign
		if v, verr := h.cfg.Gate.Visit(r.Context(), token, nil); verr == nil {
			c = v.Campaign
			err = h.lifecycleError(err, c)
		}
		h.campaignError(w, r, c, token, err)
		return
	}
	http.Redirect(w, r, "/s/"+token, http.StatusSeeOther)
}
