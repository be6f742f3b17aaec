// Package app holds Sillage's operations that span several stores
// (campaigns, gating, notify): the figures of a campaign, minting links
// and their public address, importing and seeding contacts, sending for
// a recipient, leaks and revocations, exports. Every web surface and the
// command line call these, so that each is written once; handlers parse,
// call one operation and render.
//
// Errors are the domain's (campaign.ErrNotFound, gating.ErrSeatTaken,
// notify.ErrInvalidRows, ...) plus ErrSendForMeOff; the callers map them.
package app

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/gating/publicurl"
	"github.com/sillage/sillage/notify"
)

// Campaigns is what the operations ask of the campaign store.
type Campaigns interface {
	Find(ctx context.Context, id campaign.ID) (*campaign.Campaign, error)
	Counters(ctx context.Context, id campaign.ID) (map[string]int64, error)
}

// Gate is what the operations ask of the gating store.
type Gate interface {
	MintSeeds(ctx context.Context, id campaign.ID, spec gating.SeedSpec) ([]gating.Minted, error)
	MintSeedTx(ctx context.Context, tx *sql.Tx, id campaign.ID, channel gating.Channel) (gating.Minted, error)
	ForwardTx(ctx context.Context, tx *sql.Tx, token string, device []byte, ch gating.Channel) (gating.Minted, *campaign.Campaign, error)
	Revoke(ctx context.Context, id campaign.ID, link int64) error
	Release(ctx context.Context, id campaign.ID, claim int64) (time.Time, error)
	Leaks(ctx context.Context, id campaign.ID) ([]gating.Leak, error)
	WithTree(ctx context.Context, id campaign.ID, fn func(*cascade.Tree) error) error
}

// Notify is what the operations ask of the notify store.
type Notify interface {
	Import(ctx context.Context, campaignID int64, r io.Reader, opts notify.ImportOptions) (*notify.ImportResult, error)
	Seed(ctx context.Context, campaignID int64, mint notify.MintFunc) (notify.SeedResult, error)
	SendForMeFrom(ctx context.Context, campaignID, sender int64, address string, network []byte, limits notify.ForwardLimits, mint notify.ForwardMint) (int64, error)
	Export(ctx context.Context, contactID int64) (*notify.Export, error)
}

// Config is what an App needs besides its stores.
type Config struct {
	// BaseURL is the public address links carry, such as
	// https://share.example.com (a trailing slash does no harm).
	BaseURL string
	Now     func() time.Time // nil: time.Now
	Logger  *slog.Logger     // nil: slog.Default()

	// WakeOutbox tells the outbox worker messages were queued; nil: it
	// finds them on its own (the command line has no worker).
	WakeOutbox     func()
	MaxContactFile int64                // largest contact file, in bytes; 0: notify.DefaultMaxImportBytes
	SendForMe      notify.ForwardLimits // caps of "send it for me"; zero: notify's defaults
}

// App runs the operations over its stores.
type App struct {
	cfg       Config
	campaigns Campaigns
	gate      Gate
	notify    Notify
}

// New returns an App on the stores.
func New(cfg Config, campaigns Campaigns, gate Gate, notifier Notify) *App {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.WakeOutbox == nil {
		cfg.WakeOutbox = func() {}
	}
	if cfg.MaxContactFile <= 0 {
		cfg.MaxContactFile = notify.DefaultMaxImportBytes
	}
	return &App{cfg: cfg, campaigns: campaigns, gate: gate, notify: notifier}
}

// LinkURL is the public address of a share token.
func (a *App) LinkURL(token string) string { return publicurl.Share(a.cfg.BaseURL, token) }
