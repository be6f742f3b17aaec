// Package dashboard is the marketer's dashboard: the pages behind a
// session cookie where campaigns are written, launched, watched and
// seeded, and the API keys made.
//
// Where to look: routes.go lists every page and names its file.
// signin.go is signing in, out and the first account's setup;
// campaigns.go the list; editor.go, content.go, captions.go and status.go
// a campaign's editor; live*.go its live figures; tree.go its forward
// tree; seed*.go its seeding (contacts, sends, printed links); messages*.go
// and contacts.go the messages and contacts reached from there; trust.go
// revoking, releasing and the security alerts; keys.go the API keys.
// pages.go holds what each template is given, errors.go how a refusal is
// shown; templates/ and static/ are the pages themselves.
package dashboard

import (
	"context"
	"embed"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/accounts"
	"github.com/sillage/sillage/web/internal/httpx"
)

//go:embed templates static
var assets embed.FS

// Campaigns is what the dashboard asks of the campaign store
// (campaign.Store).
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
	Counters(ctx context.Context, id campaign.ID) (map[string]int64, error)
}

// Trees reads a campaign's forward tree (gating.Store), for the tree page
// and the people's numbers.
type Trees interface {
	WithTree(ctx context.Context, id campaign.ID, fn func(*cascade.Tree) error) error
}

// Notify is what the dashboard asks of the notify store: message
// templates, contacts and the outbox's deliveries.
type Notify interface {
	Contacts(ctx context.Context, campaignID, after int64, limit int) ([]notify.Contact, error)
	FindContacts(ctx context.Context, campaignID int64, address string) ([]notify.Contact, error)
	Erase(ctx context.Context, contactID int64) error
	Export(ctx context.Context, contactID int64) (*notify.Export, error)
	Deliveries(ctx context.Context, campaignID int64, f notify.Filter) ([]notify.Message, error)
	Counts(ctx context.Context, campaignID int64) (map[notify.Status]int, error)
	Suppressed(ctx context.Context, address string) (bool, error)
	Template(ctx context.Context, campaignID int64, ch notify.Channel, lang string) (notify.Template, error)
	SetTemplate(ctx context.Context, campaignID int64, t notify.Template) error
	ResetTemplate(ctx context.Context, campaignID int64, ch notify.Channel, lang string) error
}

// Keys makes and revokes the API's keys (accounts.Keys).
type Keys interface {
	Create(ctx context.Context, name string) (string, accounts.Key, error)
	List(ctx context.Context) ([]accounts.Key, error)
	Revoke(ctx context.Context, id int64) error
}

// Users signs marketers in (accounts.Users).
type Users interface {
	Authenticate(ctx context.Context, email, password string) (accounts.User, error)
	CreateFirst(ctx context.Context, code, email, password string) (accounts.User, error)
	Find(ctx context.Context, id int64) (accounts.User, error)
	Count(ctx context.Context) (int, error)
}

// Config is what the dashboard needs; every field but Logger and Now is
// required.
type Config struct {
	Campaigns Campaigns
	Trees     Trees
	Notify    Notify
	Keys      Keys
	Users     Users
	Sessions  scs.Store // the sessions' store (accounts.Sessions)
	MintKeys  MintKeys  // the mint forms used (accounts.MintKeys)
	App       *app.App  // the operations that span the stores
	Limits    *httpx.Limiter
	Alerts    *httpx.Alerts // the security counters of the alerts page
	Static    *httpx.Static // the templates' "static" function

	BaseURL        *url.URL        // the server's public address
	MaxUpload      int64           // largest content upload, in bytes
	MaxContactFile int64           // largest contact file, in bytes
	Deadlines      httpx.Deadlines // the uploads' and large answers' bounds, with their defaults set
	Logger         *slog.Logger    // nil: slog.Default()
	Now            func() time.Time
}

// Handler serves the dashboard's routes (Routes).
type Handler struct {
	cfg       Config
	pages     *httpx.Pages
	sessions  *scs.SessionManager
	signIns   *signInLimiter
	users     Users
	campaigns Campaigns
	trees     Trees
	notify    Notify
	keys      Keys
	app       *app.App
	limits    *httpx.Limiter
	alerts    *httpx.Alerts
	errs      httpx.Errors // the JSON answers to errors
	exports   httpx.Exports
	base      string // BaseURL without a trailing slash
	log       *slog.Logger
	livePolls *liveMemo // the figures live.json's polls share
}

// New returns the dashboard's handler; it parses the templates once. Its
// error names a missing field of cfg, or a template that does not parse.
func New(cfg Config) (*Handler, error) {
	if cfg.Campaigns == nil || cfg.Trees == nil || cfg.Notify == nil || cfg.Keys == nil || cfg.Users == nil ||
		cfg.Sessions == nil || cfg.MintKeys == nil || cfg.App == nil || cfg.Limits == nil || cfg.Alerts == nil ||
		cfg.Static == nil || cfg.BaseURL == nil {
		return nil, errors.New("dashboard: Config needs every store, App, Limits, Alerts, Static and BaseURL")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	pages := httpx.NewPages(cfg.Static.Funcs(), cfg.Logger)
	if err := parsePages(pages); err != nil {
		return nil, err
	}
	h := &Handler{
		cfg:       cfg,
		pages:     pages,
		sessions:  newSessions(cfg.Sessions, cfg.BaseURL.Scheme == "https", cfg.Logger),
		signIns:   newSignInLimiter(cfg.Limits),
		users:     cfg.Users,
		campaigns: cfg.Campaigns,
		trees:     cfg.Trees,
		notify:    cfg.Notify,
		keys:      cfg.Keys,
		app:       cfg.App,
		limits:    cfg.Limits,
		alerts:    cfg.Alerts,
		errs:      httpx.Errors{Log: cfg.Logger, MaxContactFile: cfg.MaxContactFile},
		exports:   httpx.Exports{App: cfg.App, Stall: cfg.Deadlines.Stall, Log: cfg.Logger},
		base:      strings.TrimSuffix(cfg.BaseURL.String(), "/"),
		log:       cfg.Logger,
	}
	h.livePolls = newLiveMemo(cfg.Now, h.liveFigures)
	return h, nil
}

// parsePages parses the dashboard's pages (templates/dash_*.html), each
// with the dashboard's layout.
func parsePages(p *httpx.Pages) error {
	templates, err := fs.Sub(assets, "templates")
	if err != nil {
		return err
	}
	return p.Parse(templates, "dash_layout.html", "dash_*.html")
}

// Static returns the dashboard's static files (web/dashboard/static),
// which web serves under /static/.
func Static() fs.FS {
	f, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err) // a constant folder of the embedded files
	}
	return f
}
