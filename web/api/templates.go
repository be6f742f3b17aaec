package api

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/internal/httpx"
)

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
func (h *Handler) handleTemplateGet(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	ch, lang, ok := templateKey(w, r)
	if !ok {
		return
	}
	t, err := h.notify.Template(r.Context(), int64(id), ch, lang)
	if err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, t)
}

// handleTemplatePut answers PUT /campaigns/{id}/templates/{channel}/{language}:
// the campaign's own wording, checked (it must compile, run on sample
// data and carry {{.Link}}) before it is stored.
func (h *Handler) handleTemplatePut(w http.ResponseWriter, r *http.Request) {
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
	if err := h.notify.SetTemplate(r.Context(), int64(id), in.Template(ch, lang)); err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	stored, err := h.notify.Template(r.Context(), int64(id), ch, lang)
	if err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, stored)
}

// handleTemplateReset answers DELETE /campaigns/{id}/templates/{channel}/{language}:
// the default wording applies again.
func (h *Handler) handleTemplateReset(w http.ResponseWriter, r *http.Request) {
	id, ok := campaignID(w, r)
	if !ok {
		return
	}
	ch, lang, ok := templateKey(w, r)
	if !ok {
		return
	}
	if _, err := h.campaigns.Find(r.Context(), id); err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	if err := h.notify.ResetTemplate(r.Context(), int64(id), ch, lang); err != nil {
		h.errs.JSON(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
