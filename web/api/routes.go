package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/web/internal/httpx"
)

// Routes adds the API's routes to r: the OpenAPI document to anyone, the
// rest behind an API key. The comment of each group names its file.
func (h *Handler) Routes(r chi.Router) {
	r.Get("/api/v1/openapi.json", handleOpenAPI) // openapi.go
	r.Route("/api/v1", func(r chi.Router) {
		r.Use(h.requireAPIKey) // auth.go
		upload := h.cfg.Deadlines.UploadDeadline

		// campaigns.go
		r.Post("/campaigns", h.handleCampaignCreate)
		r.Get("/campaigns", h.handleCampaignList)
		// alerts.go
		r.Get("/alerts", h.handleAlerts)
		// contacts.go
		r.Delete("/contacts/{contact}", h.handleContactErase)
		r.Get("/contacts/{contact}/export", h.handleContactExport)
		r.Route("/campaigns/{id}", func(r chi.Router) {
			// campaigns.go
			r.Get("/", h.handleCampaignGet)
			r.Patch("/", h.handleCampaignPatch)
			r.Post("/status", h.handleStatus)
			// content.go
			r.With(upload).Put("/content", h.handleContentPut)
			r.With(upload).Put("/teaser/image", h.handleTeaserImagePut)
			r.With(upload).Put("/captions", h.handleCaptionsPut)
			r.Delete("/captions", h.handleCaptionsDelete)
			// links.go
			r.Post("/links", h.handleLinksMint)
			r.Delete("/links/{link}", h.handleLinkRevoke)
			r.Get("/leaks", h.handleLeaks)
			r.Post("/claims/{claim}/release", h.handleRelease)
			// stats.go
			r.Get("/stats", h.handleStats)
			r.Get("/cascades", h.handleCascades)
			r.Get("/ambassadors", h.handleAmbassadors)
			r.Get("/tree", h.handleTree)
			r.Get("/export", h.handleExport)
			// contacts.go
			r.With(upload).Post("/contacts", h.handleContactsImport)
			r.Get("/contacts", h.handleContactsList)
			// deliveries.go
			r.Post("/sends", h.handleSend)
			r.Get("/deliveries", h.handleDeliveries)
			// templates.go
			r.Get("/templates/{channel}/{language}", h.handleTemplateGet)
			r.Put("/templates/{channel}/{language}", h.handleTemplatePut)
			r.Delete("/templates/{channel}/{language}", h.handleTemplateReset)
		})
		r.NotFound(func(w http.ResponseWriter, r *http.Request) {
			httpx.Error(w, http.StatusNotFound, "no such API route")
		})
	})
}
