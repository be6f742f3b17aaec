package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// routes lists every route of Sillage.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.Recoverer, s.securityHeaders)
	// Every state-changing browser request must come from our own pages.
	r.Use(http.NewCrossOriginProtection().Handler)

	r.Get("/healthz", s.handleHealth)
	r.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	r.Handle("/static/*", staticFiles())

	// The recipient's way (web/recipient.go).
	r.Route("/s/{token}", func(r chi.Router) {
		r.Get("/", s.handleLink)
		r.Head("/", s.handleLink)
		r.Post("/unlock", s.handleUnlock)
		r.Get("/media", s.handleMedia)
		r.Get("/image", s.handleTeaserImage)
		r.Post("/forward", s.handleForward)
	})

	// The marketer's JSON API (web/api.go, web/api_campaign.go).
	r.Route("/api/v1", func(r chi.Router) {
		r.Use(s.requireAPIKey)
		r.Post("/campaigns", s.handleCampaignCreate)
		r.Get("/campaigns", s.handleCampaignList)
		r.Get("/alerts", s.handleAlerts)
		r.Route("/campaigns/{id}", func(r chi.Router) {
			r.Get("/", s.handleCampaignGet)
			r.Patch("/", s.handleCampaignPatch)
			r.Put("/content", s.handleContentPut)
			r.Put("/teaser/image", s.handleTeaserImagePut)
			r.Post("/status", s.handleStatus)
			r.Post("/links", s.handleLinksMint)
			r.Delete("/links/{link}", s.handleLinkRevoke)
			r.Get("/leaks", s.handleLeaks)
			r.Post("/claims/{claim}/release", s.handleRelease)
			r.Get("/stats", s.handleStats)
			r.Get("/cascades", s.handleCascades)
			r.Get("/ambassadors", s.handleAmbassadors)
			r.Get("/tree", s.handleTree)
			r.Get("/export", s.handleExport)
		})
		r.NotFound(func(w http.ResponseWriter, r *http.Request) {
			jsonError(w, http.StatusNotFound, "no such API route")
		})
	})
	r.NotFound(s.handleNotFound)
	return r
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}
