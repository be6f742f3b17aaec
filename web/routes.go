package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// routes lists every route of Sillage.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(s.observe) // web/observe.go: a log line and the metrics of every request, by route pattern
	r.Use(middleware.Recoverer, s.securityHeaders, s.cfg.Deadlines.BodyDeadline)
	r.Use(compress) // web/compress.go: text only, never a byte range
	// Every state-changing browser request must come from our own pages,
	// except those a secret authorises rather than a browser session:
	// Twilio's signed callbacks, and one-click unsubscribes that mail
	// providers post from elsewhere (RFC 8058) with the token in the path.
	cop := http.NewCrossOriginProtection()
	cop.AddInsecureBypassPattern("POST /hooks/twilio/{hook}")
	cop.AddInsecureBypassPattern("POST /u/{token}")
	r.Use(cop.Handler)

	r.Get("/healthz", s.handleHealth)
	r.Get("/readyz", s.handleReady) // web/unavailable.go
	r.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	r.Handle("/static/*", s.static)

	// The recipient's way, /s/{token}/... and /u/{token} (web/recipient).
	s.recipient.Routes(r)

	// Twilio's callbacks, signed, /hooks/twilio/* (web/callbacks).
	s.callbacks.Routes(r)

	// The marketer's JSON API, /api/v1 (web/api/routes.go).
	s.api.Routes(r)
	// The marketer's dashboard (web/dash.go, web/dash_campaigns.go,
	// web/dash_keys.go): pages behind a session cookie; every form is
	// guarded by the cross-origin protection above.
	if s.dash != nil {
		r.Group(func(r chi.Router) {
			r.Use(s.dash.sessions.LoadAndSave)
			r.Get("/login", s.handleLoginPage)
			r.Post("/login", s.handleLogin)
			r.Post("/logout", s.handleLogout)
			r.Get("/setup", s.handleSetupPage)
			r.Post("/setup", s.handleSetup)
			r.Group(func(r chi.Router) {
				r.Use(s.requireUser)
				r.Get("/", func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, "/campaigns", http.StatusSeeOther)
				})
				r.Get("/campaigns", s.handleDashCampaigns)
				r.Get("/campaigns/figures", s.handleDashFigures)
				r.Get("/campaigns/new", s.handleDashCampaignNew)
				r.Post("/campaigns/new", s.handleDashCampaignCreate)
				r.Get("/campaigns/{id}", s.handleDashCampaign)
				r.Post("/campaigns/{id}", s.handleDashCampaignSave)
				r.With(s.cfg.Deadlines.UploadDeadline).Post("/campaigns/{id}/content", s.handleDashContent)
				r.With(s.cfg.Deadlines.UploadDeadline).Post("/campaigns/{id}/teaser/image", s.handleDashTeaserImage)
				r.Get("/campaigns/{id}/teaser/image", s.handleDashTeaserImageGet)
				r.With(s.cfg.Deadlines.UploadDeadline).Post("/campaigns/{id}/captions", s.handleDashCaptions) // web/dash_access.go
				r.Get("/campaigns/{id}/content/preview", s.handleDashContentPreview)
				r.Get("/campaigns/{id}/status", s.handleDashStatusConfirm)
				r.Post("/campaigns/{id}/status", s.handleDashStatus)
				s.dashLiveRoutes(r)  // web/dash_live.go
				s.dashTreeRoutes(r)  // web/dash_tree.go
				s.dashSeedRoutes(r)  // web/dash_seed.go
				s.dashTrustRoutes(r) // web/dash_trust.go
				s.dashMessagesRoutes(r)
				r.Get("/keys", s.handleDashKeys)
				r.Post("/keys", s.handleDashKeyCreate)
				r.Post("/keys/{key}/revoke", s.handleDashKeyRevoke)
			})
		})
	}
	r.NotFound(s.recipient.NotFound)
	return r
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}
