package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/clocktest"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web"
	"github.com/sillage/sillage/web/accounts"
)

// Real User-Agents of phones' browsers and of link-preview fetchers.
const (
	iPhoneSafari  = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1"
	androidChrome = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Mobile Safari/537.36"
)

// app is a real Sillage server on a real SQLite file, behind httptest.
type app struct {
	t      *testing.T
	srv    *httptest.Server
	db     *storage.DB
	clock  *clocktest.Clock
	key    string        // a valid API key
	notify *notify.Store // the deliveries' store the server uses
}

func newApp(t *testing.T, maxUpload int64, options ...func(*web.Config)) *app {
	t.Helper()
	return newAppGate(t, maxUpload, nil, options...)
}

// newAppGate is newApp with the server's gating store wrapped by wrap
// (when not nil), for a test that must see or hold its calls.
func newAppGate(t *testing.T, maxUpload int64, wrap func(web.Gate) web.Gate, options ...func(*web.Config)) *app {
	t.Helper()
	db := dbtest.Open(t)
	clk := clocktest.New(time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC))
	dir := t.TempDir()
	keys := accounts.NewKeys(db, clk.Now)
	key, _, err := keys.Create(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	a := &app{t: t, db: db, clock: clk, key: key}
	a.srv = httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + a.srv.Listener.Addr().String())
	cfg := web.Config{
		BaseURL:   base,
		MaxUpload: maxUpload,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:       clk.Now,
		Ready:     db.Ready,
		Alerts:    storage.NewSecurityCounters(db),
	}
	for _, o := range options {
		o(&cfg)
	}
	campaigns, gate := campaign.NewStore(db, dir, clk.Now), gating.NewStore(db, clk.Now)
	campaigns.Watch(gate.Forget)
	// Bodies sealed as in production: a dump must show no queued link.
	a.notify = notify.NewStore(db, notify.Config{Now: clk.Now, BaseURL: base.String(), Logger: cfg.Logger,
		BodyKey: bytes.Repeat([]byte{42}, notify.BodyKeySize)})
	var g web.Gate = gate
	if wrap != nil {
		g = wrap(gate)
	}
	s, err := web.New(cfg, campaigns, g, keys, a.notify)
	if err != nil {
		t.Fatal(err)
	}
	a.srv.Config.Handler = conform(t, s.Handler()) // every API answer checked against web/openapi.json
	a.srv.Start()
	t.Cleanup(a.srv.Close)
	return a
}

// api calls the JSON API with the app's key and decodes the answer into
// out (when not nil). body may be nil, a string or a value to encode.
func (a *app) api(method, path string, body any, out any) int {
	a.t.Helper()
	return a.apiWith(a.key, "application/json", method, path, body, out)
}

func (a *app) apiWith(key, contentType, method, path string, body any, out any) int {
	a.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, a.srv.URL+path, r)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			a.t.Fatalf("%s %s: %d %s: %v", method, path, res.StatusCode, data, err)
		}
	}
	if res.Header.Get("Content-Type") == "application/json" && res.StatusCode >= 400 {
		var e struct{ Error string }
		if json.Unmarshal(data, &e); e.Error == "" {
			a.t.Errorf("%s %s: error %d without a message: %s", method, path, res.StatusCode, data)
		}
	}
	return res.StatusCode
}

// launch creates a live campaign whose content is body of type ct and
// returns its id.
func (a *app) launch(rules map[string]any, ct string, body []byte) int64 {
	a.t.Helper()
	var c struct{ ID int64 }
	req := map[string]any{
		"title":    "Le clip",
		"language": "fr",
		"teaser":   map[string]any{"title": "Un clip en avant-première", "description": "Seulement entre amis"},
	}
	if rules != nil {
		req["rules"] = rules
	}
	if st := a.api("POST", "/api/v1/campaigns", req, &c); st != http.StatusCreated {
		a.t.Fatalf("create campaign: %d", st)
	}
	if st := a.apiWith(a.key, ct, "PUT", path(c.ID, "/content"), body, nil); st != http.StatusOK {
		a.t.Fatalf("put content: %d", st)
	}
	if st := a.api("POST", path(c.ID, "/status"), map[string]string{"status": "live"}, nil); st != http.StatusOK {
		a.t.Fatalf("go live: %d", st)
	}
	return c.ID
}

// seeds mints n seed links and returns their URLs.
func (a *app) seeds(id int64, n, seats int) []string {
	a.t.Helper()
	var out struct {
		Links []struct {
			ID  int64
			URL string
		}
	}
	if st := a.api("POST", path(id, "/links"), map[string]any{"count": n, "channel": "link", "seats": seats}, &out); st != http.StatusCreated {
		a.t.Fatalf("mint seeds: %d", st)
	}
	urls := make([]string, len(out.Links))
	for i, l := range out.Links {
		urls[i] = l.URL
	}
	return urls
}

func (a *app) stats(id int64) map[string]any {
	a.t.Helper()
	var s map[string]any
	if st := a.api("GET", path(id, "/stats"), nil, &s); st != http.StatusOK {
		a.t.Fatalf("stats: %d", st)
	}
	return s
}

func path(id int64, rest string) string {
	return "/api/v1/campaigns/" + strconv.FormatInt(id, 10) + rest
}

// phone is one recipient's browser: its own cookie jar, a real
// User-Agent, and no automatic redirects so tests see every answer.
type phone struct {
	t      *testing.T
	client *http.Client
	ua     string
}

func newPhone(t *testing.T, ua string) *phone {
	jar, _ := cookiejar.New(nil)
	return &phone{t: t, ua: ua, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends a request the way the phone's browser would for a same-origin
// page and returns the status and body.
func (p *phone) do(method, u string, form url.Values, header http.Header) (*http.Response, string) {
	p.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	req.Header.Set("User-Agent", p.ua)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := p.client.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (p *phone) get(u string) (*http.Response, string) { return p.do("GET", u, nil, nil) }

// unlock posts the unlock form of link u.
func (p *phone) unlock(u string) (*http.Response, string) {
	return p.do("POST", u+"/unlock", url.Values{}, nil)
}

// forward asks for a child link on channel, as the page's script does.
func (p *phone) forward(u, channel string) (status int, link, share string) {
	p.t.Helper()
	res, body := p.do("POST", u+"/forward", url.Values{"channel": {channel}}, http.Header{"Accept": {"application/json"}})
	var out struct {
		URL   string `json:"url"`
		Share string `json:"share_url"`
	}
	json.Unmarshal([]byte(body), &out)
	return res.StatusCode, out.URL, out.Share
}
