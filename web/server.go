// Package web is Sillage's HTTP side: the recipient pages, the marketer's
// JSON API and, later, the dashboard. It depends on the domain packages
// through the small interfaces below; they never depend on it.
package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/web/auth"
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
	Counters(ctx context.Context, id campaign.ID) (map[string]int64, error)
}

// Gate is what the web side asks of the gating store.
type Gate interface {
	Visit(ctx context.Context, token string, device []byte) (*gating.Visit, error)
	Unlock(ctx context.Context, token string, device []byte) (*gating.Claim, gating.Outcome, error)
	Forward(ctx context.Context, token string, device []byte, ch gating.Channel, seats int) (gating.Minted, *campaign.Campaign, error)
	MintSeeds(ctx context.Context, id campaign.ID, spec gating.SeedSpec) ([]gating.Minted, error)
	Revoke(ctx context.Context, id campaign.ID, link int64) error
	Release(ctx context.Context, id campaign.ID, claim int64) (time.Time, error)
	Leaks(ctx context.Context, id campaign.ID) ([]gating.Leak, error)
	RecordPreview(ctx context.Context, link *gating.Link, agent string) error
	WithTree(ctx context.Context, id campaign.ID, fn func(*cascade.Tree) error) error
}

// APIKeys authenticates API requests.
type APIKeys interface {
	Authenticate(ctx context.Context, key string) (auth.Key, error)
}

// Config is the web side's configuration.
type Config struct {
	BaseURL   *url.URL // public address of the server, e.g. https://share.example.com
	MaxUpload int64    // largest content upload, in bytes
	Limits    Limits   // per-network limits; the zero value disables them
	Logger    *slog.Logger
	Now       func() time.Time
}

// Server serves every HTTP route of Sillage.
type Server struct {
	cfg       Config
	base      string // BaseURL without a trailing slash
	secure    bool   // cookies get Secure: the public address is https
	campaigns Campaigns
	gate      Gate
	keys      APIKeys
	pages     *pages
	limits    *limiter
	started   time.Time
	log       *slog.Logger
}

// New returns a Server; it parses every template once.
func New(cfg Config, campaigns Campaigns, gate Gate, keys APIKeys) (*Server, error) {
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 512 << 20
	}
	return &Server{
		cfg:       cfg,
		base:      strings.TrimSuffix(cfg.BaseURL.String(), "/"),
		secure:    cfg.BaseURL.Scheme == "https",
		campaigns: campaigns,
		gate:      gate,
		keys:      keys,
		pages:     p,
		limits:    newLimiter(cfg.Limits, cfg.Now),
		started:   cfg.Now().UTC(),
		log:       cfg.Logger,
	}, nil
}

// linkURL is the absolute address of a share token.
func (s *Server) linkURL(token string) string { return s.base + "/s/" + token }

// Handler returns the server's routes with their middleware.
func (s *Server) Handler() http.Handler { return s.routes() }
