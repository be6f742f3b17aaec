// Package web is Sillage's HTTP side: it mounts the surfaces, each a
// package of its own (the recipient's pages, the marketer's dashboard,
// the JSON API and Twilio's callbacks), and sets the headers they share.
// It depends on the domain packages through the small interfaces below;
// they never depend on it.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/api"
	"github.com/sillage/sillage/web/callbacks"
	"github.com/sillage/sillage/web/dashboard"
	"github.com/sillage/sillage/web/internal/httpx"
	"github.com/sillage/sillage/web/recipient"
)

// The stores as web asks them: all that its surfaces (each declares what
// it uses) and the operations of campaign/app ask, which campaign.Store,
// gating.Store, notify.Store and accounts.Keys are.
type (
	// Campaigns is the campaign store.
	Campaigns interface {
		app.Campaigns
		api.Campaigns
		dashboard.Campaigns
		recipient.Files
	}
	// Gate is the gating store.
	Gate interface {
		app.Gate
		recipient.Gate
		dashboard.Trees
	}
	// Notify is the notify store: contacts, templates, the outbox,
	// opt-outs and the providers' callbacks.
	Notify interface {
		app.Notify
		api.Notify
		dashboard.Notify
		recipient.Unsubscribes
		callbacks.Messages
	}
	// APIKeys authenticates API requests; the dashboard creates and
	// revokes the keys.
	APIKeys interface {
		api.Keys
		dashboard.Keys
	}
)

// Users signs marketers in to the dashboard (accounts.Users), and
// MintKeys remembers the dashboard's mint forms used (accounts.MintKeys):
// the dashboard's own interfaces.
type (
	Users    = dashboard.Users
	MintKeys = dashboard.MintKeys
)

// Config is the web side's configuration.
type Config struct {
	BaseURL   *url.URL // public address of the server, e.g. https://share.example.com
	MaxUpload int64    // largest content upload, in bytes
	Limits    Limits   // per-network limits; the zero value disables them
	Logger    *slog.Logger
	Now       func() time.Time

	MaxContactFile  int64                // largest contact file, in bytes (default notify.DefaultMaxImportBytes)
	TwilioAuthToken string               // checks X-Twilio-Signature; empty: every Twilio callback is refused
	WakeOutbox      func()               // tells the outbox worker messages were queued; nil: it finds them on its own
	SendForMe       notify.ForwardLimits // caps of "send it for me"; zero: notify's defaults
	Deadlines       Deadlines            // slow clients' bounds; zero fields: the defaults
	Requests        RequestObserver      // told about every request (web/metrics); nil: none

	// Salts gives the day's salt of the client networks' hashes (days
	// since the Unix epoch, UTC), the same on every instance on the
	// database (notify.Store.NetworkSalt); nil: a random salt per process
	// and day, which two instances do not share.
	Salts func(ctx context.Context, day int64) ([32]byte, error)

	// Alerts keeps the security alert counters of every instance on the
	// database (storage.SecurityCounters), to which FlushAlerts adds
	// this one's; nil: they live in this process only, since it started.
	Alerts AlertStore

	// Ready says whether the store can take writes (storage.DB.Ready),
	// for GET /readyz; nil: /readyz always answers ok.
	Ready func(context.Context) error

	Users    Users     // the dashboard's accounts (accounts.Users); nil: no dashboard
	Sessions scs.Store // the dashboard's sessions (accounts.Sessions); nil: no dashboard
	// MintKeys remembers the mint forms used (accounts.MintKeys), in the
	// database so that every instance knows them; the dashboard needs it.
	MintKeys MintKeys

	Media MediaRedirect // signed redirects to the media's bucket; zero: none
}

// MediaRedirect sends a claimed device's media requests of MinBytes or
// more to a URL of the file store (campaign.Store.FileURL), signed for
// TTL, so that large files do not cross the server. Origin is where those
// URLs point (campaign.SignedOrigin): the pages' Content-Security-Policy
// lets media and images load from it.
type MediaRedirect struct {
	MinBytes int64         // 0: never redirect
	TTL      time.Duration // how long a signed URL works; 0: 15 minutes
	Origin   string
}

// Server serves every HTTP route of Sillage: it mounts each surface
// (web/recipient, web/dashboard, web/api, web/callbacks) and sets the
// headers they share.
type Server struct {
	cfg       Config
	secure    bool   // the public address is https: Strict-Transport-Security
	csp       string // the pages' Content-Security-Policy
	static    *httpx.Static
	alerts    *httpx.Alerts
	recipient *recipient.Handler
	callbacks *callbacks.Handler
	api       *api.Handler
	dashboard *dashboard.Handler // nil: no dashboard
	log       *slog.Logger
}

