// Package notify holds the deliveries Sillage sends itself: contact lists,
// opt-outs, message templates, the outbox and its worker, and the senders
// (SMTP through go-mail, SMS and WhatsApp through twilio-go, and a
// development sender that sends nothing).
//
// The outbox is the only way out: a message is committed in the same
// transaction as the link it carries, and a Worker leases, sends and records
// it. Delivery is at least once; an idempotency key per message, reused on
// every retry, and a lease per send keep doubles out.
package notify

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/migrations/storage"
)

// Channel is how a message travels.
type Channel string

// The channels the engine sends on.
const (
	Email    Channel = "email"
	SMS      Channel = "sms"
	WhatsApp Channel = "whatsapp"
)

// Channels lists every channel the engine sends on.
var Channels = []Channel{Email, SMS, WhatsApp}

// ParseChannel returns the channel named s (case-insensitive), or a
// *campaign.ValidationError.
func ParseChannel(s string) (Channel, error) {
	for _, c := range Channels {
		if strings.EqualFold(strings.TrimSpace(s), string(c)) {
			return c, nil
		}
	}
	return "", campaign.Invalid("channel", `must be one of "email", "sms", "whatsapp"`)
}

// Languages lists the languages messages have defaults in.
var Languages = []string{"fr", "en"}

// Errors returned by this package.
var (
	// ErrNotFound is an unknown campaign, contact, message, provider id or
	// unsubscribe token.
	ErrNotFound = errors.New("not found")
	// ErrInvalidRows is returned by Import when the file has rows it
	// rejected and skipping them was not asked for: nothing was imported,
	// and the result lists every rejected row.
	ErrInvalidRows = errors.New("the contact file has invalid rows; nothing was imported")
)

// about returns e as said of another field: an address parsed as an
// email is the "address" of the API's request.
func about(e *campaign.ValidationError, field string) *campaign.ValidationError {
	c := *e
	c.Field = field
	return &c
}

// Config is what a Store needs besides its database.
type Config struct {
	// Now is the clock; every stored time comes from it.
	Now func() time.Time
	// BaseURL is the public address of the server, such as
	// https://share.example.com: unsubscribe links are BaseURL/u/{token}.
	BaseURL string
	// DefaultRegion is the country (ISO 3166 code, such as "FR") assumed
	// for phone numbers written without an international prefix.
	DefaultRegion string
	// SeedBatch is how many contacts Seed mints and queues per transaction
	// (default 100).
	SeedBatch int
	// Logger receives what the worker and the development sender report.
	Logger *slog.Logger
	// BodyKey (BodyKeySize bytes) seals message bodies in the database:
	// they carry live links. Keep it outside the database, and give every
	// instance on one database the same key (CheckBodyKey refuses
	// another); it also seals the day's network salt (NetworkSalt).
	// Empty: bodies are stored plain.
	BodyKey []byte
}

// Store keeps contacts, opt-outs, templates and the outbox.
type Store struct {
	db  *storage.DB
	cfg Config
	now func() time.Time
	log *slog.Logger

	keyMu sync.Mutex
	key   []byte // unsubscribe token key, loaded on first use

	sealer *sealer
}

// NewStore returns a Store on db. It panics on a BodyKey of the wrong
// length: a configuration mistake to catch at start, not at the first send.
func NewStore(db *storage.DB, cfg Config) *Store {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DefaultRegion == "" {
		cfg.DefaultRegion = "FR"
	}
	cfg.DefaultRegion = strings.ToUpper(cfg.DefaultRegion)
	if cfg.SeedBatch <= 0 {
		cfg.SeedBatch = 100
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	sl, err := newSealer(cfg.BodyKey)
	if err != nil {
		panic("notify: " + err.Error())
	}
	now := cfg.Now
	return &Store{db: db, cfg: cfg, now: func() time.Time { return now().UTC() }, log: cfg.Logger, sealer: sl}
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// campaignInfo is what messages say about their campaign.
type campaignInfo struct {
	ID          int64
	Title       string
	Language    string
	TeaserTitle string
	TeaserText  string
}

// findCampaign reads the few campaign columns messages need. It reads them
// itself rather than through package campaign so that notify depends on the
// schema only, and web and cmd wire the packages together.
func findCampaign(ctx context.Context, q querier, id int64) (*campaignInfo, error) {
	c := campaignInfo{ID: id}
	err := q.QueryRowContext(ctx, `SELECT title, language, teaser_title, teaser_description
		FROM campaigns WHERE id = $1`, id).Scan(&c.Title, &c.Language, &c.TeaserTitle, &c.TeaserText)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("campaign %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find campaign %d: %w", id, err)
	}
	return &c, nil
}

// newKey returns 128 random bits in lower-case base32: safe in a
// Message-ID, a URL and an HTTP header.
func newKey() string {
	var b [16]byte
	rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func fromMillisOrNil(ms sql.NullInt64) *time.Time {
	if !ms.Valid {
		return nil
	}
	t := fromMillis(ms.Int64)
	return &t
}
