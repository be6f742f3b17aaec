package web

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/internal/httpx"
)

// sendJSON is what a send queued, and where the campaign's deliveries
// stand.
type sendJSON struct {
	Queued     int                   `json:"queued"`
	Suppressed int                   `json:"suppressed"`
	Deliveries map[notify.Status]int `json:"deliveries"`
}

// handleSend answers POST /campaigns/{id}/sends: one personal seed link
// per contact not seeded yet, on the contact's channel, each queued in
// the transaction that mints it; then the worker is woken. An ended
// campaign is refused (409): its links could not be opened.
func (s *Server) handleSend(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	if r.ContentLength != 0 { // a body is optional, and then must be {}
		var in struct{}
		if err := httpx.DecodeJSON(w, r, &in); err != nil {
			httpx.Error(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	res, err := s.app.Send(r.Context(), id)
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	counts, err := s.notify.Counts(r.Context(), int64(id))
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusAccepted, sendJSON{Queued: res.Queued, Suppressed: res.Suppressed, Deliveries: counts})
}

// deliveryJSON is one message as the API shows it: where it stands,
// never what it says (its body holds a personal link).
type deliveryJSON struct {
	ID            int64          `json:"id"`
	Contact       *int64         `json:"contact"` // null: none, or erased
	Kind          string         `json:"kind"`
	Channel       notify.Channel `json:"channel"`
	To            string         `json:"to"` // empty once erased
	Language      string         `json:"language"`
	Status        notify.Status  `json:"status"`
	Attempts      int            `json:"attempts"`
	LastError     string         `json:"last_error"`
	ProviderID    string         `json:"provider_id"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
	SentAt        *time.Time     `json:"sent_at"`
	NextAttemptAt *time.Time     `json:"next_attempt_at"` // null unless queued
}

func newDeliveryJSON(m notify.Message) deliveryJSON {
	d := deliveryJSON{ID: m.ID, Kind: m.Kind, Channel: m.Channel, To: m.To, Language: m.Language,
		Status: m.Status, Attempts: m.Attempts, LastError: m.LastError, ProviderID: m.ProviderID,
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, SentAt: m.SentAt}
	if m.ContactID != 0 {
		d.Contact = &m.ContactID
	}
	if m.Status == notify.Queued {
		d.NextAttemptAt = &m.NextAttemptAt
	}
	return d
}

// handleDeliveries answers GET /campaigns/{id}/deliveries: the messages
// in id order, ?status= and ?channel= to narrow, ?after= and ?limit= to
// page, and the count in each status.
func (s *Server) handleDeliveries(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	after, limit, err := pageParams(r, 1000)
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	q := r.URL.Query()
	f := notify.Filter{Status: notify.Status(q.Get("status")), After: after, Limit: limit}
	if f.Status != "" && !slices.Contains(notify.Statuses, f.Status) {
		httpx.Error(w, http.StatusBadRequest, "status: must be one of queued, sending, sent, kept, delivered, undelivered, failed")
		return
	}
	if ch := q.Get("channel"); ch != "" {
		if f.Channel, err = notify.ParseChannel(ch); err != nil {
			httpx.Error(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	list, err := s.notify.Deliveries(r.Context(), int64(id), f)
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	counts, err := s.notify.Counts(r.Context(), int64(id))
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	out := make([]deliveryJSON, len(list))
	for i, m := range list {
		out[i] = newDeliveryJSON(m)
	}
	var next *int64
	if len(list) == limit {
		next = &list[len(list)-1].ID
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Deliveries []deliveryJSON        `json:"deliveries"`
		Counts     map[notify.Status]int `json:"counts"`
		NextAfter  *int64                `json:"next_after"` // null: this was the last page
	}{out, counts, next})
}

// templateKey parses the {channel} and {language} of a template's route;
// it writes a 404 and returns false for a template that cannot exist.
func templateKey(w http.ResponseWriter, r *http.Request) (notify.Channel, string, bool) {
	ch, lang, ok := app.TemplateKey(chi.URLParam(r, "channel"), chi.URLParam(r, "language"))
	if !ok {
		httpx.Error(w, http.StatusNotFound, fmt.Sprintf("no such template: channels are %v, languages %v", notify.Channels, notify.Languages))
	}
	return ch, lang, ok
}

// handleTemplateGet answers GET /campaigns/{id}/templates/{channel}/{language}:
// the campaign's own wording, or the default ("default": true).
func (s *Server) handleTemplateGet(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	ch, lang, ok := templateKey(w, r)
	if !ok {
		return
	}
	t, err := s.notify.Template(r.Context(), int64(id), ch, lang)
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, t)
}

// handleTemplatePut answers PUT /campaigns/{id}/templates/{channel}/{language}:
// the campaign's own wording, checked (it must compile, run on sample
// data and carry {{.Link}}) before it is stored.
func (s *Server) handleTemplatePut(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	ch, lang, ok := templateKey(w, r)
	if !ok {
		return
	}
	var in httpx.TemplateInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := s.notify.SetTemplate(r.Context(), int64(id), in.Template(ch, lang)); err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	stored, err := s.notify.Template(r.Context(), int64(id), ch, lang)
	if err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, stored)
}

// handleTemplateReset answers DELETE /campaigns/{id}/templates/{channel}/{language}:
// the default wording applies again.
func (s *Server) handleTemplateReset(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	ch, lang, ok := templateKey(w, r)
	if !ok {
		return
	}
	if _, err := s.campaigns.Find(r.Context(), id); err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	if err := s.notify.ResetTemplate(r.Context(), int64(id), ch, lang); err != nil {
		s.errs.JSON(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
