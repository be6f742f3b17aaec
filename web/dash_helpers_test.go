package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/clocktest"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web"
	"github.com/sillage/sillage/web/accounts"
)

const (
	desktopFirefox = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
	marketerEmail  = "zoe@example.com"
	marketerPass   = "correct horse battery"
)

// dashApp is newApp's server with the dashboard on: accounts (bcrypt at
// its lowest cost, for speed) and sessions on the same database.
type dashApp struct {
	*app
	users  *accounts.Users
	server *web.Server
	cfg    web.Config // the server's, for another instance on the same database
	dir    string     // the data directory of content files
	target string     // where the database is, for another instance to open it
}

func newDash(t *testing.T, options ...func(*web.Config)) *dashApp {
	t.Helper()
	return newDashGate(t, nil, options...)
}

// newDashGate is newDash with the server's gating store wrapped by wrap
// (when not nil), for a test that must see its calls.
func newDashGate(t *testing.T, wrap func(web.Gate) web.Gate, options ...func(*web.Config)) *dashApp {
	t.Helper()
	target := dbtest.Target(t)
	db := openStore(t, target)
	clk := clocktest.New(time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC))
	keys := accounts.NewKeys(db, clk.Now)
	key, _, err := keys.Create(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	d := &dashApp{app: &app{t: t, db: db, clock: clk, key: key}, users: accounts.NewUsers(db, clk.Now, bcrypt.MinCost), target: target}
	d.srv = httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + d.srv.Listener.Addr().String())
	cfg := web.Config{
		BaseURL:   base,
		MaxUpload: 1 << 20,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:       clk.Now,
		Ready:     db.Ready,
		Users:     d.users,
		// scs sets expiries from the wall clock: the store reads the same.
		Sessions: accounts.NewSessions(db, time.Now),
		MintKeys: accounts.NewMintKeys(db, clk.Now),
		Alerts:   storage.NewSecurityCounters(db),
	}
	for _, o := range options {
		o(&cfg)
	}
	d.cfg, d.dir = cfg, t.TempDir()
	campaigns, gate := campaign.NewStore(db, d.dir, clk.Now), gating.NewStore(db, clk.Now)
	campaigns.Watch(gate.Forget)
	d.notify = notify.NewStore(db, notify.Config{Now: clk.Now, BaseURL: base.String(), Logger: cfg.Logger})
	var g web.Gate = gate
	if wrap != nil {
		g = wrap(gate)
	}
	s, err := web.New(cfg, campaigns, g, keys, d.notify)
	if err != nil {
		t.Fatal(err)
	}
	d.server = s
	d.srv.Config.Handler = conform(t, s.Handler()) // every API answer checked against web/openapi.json
	d.srv.Start()
	t.Cleanup(d.srv.Close)
	return d
}

// instance starts another server on the same database with the same
// configuration and data directory, as a second instance of Sillage
// behind a load balancer, and returns its address.
func (d *dashApp) instance() string {
	d.t.Helper()
	_, addr := d.instanceServer()
	return addr
}

// instanceServer is instance, and returns the server too.
func (d *dashApp) instanceServer() (*web.Server, string) {
	d.t.Helper()
	db := openStore(d.t, d.target)
	cfg := d.cfg
	cfg.Users = accounts.NewUsers(db, d.clock.Now, bcrypt.MinCost)
	cfg.Sessions = accounts.NewSessions(db, time.Now)
	cfg.MintKeys = accounts.NewMintKeys(db, d.clock.Now)
	cfg.Ready = db.Ready
	cfg.Alerts = storage.NewSecurityCounters(db)
	campaigns, gate := campaign.NewStore(db, d.dir, d.clock.Now), gating.NewStore(db, d.clock.Now)
	campaigns.Watch(gate.Forget)
	d.t.Cleanup(gate.Close) // before the database closes
	deliveries := notify.NewStore(db, notify.Config{Now: d.clock.Now, BaseURL: cfg.BaseURL.String(), Logger: cfg.Logger})
	s, err := web.New(cfg, campaigns, gate, accounts.NewKeys(db, d.clock.Now), deliveries)
	if err != nil {
		d.t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	d.t.Cleanup(srv.Close)
	return s, srv.URL
}

// openStore opens the store at target (see dbtest.Target), closed when
// the test ends, as dbtest.Open does: the same store can be opened
// again by another instance, which a PostgreSQL URL without its password
// (DB.Target) might not allow.
func openStore(t *testing.T, target string) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), target)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	if db.Dialect == storage.Postgres {
		db.Write.SetMaxOpenConns(8) // test binaries open many databases at once
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// browser is a marketer's browser, not yet signed in.
func (d *dashApp) browser() *phone { return newPhone(d.t, desktopFirefox) }

// signedIn returns a browser signed in to the account, made if need be.
func (d *dashApp) signedIn() *phone {
	d.t.Helper()
	if n, _ := d.users.Count(context.Background()); n == 0 {
		if _, err := d.users.Create(context.Background(), marketerEmail, marketerPass); err != nil {
			d.t.Fatal(err)
		}
	}
	b := d.browser()
	res, _ := b.do("POST", d.srv.URL+"/login", url.Values{"email": {marketerEmail}, "password": {marketerPass}}, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/campaigns" {
		d.t.Fatalf("sign in: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	return b
}

// setupCode is a setup code, as the server prints it in its log.
func (d *dashApp) setupCode() string {
	d.t.Helper()
	code, err := d.users.NewSetupCode(context.Background())
	if err != nil || code == "" {
		d.t.Fatalf("setup code %q: %v", code, err)
	}
	return code
}

// count returns the rows of table.
func (d *dashApp) count(table string) int {
	d.t.Helper()
	var n int
	if err := d.db.Read.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		d.t.Fatal(err)
	}
	return n
}

// campaignForm is the editor's form with valid defaults, changed by edits.
func campaignForm(edits map[string]string) url.Values {
	f := url.Values{
		"title": {"Le clip"}, "language": {"fr"},
		"teaser.title": {"Un clip en avant-première"}, "teaser.description": {"Seulement entre amis"},
		"teaser.image_url": {""}, "rules.seats_per_link": {"1"}, "rules.max_seats": {"25"},
		"rules.forwards_per_claim": {"10"}, "rules.max_depth": {"0"}, "rules.link_lifetime_hours": {"168"},
		"rules.view_cap": {"0"}, "starts_at": {""}, "ends_at": {""},
	}
	for k, v := range edits {
		f.Set(k, v)
	}
	return f
}

func location(res *http.Response) string { return res.Header.Get("Location") }

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}
