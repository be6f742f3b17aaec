// Package recipient is the recipient's way through Sillage: the pages a
// share link opens (/s/{token}: teaser, unlock, content, forwarding,
// "send it for me") and the unsubscribe page of seed messages
// (/u/{token}), in the campaign's language or the visitor's.
//
// Where to look: link.go answers GET /s/{token} and picks the page;
// teaser.go, unlock.go and content.go build those pages; media.go serves
// the content's files; forward.go and sendforme.go pass the link on;
// unsubscribe.go is /u/{token}; errors.go turns refusals into pages;
// pages.go holds what each template is given; templates/ and static/
// are the pages themselves.
package recipient

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/web/internal/httpx"
)

//go:embed templates static
var assets embed.FS

// Gate is what the recipient's pages ask of the gating store.
type Gate interface {
	Visit(ctx context.Context, token string, device []byte) (*gating.Visit, error)
	UnlockFrom(ctx context.Context, token string, device, network []byte) (*gating.Claim, gating.Outcome, error)
	Forward(ctx context.Context, token string, device []byte, ch gating.Channel, seats int) (gating.Minted, *campaign.Campaign, error)
	RecordPreview(ctx context.Context, link *gating.Link, agent string) (bool, error)
}

// Files opens the campaigns' files (campaign.Store).
type Files interface {
	OpenFile(ctx context.Context, path string) (campaign.File, error)
	FileURL(ctx context.Context, path string, ttl time.Duration, typ, disposition string) (string, bool, error)
}

// Unsubscribes takes addresses off the seed messages' list (notify.Store).
type Unsubscribes interface {
	UnsubscribeTarget(ctx context.Context, token string) (string, error)
	Unsubscribe(ctx context.Context, token string) error
}

// Media sends a claimed device's requests for a content file of MinBytes
// or more to a URL the file store signed for TTL, so that large files do
// not cross the server. MinBytes 0: never.
type Media struct {
	MinBytes int64
	TTL      time.Duration
}

// Config is what the recipient's pages need.
type Config struct {
	App          *app.App // links' public URLs, send-for-me
	Gate         Gate
	Files        Files
	Unsubscribes Unsubscribes
	Limits       *httpx.Limiter
	Static       *httpx.Static // the templates' "static" function
	Deadlines    httpx.Deadlines
	Media        Media
	Secure       bool // the public address is https: cookies get Secure
	Logger       *slog.Logger
	Now          func() time.Time
}

// Handler serves the recipient's routes.
type Handler struct {
	cfg    Config
	pages  *httpx.Pages
	limits *httpx.Limiter
	log    *slog.Logger
}

// New returns the recipient's handlers; it parses their templates once.
func New(cfg Config) (*Handler, error) {
	if cfg.Static == nil || cfg.Limits == nil {
		return nil, errors.New("recipient: Config needs Static and Limits")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	pages := httpx.NewPages(cfg.Static.Funcs(), cfg.Logger)
	templates, err := fs.Sub(assets, "templates")
	if err != nil {
		return nil, err
	}
	if err := pages.Parse(templates, "layout.html", "*.html"); err != nil {
		return nil, err
	}
	return &Handler{cfg: cfg, pages: pages, limits: cfg.Limits, log: cfg.Logger}, nil
}

// Static returns the pages' static files (web/recipient/static), which
// web serves under /static/.
func Static() fs.FS {
	f, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err) // a constant folder of the embedded files
	}
	return f
}

// Routes adds the recipient's routes to r.
func (h *Handler) Routes(r chi.Router) {
	r.Route("/s/{token}", func(r chi.Router) {
		r.Get("/", h.handleLink) // link.go
		r.Head("/", h.handleLink)
		r.Post("/unlock", h.handleUnlock) // unlock.go
		r.Get("/media", h.handleMedia)    // media.go
		r.Get("/captions", h.handleCaptions)
		r.Get("/image", h.handleTeaserImage) // teaser.go
		r.Post("/forward", h.handleForward)  // forward.go
		r.Post("/send", h.handleSendForMe)   // sendforme.go
	})
	// Unsubscribing from seed messages (unsubscribe.go): a GET only asks,
	// mail scanners follow links.
	r.Get("/u/{token}", h.handleUnsubscribePage)
	r.Post("/u/{token}", h.handleUnsubscribe)
}

// NotFound answers a route no one serves with the recipient's "link not
// found" page, in the visitor's language: most strangers are people with
// a mistyped link.
func (h *Handler) NotFound(w http.ResponseWriter, r *http.Request) {
	h.recipientError(w, r, "", gating.ErrNotFound)
}
