// Package web is Sillage's HTTP side: the recipient pages, the marketer's
// JSON API and, later, the dashboard. It depends on the domain packages
// through the small interfaces below; they never depend on it.
package web

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/accounts"
	"github.com/sillage/sillage/web/internal/httpx"
)

// Campaigns is what the web side asks of the campaign store.
type Campaigns interface {
	Create(ctx context.Context, c *campaign.Campaign) error
	Find(ctx context.Context, id campaign.ID) (*campaign.Campaign, error)
	List(ctx context.Context) ([]*campaign.Campaign, error)
	Update(ctx context.Context, id campaign.ID, edit func(*campaign.Campaign) error) (*campaign.Campaign, error)
	SetStatus(ctx context.Context, id campaign.ID, to campaign.Status) (*campaign.Campaign, error)
	PutText(ctx context.Context, id campaign.ID, mediaType, text string) (*campaign.Campaign, error)
	PutFile(ctx context.Context, id campaign.ID, mediaType, name string, body io.Reader, limit int64) (*campaign.Campaign, error)
	PutTeaserImage(ctx context.Context, id campaign.ID, mediaType string, body io.Reader, limit int64) (*campaign.Campaign, error)
	PutCaptions(ctx context.Context, id campaign.ID, mediaType string, body io.Reader) (*campaign.Campaign, error)
	RemoveCaptions(ctx context.Context, id campaign.ID) (*campaign.Campaign, error)
	OpenFile(ctx context.Context, path string) (campaign.File, error)
	FileURL(ctx context.Context, path string, ttl time.Duration, typ, disposition string) (string, bool, error)
	Counters(ctx context.Context, id campaign.ID) (map[string]int64, error)
}

// Gate is what the web side asks of the gating store.
type Gate interface {
	Visit(ctx context.Context, token string, device []byte) (*gating.Visit, error)
	UnlockFrom(ctx context.Context, token string, device, network []byte) (*gating.Claim, gating.Outcome, error)
	Forward(ctx context.Context, token string, device []byte, ch gating.Channel, seats int) (gating.Minted, *campaign.Campaign, error)
	MintSeeds(ctx context.Context, id campaign.ID, spec gating.SeedSpec) ([]gating.Minted, error)
	Revoke(ctx context.Context, id campaign.ID, link int64) error
	Release(ctx context.Context, id campaign.ID, claim int64) (time.Time, error)
	Leaks(ctx context.Context, id campaign.ID) ([]gating.Leak, error)
	RecordPreview(ctx context.Context, link *gating.Link, agent string) (bool, error)
	MintSeedTx(ctx context.Context, tx *sql.Tx, id campaign.ID, channel gating.Channel) (gating.Minted, error)
	ForwardTx(ctx context.Context, tx *sql.Tx, token string, device []byte, ch gating.Channel) (gating.Minted, *campaign.Campaign, error)
	WithTree(ctx context.Context, id campaign.ID, fn func(*cascade.Tree) error) error
}

// Notify is what the web side asks of the notify store: contacts,
// templates, the outbox, opt-outs and the providers' callbacks.
type Notify interface {
	Import(ctx context.Context, campaignID int64, r io.Reader, opts notify.ImportOptions) (*notify.ImportResult, error)
	Contacts(ctx context.Context, campaignID, after int64, limit int) ([]notify.Contact, error)
	FindContacts(ctx context.Context, campaignID int64, address string) ([]notify.Contact, error)
	Erase(ctx context.Context, contactID int64) error
	Export(ctx context.Context, contactID int64) (*notify.Export, error)
	Seed(ctx context.Context, campaignID int64, mint notify.MintFunc) (notify.SeedResult, error)
	SendForMeFrom(ctx context.Context, campaignID, sender int64, address string, network []byte, limits notify.ForwardLimits, mint notify.ForwardMint) (int64, error)
	Deliveries(ctx context.Context, campaignID int64, f notify.Filter) ([]notify.Message, error)
	Counts(ctx context.Context, campaignID int64) (map[notify.Status]int, error)
	Suppressed(ctx context.Context, address string) (bool, error)
	Template(ctx context.Context, campaignID int64, ch notify.Channel, lang string) (notify.Template, error)
	SetTemplate(ctx context.Context, campaignID int64, t notify.Template) error
	ResetTemplate(ctx context.Context, campaignID int64, ch notify.Channel, lang string) error
	ApplyStatus(ctx context.Context, providerID, status, errorCode string) error
	HandleInbound(ctx context.Context, from, body string) error
	UnsubscribeTarget(ctx context.Context, token string) (string, error)
	Unsubscribe(ctx context.Context, token string) error
}

