package web

import (
	"io"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/sillage/sillage/web/internal/httpx"
)

// handleUnsubscribePage answers GET /u/{token}: it shows whose address
// the link would take off the list, and a button. It changes nothing:
// mail scanners open every link they see.
func (s *Server) handleUnsubscribePage(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	t := textFor(r, "")
	look, ok := s.limits.Lookup(w, r)
	if !ok {
		s.recipientError(w, r, "", errTooMany)
		return
	}
	addr, err := s.notify.UnsubscribeTarget(r.Context(), token)
	look.Settle(err)
	if err != nil {
		s.recipientError(w, r, "", err)
		return
	}
	s.pages.Render(w, http.StatusOK, "unsubscribe.html", unsubscribePage{
		page: page{T: t, Title: t.UnsubscribeTitle}, Token: token, Address: addr,
	})
}

// handleUnsubscribe answers POST /u/{token}: the page's button, or the
// one-click POST (body "List-Unsubscribe=One-Click", RFC 8058) a mail
// provider sends from its own servers. Both put the address on the
// opt-out list; doing it twice is not an error.
func (s *Server) handleUnsubscribe(w http.ResponseWriter, r *http.Request) {
	look, ok := s.limits.Lookup(w, r)
	if !ok {
		httpx.SkipBody(w)
		s.recipientError(w, r, "", errTooMany)
		return
	}
	// The token first: the body of a request for an unknown one is never
	// waited for.
	err := s.notify.Unsubscribe(r.Context(), chi.URLParam(r, "token"))
	look.Settle(err)
	if err != nil {
		httpx.SkipBody(w)
		s.recipientError(w, r, "", err)
		return
	}
	// The body says nothing the token does not: read a little of it, so
	// the connection can be reused, and ignore it.
	io.Copy(io.Discard, io.LimitReader(r.Body, 4096))
	t := textFor(r, "")
	s.pages.Render(w, http.StatusOK, "message.html", messagePage{
		page: page{T: t, Title: t.UnsubscribedTitle}, Message: t.Unsubscribed,
	})
}