// New returns a Server on the stores; it parses every template once. Its
// error is a template that does not parse, or a dashboard without
// Config.MintKeys.
func New(cfg Config, campaigns Campaigns, gate Gate, keys APIKeys, notifier Notify) (*Server, error) {
	cfg = withDefaults(cfg)
	if cfg.Users != nil && cfg.Sessions != nil && cfg.MintKeys == nil {
		return nil, errors.New("web: the dashboard needs Config.MintKeys")
	}
	static, err := httpx.NewStatic(dashboard.Static(), recipient.Static())
	if err != nil {
		return nil, err
	}
	limits := httpx.NewLimiter(cfg.Limits, cfg.Now, cfg.Salts, cfg.Logger)
	s := &Server{
		cfg:    cfg,
		secure: cfg.BaseURL.Scheme == "https",
		csp:    securityPolicy(cfg.Media.Origin),
		static: static,
		alerts: httpx.NewAlerts(limits, cfg.Alerts),
		log:    cfg.Logger,
	}
	operations := app.New(app.Config{BaseURL: cfg.BaseURL.String(), Now: cfg.Now, Logger: cfg.Logger, WakeOutbox: cfg.WakeOutbox,
		MaxContactFile: cfg.MaxContactFile, SendForMe: cfg.SendForMe}, campaigns, gate, notifier)
	if err := s.buildSurfaces(operations, limits, campaigns, gate, keys, notifier); err != nil {
		return nil, err
	}
	return s, nil
}

// withDefaults returns cfg with its zero fields set to their defaults.
func withDefaults(cfg Config) Config {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 512 << 20
	}
	if cfg.MaxContactFile <= 0 {
		cfg.MaxContactFile = notify.DefaultMaxImportBytes
	}
	cfg.Deadlines = cfg.Deadlines.WithDefaults(max(cfg.MaxUpload, cfg.MaxContactFile))
	if cfg.WakeOutbox == nil {
		cfg.WakeOutbox = func() {}
	}
	if cfg.Media.TTL <= 0 {
		cfg.Media.TTL = 15 * time.Minute
	}
	return cfg
}

// buildSurfaces builds each surface on the stores and the operations of
// a; the dashboard only with Config.Users and Config.Sessions.
func (s *Server) buildSurfaces(a *app.App, limits *httpx.Limiter, campaigns Campaigns, gate Gate, keys APIKeys, notifier Notify) error {
	cfg := s.cfg
	var err error
	s.recipient, err = recipient.New(recipient.Config{
		App: a, Gate: gate, Files: campaigns, Unsubscribes: notifier, Limits: limits, Static: s.static,
		Deadlines: cfg.Deadlines, Media: recipient.Media{MinBytes: cfg.Media.MinBytes, TTL: cfg.Media.TTL},
		Secure: s.secure, Logger: cfg.Logger, Now: cfg.Now,
	})
	if err != nil {
		return err
	}
	s.callbacks, err = callbacks.New(callbacks.Config{BaseURL: strings.TrimSuffix(cfg.BaseURL.String(), "/"),
		TwilioAuthToken: cfg.TwilioAuthToken, Messages: notifier,
		Errors: httpx.Errors{Log: cfg.Logger, MaxContactFile: cfg.MaxContactFile}, Logger: cfg.Logger})
	if err != nil {
		return err
	}
	s.api, err = api.New(api.Config{Campaigns: campaigns, Notify: notifier, Keys: keys, App: a, Alerts: s.alerts,
		MaxUpload: cfg.MaxUpload, MaxContactFile: cfg.MaxContactFile, Deadlines: cfg.Deadlines, Logger: cfg.Logger, Now: cfg.Now})
	if err != nil {
		return err
	}
	if cfg.Users == nil || cfg.Sessions == nil {
		return nil // no dashboard
	}
	s.dashboard, err = dashboard.New(dashboard.Config{
		Campaigns: campaigns, Trees: gate, Notify: notifier, Keys: keys, Users: cfg.Users, Sessions: cfg.Sessions,
		MintKeys: cfg.MintKeys, App: a, Limits: limits, Alerts: s.alerts, Static: s.static,
		BaseURL: cfg.BaseURL, MaxUpload: cfg.MaxUpload, MaxContactFile: cfg.MaxContactFile, Deadlines: cfg.Deadlines,
		Logger: cfg.Logger, Now: cfg.Now,
	})
	return err
}

// Handler returns the server's routes with their middleware.
func (s *Server) Handler() http.Handler { return s.routes() }

// handleReady answers GET /readyz: 200 while the store can take writes,
// 503 while it cannot (a full or failing disk), for a load balancer or an
// orchestrator to stop sending traffic without restarting the server.
// /healthz stays the liveness check: reads keep being served.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(r.Context()); err != nil {
			s.log.Warn("not ready", "err", err)
			httpx.RetryLater(w, http.StatusServiceUnavailable)
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("cannot write\n"))
			return
		}
	}
	w.Write([]byte("ok\n"))
}
