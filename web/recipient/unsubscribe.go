package recipient

import (
	"io"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/web/internal/httpx"
)

// handleUnsubscribePage answers GET /u/{token}: it shows whose address
// the link would take off the list, and a button. It changes nothing:
// mail scanners open every link they see.
func (h *Handler) handleUnsubscribePage(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	l := langFor(r, "")
	look, ok := h.limits.Lookup(w, r)
	if !ok {
		h.recipientError(w, r, "", errTooMany)
		return
	}
	addr, err := h.cfg.Unsubscribes.UnsubscribeTarget(r.Context(), token)
	look.Settle(err)
	if err != nil {
		h.recipientError(w, r, "", err)
		return
	}
	h.pages.Render(w, http.StatusOK, "unsubscribe.html", unsubscribePage{
		page: page{L: l, Title: l.T("recipient.unsubscribe_title")}, Token: token, Address: addr,
	})
}

// handleUnsubscribe answers POST /u/{token}: the page's button, or the
// one-click POST (body "List-Unsubscribe=One-Click", RFC 8058) a mail
// provider sends from its own servers. Both put the address on the
// opt-out list; doing it twice is not an error.
func (h *Handler) handleUnsubscribe(w http.ResponseWriter, r *http.Request) {
	look, ok := h.limits.Lookup(w, r)
	if !ok {
		httpx.SkipBody(w)
		h.recipientError(w, r, "", errTooMany)
		return
	}
	// The token first: the body of a request for an unknown one is never
	// waited for.
	err := h.cfg.Unsubscribes.Unsubscribe(r.Context(), chi.URLParam(r, "token"))
	look.Settle(err)
	if err != nil {
		httpx.SkipBody(w)
		h.recipientError(w, r, "", err)
		return
	}
	// The body says nothing the token does not: read a little of it, so
	// the connection can be reused, and ignore it.
	io.Copy(io.Discard, io.LimitReader(r.Body, 4096))
	l := langFor(r, "")
	h.pages.Render(w, http.StatusOK, "message.html", messagePage{
		page: page{L: l, Title: l.T("recipient.unsubscribed_title")}, Message: l.T("recipient.unsubscribed"),
	})
}
