package web

import (
	"context"
	"database/sql"
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/notify"
)

// errSendForMeOff is a "send it for me" on a campaign that does not allow
// it.
var errSendForMeOff = errors.New("send it for me is off for this campaign")

// handleSendForMe answers POST /s/{token}/send, the content page's "we
// send it for you" form (field "to": a friend's email or mobile number):
// a forward link is minted from this device's claim and a message carrying
// it queued, in one transaction, then the page comes back with a notice.
// Only where the campaign's rule send_for_me is on, within notify's caps,
// and never to an address that opted out.
func (s *Server) handleSendForMe(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	if agent := gating.ClassifyAgent(r); !agent.Human() {
		s.recipientError(w, r, "", errNotAPerson)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil || r.PostForm.Get("to") == "" {
		s.recipientError(w, r, "", notify.Invalid("to", "an email or a mobile number is needed"))
		return
	}
	dev := device(r)
	look, ok := s.limits.lookup(w, r)
	if !ok {
		s.recipientError(w, r, "", errTooMany)
		return
	}
	v, err := s.gate.Visit(r.Context(), token, dev)
	look.settle(err)
	if err != nil {
		s.recipientError(w, r, "", err)
		return
	}
	c := v.Campaign
	switch {
	case !v.Access:
		err = gating.ErrNoClaim
	case !c.Rules.SendForMe:
		err = errSendForMeOff
	}
	if err != nil {
		s.recipientError(w, r, c.Language, err)
		return
	}
	mint := func(ctx context.Context, tx *sql.Tx, ch notify.Channel) (string, error) {
		m, fc, err := s.gate.ForwardTx(ctx, tx, token, dev, gating.Channel(ch))
		if err != nil {
			return "", err
		}
		if !fc.Rules.SendForMe { // turned off since the visit
			return "", errSendForMeOff
		}
		return s.linkURL(m.Token), nil
	}
	if _, err := s.notify.SendForMe(r.Context(), int64(c.ID), v.Claim.ID, r.PostForm.Get("to"), s.cfg.SendForMe, mint); err != nil {
		s.recipientError(w, r, c.Language, s.lifecycleError(err, c))
		return
	}
	s.cfg.WakeOutbox()
	http.Redirect(w, r, "/s/"+token+"?sent=1", http.StatusSeeOther)
}