// APIKeys authenticates API requests; the dashboard creates and revokes
// the keys.
type APIKeys interface {
	Authenticate(ctx context.Context, key string) (accounts.Key, error)
	Create(ctx context.Context, name string) (string, accounts.Key, error)
	List(ctx context.Context) ([]accounts.Key, error)
	Revoke(ctx context.Context, id int64) error
}

// Users signs marketers in to the dashboard.
type Users interface {
	Authenticate(ctx context.Context, email, password string) (accounts.User, error)
	CreateFirst(ctx context.Context, code, email, password string) (accounts.User, error)
	Find(ctx context.Context, id int64) (accounts.User, error)
	Count(ctx context.Context) (int, error)
}

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

// Server serves every HTTP route of Sillage.
type Server struct {
	cfg       Config
	base      string // BaseURL without a trailing slash
	secure    bool   // cookies get Secure: the public address is https
	campaigns Campaigns
	gate      Gate
	keys      APIKeys
	notify    Notify
	app       *app.App // the operations that span the stores
	exports   httpx.Exports
	pages     *httpx.Pages
	static    *httpx.Static
	dash      *dashboard // nil: no dashboard
	limits    *httpx.Limiter
	alerts    *httpx.Alerts
	errs      httpx.Errors // the JSON answers to errors
	started   time.Time
	log       *slog.Logger
	csp       string // the pages' Content-Security-Policy
}

// New returns a Server; it parses every template once.
func New(cfg Config, campaigns Campaigns, gate Gate, keys APIKeys, notifier Notify) (*Server, error) {
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
	static, err := httpx.NewStatic(staticFolder())
	if err != nil {
		return nil, err
	}
	p := httpx.NewPages(static.Funcs(), cfg.Logger)
	if err := parsePages(p); err != nil {
		return nil, err
	}
	if err := parseDashPages(p); err != nil {
		return nil, err
	}
	limits := httpx.NewLimiter(cfg.Limits, cfg.Now, cfg.Salts, cfg.Logger)
	srv := &Server{
		cfg:       cfg,
		base:      strings.TrimSuffix(cfg.BaseURL.String(), "/"),
		secure:    cfg.BaseURL.Scheme == "https",
		campaigns: campaigns,
		gate:      gate,
		keys:      keys,
		notify:    notifier,
		app: app.New(app.Config{BaseURL: cfg.BaseURL.String(), Now: cfg.Now, Logger: cfg.Logger, WakeOutbox: cfg.WakeOutbox,
			MaxContactFile: cfg.MaxContactFile, SendForMe: cfg.SendForMe}, campaigns, gate, notifier),
		pages:   p,
		static:  static,
		limits:  limits,
		alerts:  httpx.NewAlerts(limits, cfg.Alerts),
		errs:    httpx.Errors{Log: cfg.Logger, MaxContactFile: cfg.MaxContactFile},
		started: cfg.Now().UTC(),
		log:     cfg.Logger,
		csp:     securityPolicy(cfg.Media.Origin),
	}
	srv.exports = httpx.Exports{App: srv.app, Stall: cfg.Deadlines.Stall, Log: cfg.Logger}
	if cfg.Users != nil && cfg.Sessions != nil {
		if cfg.MintKeys == nil {
			return nil, errors.New("web: the dashboard needs Config.MintKeys")
		}
		srv.dash = srv.newDashboard(cfg.Users, cfg.Sessions)
	}
	return srv, nil
}

// linkURL is the absolute address of a share token.
func (s *Server) linkURL(token string) string { return s.app.LinkURL(token) }

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
