package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/web"
)

func withLimits(l web.Limits) func(*web.Config) {
	return func(c *web.Config) { c.Limits = l }
}

// Scripted unlocks from one network are cut off with a clear 429 page.
func TestUnlockRateLimit(t *testing.T) {
	a := newApp(t, 1<<20, withLimits(web.Limits{Unlocks: 3, Window: time.Minute, ClientIPHeader: "X-Real-IP"}))
	id := a.launch(map[string]any{"max_seats": 10}, "text/plain", []byte("hi"))
	link := a.seeds(id, 1, 10)[0]
	unlock := func(ip string) (*http.Response, string) {
		return newPhone(t, androidChrome).do("POST", link+"/unlock", url.Values{}, http.Header{"X-Real-Ip": {ip}})
	}
	for i := range 3 {
		if res, _ := unlock("192.0.2.1"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("unlock %d: %d", i+1, res.StatusCode)
		}
	}
	// A local tool (or a proxy not declared trusted) is not limited.
	if res, _ := newPhone(t, androidChrome).unlock(link); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("loopback unlock: %d", res.StatusCode)
	}
	res, body := unlock("192.0.2.1")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many attempts") {
		t.Fatalf("fourth unlock: %d Retry-After=%q\n%s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	if st := a.stats(id); st["views"] != 4.0 {
		t.Errorf("views = %v, want 4", st["views"])
	}
	var alerts map[string]any
	a.api("GET", "/api/v1/alerts", nil, &alerts)
	if alerts["limited_unlocks"] != 1.0 {
		t.Errorf("alerts = %v, want 1 limited unlock", alerts)
	}
}

// Guessing tokens: failed look-ups are limited, and the burst is counted.
func TestTokenGuessingLimited(t *testing.T) {
	a := newApp(t, 1<<20, withLimits(web.Limits{FailedLookups: 5, Window: time.Minute, ClientIPHeader: "X-Forwarded-For"}))
	id := a.launch(nil, "text/plain", []byte("hi"))
	link := a.seeds(id, 1, 1)[0]
	guesser := newPhone(t, androidChrome)
	from := func(ip string) http.Header { return http.Header{"X-Forwarded-For": {"203.0.113.9, " + ip}} }
	codes := map[int]int{}
	for i := range 8 {
		res, _ := guesser.do("GET", fmt.Sprintf("%s/s/AAAAAAAAAAAAAAAAAAAAA%c", a.srv.URL, 'A'+i), nil, from("198.51.100.7"))
		codes[res.StatusCode]++
	}
	if codes[http.StatusNotFound] != 5 || codes[http.StatusTooManyRequests] != 3 {
		t.Errorf("answers = %v, want five 404 then 429s", codes)
	}
	// The guesser is locked out of real links too, for the window.
	if res, _ := guesser.do("GET", link, nil, from("198.51.100.7")); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("guesser on a real link: %d, want 429", res.StatusCode)
	}
	// Another network is not.
	if res, _ := newPhone(t, iPhoneSafari).do("GET", link, nil, from("198.51.100.8")); res.StatusCode != http.StatusOK {
		t.Errorf("another network: %d, want 200", res.StatusCode)
	}
	// Phones of one IPv6 subscriber (one /64) share a bucket.
	if res, _ := guesser.do("GET", link, nil, from("2001:db8:1:2::1")); res.StatusCode != http.StatusOK {
		t.Errorf("fresh IPv6 network: %d, want 200", res.StatusCode)
	}
	var alerts map[string]any
	a.api("GET", "/api/v1/alerts", nil, &alerts)
	if alerts["guessing_bursts"] != 1.0 {
		t.Errorf("alerts = %v, want 1 guessing burst", alerts)
	}
	if n := countInDatabase(t, a, "198.51.100"); n != 0 {
		t.Errorf("client address stored %d times", n)
	}
}

func TestLeaksAndReleaseAPI(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(map[string]any{"revoke_leaks": true}, "text/plain", []byte("hi"))
	link := a.seeds(id, 1, 1)[0]
	owner := newPhone(t, iPhoneSafari)
	owner.unlock(link)
	for range 2 {
		newPhone(t, androidChrome).unlock(link)
	}
	var leaks struct {
		Leaks []struct {
			Link    int64
			Seats   int
			Refused int `json:"refused_devices"`
			Revoked bool
		}
	}
	if st := a.api("GET", path(id, "/leaks"), nil, &leaks); st != http.StatusOK || len(leaks.Leaks) != 1 ||
		leaks.Leaks[0].Refused != 2 || !leaks.Leaks[0].Revoked {
		t.Fatalf("leaks: %d %+v; want one revoked link refused to 2 devices", st, leaks)
	}
	// The owner keeps the content of the revoked link.
	if _, body := owner.get(link); !strings.Contains(body, "Partager en privé") {
		t.Error("the owner lost the content when the leaked link was revoked")
	}

	var tree struct{ Nodes []struct{ ID int64 } }
	a.api("GET", path(id, "/tree"), nil, &tree)
	claim := tree.Nodes[0].ID
	if st := a.api("POST", path(id, fmt.Sprintf("/claims/%d/release", claim)), nil, nil); st != http.StatusOK {
		t.Fatalf("release: %d", st)
	}
	if st := a.api("POST", path(id, fmt.Sprintf("/claims/%d/release", claim)), nil, nil); st != http.StatusConflict {
		t.Errorf("second release: %d, want 409", st)
	}
	for _, bad := range []string{"/claims/999/release", "/claims/x/release", "/claims/-1/release"} {
		if st := a.api("POST", path(id, bad), nil, nil); st != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", bad, st)
		}
	}
	if res, _ := owner.get(link + "/media"); res.StatusCode == http.StatusOK {
		t.Error("the released device still reaches the content")
	}
}

// Behind https, every response asks for HSTS and the device cookie is
// Secure; over plain http neither is sent (a browser would drop the
// cookie on a local demo).
func TestHTTPSHeadersAndSecureCookie(t *testing.T) {
	for _, https := range []bool{true, false} {
		a := newApp(t, 1<<20, func(c *web.Config) {
			if https {
				c.BaseURL, _ = url.Parse("https://share.example.com")
			}
		})
		id := a.launch(nil, "text/plain", []byte("hi"))
		links := a.seeds(id, 1, 1)
		link := a.srv.URL + links[0][strings.Index(links[0], "/s/"):]
		res, _ := newPhone(t, androidChrome).unlock(link)
		hsts := res.Header.Get("Strict-Transport-Security")
		secure := strings.Contains(res.Header.Get("Set-Cookie"), "Secure")
		if hsts != "" != https || secure != https {
			t.Errorf("https=%v: HSTS %q, Secure cookie %v", https, hsts, secure)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP %q", csp)
		}
	}
}
