package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/sillage/sillage/gating/publicurl"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/internal/httpx"
)

// maxHookBody bounds a Twilio callback: a few hundred bytes of form.
const maxHookBody = 64 << 10

// twilioForm reads a Twilio callback's form and checks its
// X-Twilio-Signature against the public URL Twilio called: the base URL
// as configured, with the path and query, not the address a proxy
// forwarded to. When the request is not Twilio's it writes 403 (400 or
// 413 for a body that is no form) and returns false, having changed
// nothing.
func (s *Server) twilioForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxHookBody)
	if err := r.ParseForm(); err != nil {
		if tooBig := new(http.MaxBytesError); errors.As(err, &tooBig) {
			httpx.Error(w, http.StatusRequestEntityTooLarge, "callback body too large")
			return nil, false
		}
		httpx.Error(w, http.StatusBadRequest, "malformed form")
		return nil, false
	}
	public := publicurl.Join(s.base, r.URL.RequestURI())
	if !notify.VerifyTwilioSignature(s.cfg.TwilioAuthToken, public, r.PostForm, r.Header.Get("X-Twilio-Signature")) {
		httpx.Error(w, http.StatusForbidden, "missing or invalid X-Twilio-Signature")
		return nil, false
	}
	return r.PostForm, true
}

// handleTwilioStatus answers Twilio's status callback: the message moves
// forward to the status Twilio reports, never back. An unknown MessageSid
// is answered 200 all the same: the callback can beat the worker's record
// of the send, and a retry would not change that.
func (s *Server) handleTwilioStatus(w http.ResponseWriter, r *http.Request) {
	form, ok := s.twilioForm(w, r)
	if !ok {
		return
	}
	sid, status := form.Get("MessageSid"), form.Get("MessageStatus")
	if sid == "" || status == "" {
		httpx.Error(w, http.StatusBadRequest, "MessageSid and MessageStatus are required")
		return
	}
	err := s.notify.ApplyStatus(r.Context(), sid, status, form.Get("ErrorCode"))
	if err != nil && !errors.Is(err, notify.ErrNotFound) {
		s.errs.JSON(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// handleTwilioInbound answers a message sent to one of our numbers: STOP
// and its variants opt the sender out, START opts back in, anything else
// is ignored. The empty TwiML answer sends no reply (Twilio's own opt-out
// handling answers STOP).
func (s *Server) handleTwilioInbound(w http.ResponseWriter, r *http.Request) {
	form, ok := s.twilioForm(w, r)
	if !ok {
		return
	}
	if form.Get("From") == "" {
		httpx.Error(w, http.StatusBadRequest, "From is required")
		return
	}
	if err := s.notify.HandleInbound(r.Context(), form.Get("From"), form.Get("Body")); err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Response></Response>`))
}
