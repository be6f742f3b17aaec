package web_test

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/web"
)

// public are the route prefixes anyone may reach: the recipient's pages,
// unsubscribing, Twilio's signed callbacks, the sign-in pages and assets,
// and the API's description (its one route that needs no key).
var public = []string{"/s/", "/u/", "/hooks/", "/static/", "/healthz", "/readyz", "/favicon.ico", "/login", "/logout", "/setup", "/api/v1/openapi.json"}

// bypass are the routes, as the router spells them, that a secret in the
// request authorises rather than a browser session, so a cross-site post
// passes the origin check; each is then refused by its own check when the
// secret is wrong: Twilio's signature, the unsubscribe token.
var bypass = map[string]int{
	"POST /hooks/twilio/status":  http.StatusForbidden,
	"POST /hooks/twilio/inbound": http.StatusForbidden,
	"POST /u/{token}":            http.StatusNotFound,
}

// Every route the router knows, found by walking it rather than listed by
// hand, so that a new page cannot be added unguarded: signed out, an API
// route answers 401 and a dashboard page sends the browser to /login (or
// 401 to a script); a cross-site form post to any route but the few that a
// secret in the request authorises is refused; and nothing is written.
func TestEveryRouteGuarded(t *testing.T) {
	d := newDash(t)
	owner := d.signedIn()
	owner.do("POST", d.srv.URL+"/campaigns/new", campaignForm(nil), nil)
	routes, err := web.Routes(d.server)
	if err != nil {
		t.Fatal(err)
	}
	params := regexp.MustCompile(`\{[a-z]+\}`)
	before := dbtest.Dump(t, d.db)
	stranger := d.browser()
	var dash, api int
	seen := map[string]bool{}
	for _, rt := range routes {
		method, route := rt[0], rt[1]
		path := params.ReplaceAllStringFunc(route, func(p string) string {
			switch p {
			case "{channel}":
				return "email"
			case "{language}":
				return "fr"
			}
			return "1"
		})
		url := d.srv.URL + path
		isPublic := false
		for _, p := range public {
			isPublic = isPublic || strings.HasPrefix(route, p)
		}
		switch {
		case isPublic:
		case strings.HasPrefix(route, "/api/"):
			api++
			if res, _ := stranger.do(method, url, nil, nil); res.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s without a key: %d, want 401", method, path, res.StatusCode)
			}
		default:
			dash++
			if res, _ := stranger.do(method, url, nil, nil); res.StatusCode != http.StatusSeeOther || location(res) != "/login" {
				t.Errorf("%s %s signed out: %d to %q, want /login", method, path, res.StatusCode, location(res))
			}
			if res, _ := stranger.do(method, url, nil, http.Header{"Accept": {"application/json"}}); res.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s signed out, asking JSON: %d, want 401", method, path, res.StatusCode)
			}
		}
		if method == "GET" || method == "HEAD" || method == "OPTIONS" {
			continue
		}
		// The signed-in owner's browser, tricked by another site (the
		// methods a browser deems safe are not checked).
		res, body := owner.do(method, url, nil, http.Header{"Sec-Fetch-Site": {"cross-site"}})
		byOrigin := res.StatusCode == http.StatusForbidden && strings.Contains(body, "cross-origin request")
		if want, ok := bypass[method+" "+route]; ok {
			seen[method+" "+route] = true
			if byOrigin || res.StatusCode != want {
				t.Errorf("cross-site %s %s without its secret: %d %q, want %d from its own check", method, path, res.StatusCode, body, want)
			}
			continue
		}
		if !byOrigin {
			t.Errorf("cross-site %s %s: %d %q, want 403 from the origin check", method, path, res.StatusCode, body)
		}
	}
	for r := range bypass {
		if !seen[r] {
			t.Errorf("%s is not a route: the bypass list is out of date", r)
		}
	}
	if dash < 10 || api < 20 {
		t.Errorf("walked %d dashboard and %d API routes: the walk missed some", dash, api)
	}
	if !bytes.Equal(before, dbtest.Dump(t, d.db)) {
		t.Error("an unauthenticated or cross-site request changed the database")
	}
}
