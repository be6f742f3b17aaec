// Package api is the marketer's JSON API, /api/v1: campaigns, their
// content, links, figures, contacts, sends and message templates, behind
// an API key, and the OpenAPI document that describes it (openapi.json).
// Its routes, and the file of each handler, are listed in routes.go.
package api

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/accounts"
	"github.com/sillage/sillage/web/internal/httpx"
)

// Campaigns is what the API asks of the campaign store (campaign.Store).
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
}

// Notify is what the API asks of the notify store: contacts, the
// outbox's deliveries and the message templates.
type Notify interface {
	Contacts(ctx context.Context, campaignID, after int64, limit int) ([]notify.Contact, error)
	FindContacts(ctx context.Context, campaignID int64, address string) ([]notify.Contact, error)
	Erase(ctx context.Context, contactID int64) error
	Deliveries(ctx context.Context, campaignID int64, f notify.Filter) ([]notify.Message, error)
	Counts(ctx context.Context, campaignID int64) (map[notify.Status]int, error)
	Template(ctx context.Context, campaignID int64, ch notify.Channel, lang string) (notify.Template, error)
	SetTemplate(ctx context.Context, campaignID int64, t notify.Template) error
	ResetTemplate(ctx context.Context, campaignID int64, ch notify.Channel, lang string) error
}

// Keys authenticates API requests (accounts.Keys); the dashboard creates
// and revokes the keys.
type Keys interface {
	Authenticate(ctx context.Context, key string) (accounts.Key, error)
}

// Config is what the API needs; every field but Logger and Now is
// required.
type Config struct {
	Campaigns Campaigns
	Notify    Notify
	Keys      Keys
	App       *app.App      // the operations that span the stores
	Alerts    *httpx.Alerts // the security counters GET /alerts reports

	MaxUpload      int64           // largest content upload, in bytes
	MaxContactFile int64           // largest contact file, in bytes
	Deadlines      httpx.Deadlines // the uploads' and large answers' bounds, with their defaults set
	Logger         *slog.Logger    // nil: slog.Default()
	Now            func() time.Time
}

// Handler answers the API's routes (Routes).
type Handler struct {
	cfg       Config
	campaigns Campaigns
	notify    Notify
	keys      Keys
	app       *app.App
	alerts    *httpx.Alerts
	errs      httpx.Errors // the JSON answers to errors
	exports   httpx.Exports
	log       *slog.Logger
}

// New returns the API's handler, or an error naming a missing field of
// cfg.
func New(cfg Config) (*Handler, error) {
	if cfg.Campaigns == nil || cfg.Notify == nil || cfg.Keys == nil || cfg.App == nil || cfg.Alerts == nil {
		return nil, errors.New("api: Config needs Campaigns, Notify, Keys, App and Alerts")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Handler{
		cfg:       cfg,
		campaigns: cfg.Campaigns,
		notify:    cfg.Notify,
		keys:      cfg.Keys,
		app:       cfg.App,
		alerts:    cfg.Alerts,
		errs:      httpx.Errors{Log: cfg.Logger, MaxContactFile: cfg.MaxContactFile},
		exports:   httpx.Exports{App: cfg.App, Stall: cfg.Deadlines.Stall, Log: cfg.Logger},
		log:       cfg.Logger,
	}, nil
}
