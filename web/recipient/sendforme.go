package recipient

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/gating/useragent"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/internal/httpx"
)

// handleSendForMe answers POST /s/{token}/send, the content page's "we
// send it for you" form (field "to": a friend's email or mobile number):
// a forward link is minted from this device's claim and a message carrying
// it queued, in one transaction, then the page comes back with a notice.
// Only where the campaign's rule send_for_me is on, within notify's caps
// (per recipient, per campaign and per client network), texts only to
// mobiles of the campaign's countries, and never to an address that
// opted out.
func (h *Handler) handleSendForMe(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	// Refused before the body is read, a request does not wait for it
	// (skipBody).
	if agent := useragent.Classify(r); !agent.Human() {
		httpx.SkipBody(w)
		h.recipientError(w, r, "", errNotAPerson)
		return
	}
	// The token first, with a read: the body of a request for an unknown
	// one is never waited for.
	dev := device(r)
	look, ok := h.limits.Lookup(w, r)
	if !ok {
		httpx.SkipBody(w)
		h.recipientError(w, r, "", errTooMany)
		return
	}
	v, err := h.cfg.Gate.Visit(r.Context(), token, dev)
	look.Settle(err)
	if err != nil {
		httpx.SkipBody(w)
		h.recipientError(w, r, "", err)
		return
	}
	c := v.Campaign
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	formErr := r.ParseForm()
	switch {
	case !v.Access:
		err = gating.ErrNoClaim
	case !c.Rules.SendForMe:
		err = app.ErrSendForMeOff
	case formErr != nil:
		err = campaign.Invalid("", "malformed form")
	}
	if err != nil {
		h.campaignError(w, r, c, token, err)
		return
	}
	to := r.PostForm.Get("to")
	if strings.TrimSpace(to) == "" {
		h.sendForMeRefused(w, r, v, token, to, campaign.Invalid("address", "an email or a mobile number is needed"))
		return
	}
	if err := h.cfg.App.SendForMe(r.Context(), c, v.Claim.ID, token, dev, to, h.limits.NetworkBytes(r)); err != nil {
		h.sendForMeRefused(w, r, v, token, to, h.lifecycleError(err, c))
		return
	}
	http.Redirect(w, r, "/s/"+token+"?sent=1", http.StatusSeeOther)
}

// sendForMeRefused shows the content page again with the address as it
// was typed and why it was refused: beside the field when the address is
// the reason, in the share section's status otherwise. What the page
// cannot say (a failing store) gets the error page.
func (h *Handler) sendForMeRefused(w http.ResponseWriter, r *http.Request, v *gating.Visit, token, to string, err error) {
	c := v.Campaign
	l := langFor(r, c.Language)
	status, msg := recipientStatus(err, l)
	if status >= http.StatusInternalServerError {
		h.campaignError(w, r, c, token, err)
		return
	}
	p := h.content(l, v, token)
	p.SendTo = to
	if aboutAddress(err) {
		p.SendError = msg
	} else {
		p.Notice = msg
	}
	h.pages.Render(w, status, "content.html", p)
}

// aboutAddress reports whether a send-for-me refusal is about the address
// typed, so that it is said beside the field.
func aboutAddress(err error) bool {
	return errors.Is(err, notify.ErrNotMobile) || errors.Is(err, notify.ErrOptedOut) ||
		errors.Is(err, notify.ErrAlreadySent) ||
		errors.As(err, new(*notify.CountryError)) || notify.AddressRefused(err)
}
