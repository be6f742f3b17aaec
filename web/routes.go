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
	r.Get("/readyz", s.handleReady) // server.go
	r.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	r.Handle("/static/*", s.static)

	// The recipient's way, /s/{token}/... and /u/{token} (web/recipient).
	s.recipient.Routes(r)

	// Twilio's callbacks, signed, /hooks/twilio/* (web/callbacks).
	s.callbacks.Routes(r)

	// The marketer's JSON API, /api/v1 (web/api/routes.go).
	s.api.Routes(r)

	// The marketer's dashboard, behind a session (web/dashboard/routes.go):
	// every form is guarded by the cross-origin protection above.
	if s.dashboard != nil {
		s.dashboard.Routes(r)
	}
	r.NotFound(s.recipient.NotFound)
	return r
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}
