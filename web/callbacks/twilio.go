// Package callbacks answers the providers' calls to Sillage: Twilio's
// status callbacks and the messages people send to our numbers
// (/hooks/twilio/*), each checked against X-Twilio-Signature.
package callbacks

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/gating/publicurl"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/internal/httpx"
)

// Messages is what the callbacks ask of the notify store.
type Messages interface {
	ApplyStatus(ctx context.Context, providerID, status, errorCode string) error
	HandleInbound(ctx context.Context, from, body string) error
}

// Config is what the callbacks need.
type Config struct {
	BaseURL         string // the public address Twilio calls, without a trailing slash
	TwilioAuthToken string // checks X-Twilio-Signature; empty: every Twilio callback is refused
	Messages        Messages
	Errors          httpx.Errors // the JSON answers to errors
	Logger          *slog.Logger
}

// Handler serves the providers' callbacks.
type Handler struct{ cfg Config }

// New returns the callbacks' handlers.
func New(cfg Config) (*Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Errors.Log == nil {
		cfg.Errors.Log = cfg.Logger
	}
	return &Handler{cfg: cfg}, nil
}

// Routes adds the callbacks' routes to r. They are authorised by their
// signature, not a browser session: web lets them past its cross-origin
// protection.
func (h *Handler) Routes(r chi.Router) {
	r.Post("/hooks/twilio/status", h.handleTwilioStatus)
	r.Post("/hooks/twilio/inbound", h.handleTwilioInbound)
}

// maxHookBody bounds a Twilio callback: a few hundred bytes of form.
const maxHookBody = 64 << 10

// twilioForm reads a Twilio callback's form and checks its
// X-Twilio-Signature against the public URL Twilio called: the base URL
// as configured, with the path and query, not the address a proxy
// forwarded to. When the request is not Twilio's it writes 403 (400 or
// 413 for a body that is no form) and returns false, having changed
// nothing.
func (h *Handler) twilioForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxHookBody)
	if err := r.ParseForm(); err != nil {
		if tooBig := new(http.MaxBytesError); errors.As(err, &tooBig) {
			httpx.Error(w, http.StatusRequestEntityTooLarge, "callback body too large")
			return nil, false
		}
		httpx.Error(w, http.StatusBadRequest, "malformed form")
		return nil, false
	}
	public := publicurl.Join(h.cfg.BaseURL, r.URL.RequestURI())
	if !notify.VerifyTwilioSignature(h.cfg.TwilioAuthToken, public, r.PostForm, r.Header.Get("X-Twilio-Signature")) {
		httpx.Error(w, http.StatusForbidden, "missing or invalid X-Twilio-Signature")
		return nil, false
	}
	return r.PostForm, true
}

// handleTwilioStatus answers Twilio's status callback: the message moves
// forward to the status Twilio reports, never back. An unknown MessageSid
// is answered 200 all the same: the callback can beat the worker's record
// of the send, and a retry would not change that.
func (h *Handler) handleTwilioStatus(w http.ResponseWriter, r *http.Request) {
	form, ok := h.twilioForm(w, r)
	if !ok {
		return
	}
	sid, status := form.Get("MessageSid"), form.Get("MessageStatus")
	if sid == "" || status == "" {
		httpx.Error(w, http.StatusBadRequest, "MessageSid and MessageStatus are required")
		return
	}
	err := h.cfg.Messages.ApplyStatus(r.Context(), sid, status, form.Get("ErrorCode"))
	if err != nil && !errors.Is(err, notify.ErrNotFound) {
		h.cfg.Errors.JSON(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// handleTwilioInbound answers a message sent to one of our numbers: STOP
// and its variants opt the sender out, START opts back in, anything else
// is ignored. The empty TwiML answer sends no reply (Twilio's own opt-out
// handling answers STOP).
func (h *Handler) handleTwilioInbound(w http.ResponseWriter, r *http.Request) {
	form, ok := h.twilioForm(w, r)
	if !ok {
		return
	}
	if form.Get("From") == "" {
		httpx.Error(w, http.StatusBadRequest, "From is required")
		return
	}
	if err := h.cfg.Messages.HandleInbound(r.Context(), form.Get("From"), form.Get("Body")); err != nil {
		h.cfg.Errors.JSON(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Response></Response>`))
}
