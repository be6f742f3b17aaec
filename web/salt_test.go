package web_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/clocktest"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web"
	"github.com/sillage/sillage/web/accounts"
)

// instances starts n servers on one database, as n instances of
// "sillage serve" behind a proxy that names the client in X-Real-IP: each
// with stores of its own, one clock, one body key, and the network salt
// shared through the database.
func instances(t *testing.T, n int) []*app {
	t.Helper()
	db := dbtest.Open(t)
	clk := clocktest.New(time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC))
	dir := t.TempDir()
	key, _, err := accounts.NewKeys(db, clk.Now).Create(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	apps := make([]*app, n)
	for i := range apps {
		a := &app{t: t, db: db, clock: clk, key: key}
		a.srv = httptest.NewUnstartedServer(nil)
		base, _ := url.Parse("http://" + a.srv.Listener.Addr().String())
		campaigns, gate := campaign.NewStore(db, dir, clk.Now), gating.NewStore(db, clk.Now)
		campaigns.Watch(gate.Forget)
		a.notify = notify.NewStore(db, notify.Config{Now: clk.Now, BaseURL: base.String(), Logger: log,
			BodyKey: bytes.Repeat([]byte{42}, notify.BodyKeySize)})
		s, err := web.New(web.Config{
			BaseURL: base,
			Logger:  log,
			Now:     clk.Now,
			Limits:  web.Limits{ClientIPHeader: "X-Real-IP"},
			Salts:   a.notify.NetworkSalt,
		}, campaigns, gate, accounts.NewKeys(db, clk.Now), a.notify)
		if err != nil {
			t.Fatal(err)
		}
		a.srv.Config.Handler = conform(t, s.Handler())
		a.srv.Start()
		t.Cleanup(a.srv.Close)
		apps[i] = a
	}
	return apps
}

// The per-network cap of 10 views holds across two instances: one
// network's views through A and B count together, because both hash it
// with the day's salt from the database. The next day a new salt replaces
// the last in the one sealed row, and the network hashes anew.
func TestNetworkCapAcrossInstances(t *testing.T) {
	apps := instances(t, 2)
	a := apps[0]
	id := a.launch(map[string]any{"max_seats": 25}, "text/plain", []byte("hi"))
	link := a.seeds(id, 1, 25)[0]
	via := func(b *app) string { return strings.Replace(link, a.srv.URL, b.srv.URL, 1) }
	from := http.Header{"X-Real-Ip": {"198.51.100.7"}}
	views := make([]int, len(apps))
	for i := range 24 {
		res, _ := newPhone(t, androidChrome).do("POST", via(apps[i%2])+"/unlock", url.Values{}, from)
		switch res.StatusCode {
		case http.StatusSeeOther:
			views[i%2]++
		case http.StatusTooManyRequests:
		default:
			t.Fatalf("unlock %d: %d", i, res.StatusCode)
		}
	}
	if got, want := views[0]+views[1], 10; got != want || views[0] == 0 || views[1] == 0 {
		t.Errorf("one network got %d views through A and %d through B, %d in all; want %d in all", views[0], views[1], got, want)
	}
	var networks int
	a.db.Read.QueryRow(`SELECT COUNT(DISTINCT network) FROM claims WHERE campaign_id = $1`, id).Scan(&networks)
	if networks != 1 {
		t.Errorf("the claims hold %d networks, want 1", networks)
	}
	salt := func() (value string, expires int64) {
		t.Helper()
		rows, err := a.db.Read.Query(`SELECT value, expires_at FROM settings WHERE key LIKE '%salt%'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			rows.Scan(&value, &expires)
			n++
		}
		if n != 1 || !strings.HasPrefix(value, "sealed:v1:") {
			t.Fatalf("%d salt rows, the last %q; want one, sealed", n, value)
		}
		return value, expires
	}
	yesterday, _ := salt()

	a.clock.Advance(24 * time.Hour)
	if res, _ := newPhone(t, androidChrome).do("POST", via(apps[1])+"/unlock", url.Values{}, from); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the next day: %d", res.StatusCode)
	}
	today, expires := salt()
	if today == yesterday {
		t.Error("the salt row still holds yesterday's salt")
	}
	if want := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC).UnixMilli(); expires != want {
		t.Errorf("the salt expires at %v, want the end of the day, %v", time.UnixMilli(expires).UTC(), time.UnixMilli(want).UTC())
	}
	a.db.Read.QueryRow(`SELECT COUNT(DISTINCT network) FROM claims WHERE campaign_id = $1`, id).Scan(&networks)
	if networks != 2 {
		t.Errorf("the claims hold %d networks, want 2: the network hashed with the new day's salt", networks)
	}
}

// When the shared salt cannot be had (a full disk), requests are still
// served, hashed with the instance's own salt, and the instance asks
// again a minute later rather than on every request.
func TestNetworkSaltUnavailable(t *testing.T) {
	var calls atomic.Int64
	failing := func(context.Context, int64) ([32]byte, error) {
		calls.Add(1)
		return [32]byte{}, errors.New("database or disk is full")
	}
	a := newApp(t, 1<<20, withLimits(web.Limits{ClientIPHeader: "X-Real-IP"}), func(c *web.Config) { c.Salts = failing })
	id := a.launch(map[string]any{"max_seats": 25, "max_claims_per_network": 2}, "text/plain", []byte("hi"))
	link := a.seeds(id, 1, 25)[0]
	from := http.Header{"X-Real-Ip": {"198.51.100.7"}}
	var codes []int
	for range 3 {
		res, _ := newPhone(t, androidChrome).do("POST", link+"/unlock", url.Values{}, from)
		codes = append(codes, res.StatusCode)
	}
	if want := []int{http.StatusSeeOther, http.StatusSeeOther, http.StatusTooManyRequests}; !slices.Equal(codes, want) {
		t.Errorf("unlocks answered %v, want %v: the cap holds on the instance's own salt", codes, want)
	}
	if got := calls.Load(); got != 1 {
		t.Errorf("the salt was asked %d times within a minute, want 1", got)
	}
	a.clock.Advance(time.Minute)
	newPhone(t, androidChrome).do("POST", link+"/unlock", url.Values{}, from)
	if got := calls.Load(); got != 2 {
		t.Errorf("after a minute the salt was asked %d times in all, want 2", got)
	}
}
