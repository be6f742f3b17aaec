package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sillage/sillage/web"
)

// alertsAt reads GET /api/v1/alerts of the server at base.
func (d *dashApp) alertsAt(base string) (guesses, unlocks int64, since string) {
	d.t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/alerts", nil)
	req.Header.Set("Authorization", "Bearer "+d.key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer res.Body.Close()
	var a struct {
		Guesses int64  `json:"guessing_bursts"`
		Unlocks int64  `json:"limited_unlocks"`
		Since   string `json:"since"`
	}
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil || res.StatusCode != http.StatusOK {
		d.t.Fatalf("alerts at %s: %d %v", base, res.StatusCode, err)
	}
	return a.Guesses, a.Unlocks, a.Since
}

// The security counters of several instances on one database add up:
// each counts in memory and adds its counts to the database when it
// flushes, and /alerts of any instance answers the sum of the database
// and its own counts not yet flushed. A restart keeps them, and they
// cover the last seven days.
func TestAlertsAcrossInstances(t *testing.T) {
	d := newDash(t, withLimits(web.Limits{Unlocks: 1, FailedLookups: 2, Window: time.Minute, ClientIPHeader: "X-Real-IP"}))
	a, aURL := d.server, d.srv.URL
	b, bURL := d.instanceServer()
	id := d.launch(nil, "text/plain", []byte("hi"))
	link := strings.TrimPrefix(d.seeds(id, 1, 1)[0], aURL)
	guess := func(base, ip string) { // two misses: a burst
		for i := range 2 {
			newPhone(t, androidChrome).do("GET", fmt.Sprintf("%s/s/AAAAAAAAAAAAAAAAAAAAA%c", base, 'A'+i), nil, http.Header{"X-Real-Ip": {ip}})
		}
	}
	guess(aURL, "198.51.100.1")
	guess(bURL, "198.51.100.2")
	for range 2 { // a view, then a limited unlock
		newPhone(t, androidChrome).do("POST", bURL+link+"/unlock", url.Values{}, http.Header{"X-Real-Ip": {"192.0.2.1"}})
	}
	want := func(base string, guesses, unlocks int64) {
		t.Helper()
		if g, u, _ := d.alertsAt(base); g != guesses || u != unlocks {
			t.Errorf("alerts at %s: %d bursts, %d limited unlocks; want %d and %d", base, g, u, guesses, unlocks)
		}
	}
	// Each knows its own counts at once.
	want(aURL, 1, 0)
	want(bURL, 1, 1)
	flush := func(s *web.Server) {
		t.Helper()
		if err := s.FlushAlerts(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	flush(b)
	want(aURL, 2, 1)
	want(bURL, 1, 1)
	flush(a)
	flush(b) // nothing new: nothing added twice
	want(aURL, 2, 1)
	want(bURL, 2, 1)

	// A restarted instance starts from the database.
	_, cURL := d.instanceServer()
	want(cURL, 2, 1)
	_, body := d.signedIn().get(aURL + "/alerts")
	mustContain(t, body, `data-field="guessing_bursts" data-value="2">2</dd>`, `data-field="limited_unlocks" data-value="1">1</dd>`,
		"in the last seven days, since Nov 17, 2026 00:00 UTC")

	// Seven days on, today's counts have left the window.
	d.clock.Advance(6 * 24 * time.Hour)
	want(cURL, 2, 1)
	d.clock.Advance(24 * time.Hour)
	want(cURL, 0, 0)
	if _, _, since := d.alertsAt(cURL); since != "2026-11-24T00:00:00Z" {
		t.Errorf("since %s, want the start of the oldest day counted, 2026-11-24T00:00:00Z", since)
	}
}

// failingAlerts is an AlertStore whose Add fails while fail is set.
type failingAlerts struct {
	mu   sync.Mutex
	fail bool
	sums map[string]int64
}

func (f *failingAlerts) Add(_ context.Context, _ int64, deltas map[string]int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return errors.New("disk full")
	}
	for k, v := range deltas {
		f.sums[k] += v
	}
	return nil
}

func (f *failingAlerts) Sum(context.Context, int64) (map[string]int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sums, nil
}

// A flush that fails keeps the counts for the next one: none is lost,
// none counted twice.
func TestAlertFlushFailureKeepsCounts(t *testing.T) {
	store := &failingAlerts{fail: true, sums: map[string]int64{}}
	d := newDash(t, withLimits(web.Limits{FailedLookups: 1, Window: time.Minute, ClientIPHeader: "X-Real-IP"}),
		func(c *web.Config) { c.Alerts = store })
	newPhone(t, androidChrome).do("GET", d.srv.URL+"/s/AAAAAAAAAAAAAAAAAAAAAA", nil, http.Header{"X-Real-Ip": {"198.51.100.1"}})
	if err := d.server.FlushAlerts(context.Background()); err == nil {
		t.Fatal("FlushAlerts on a failing store: no error")
	}
	if g, _, _ := d.alertsAt(d.srv.URL); g != 1 {
		t.Errorf("after a failed flush: %d bursts, want 1", g)
	}
	store.mu.Lock()
	store.fail = false
	store.mu.Unlock()
	if err := d.server.FlushAlerts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if g, _, _ := d.alertsAt(d.srv.URL); g != 1 || store.sums["guessing_bursts"] != 1 {
		t.Errorf("after the next flush: %d bursts, %d stored; want 1 and 1", g, store.sums["guessing_bursts"])
	}
}
