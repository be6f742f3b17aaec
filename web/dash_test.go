package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/web"
)

// A fresh server sends the first visitor to the setup page, which makes
// the first account once, signs it in, and then is gone.
func TestDashboardSetupSignInSignOut(t *testing.T) {
	d := newDash(t)
	b := d.browser()
	if res, _ := b.get(d.srv.URL + "/campaigns"); res.StatusCode != http.StatusSeeOther || location(res) != "/login" {
		t.Fatalf("signed-out /campaigns: %d to %q, want /login", res.StatusCode, location(res))
	}
	if res, _ := b.get(d.srv.URL + "/login"); location(res) != "/setup" {
		t.Fatalf("/login with no account goes to %q, want /setup", location(res))
	}
	res, body := b.get(d.srv.URL + "/setup")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/setup: %d", res.StatusCode)
	}
	mustContain(t, body, `name="code"`, `name="email"`, `name="password"`, `<label for="password2">`)
	code := d.setupCode()

	t.Run("PasswordsDiffer", func(t *testing.T) {
		res, body := b.do("POST", d.srv.URL+"/setup", url.Values{"code": {code}, "email": {marketerEmail}, "password": {marketerPass}, "password2": {"something else"}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "The two passwords differ.") {
			t.Errorf("mismatch: %d", res.StatusCode)
		}
		if d.count("users") != 0 {
			t.Error("an account was written")
		}
	})
	t.Run("WeakPassword", func(t *testing.T) {
		res, body := b.do("POST", d.srv.URL+"/setup", url.Values{"code": {code}, "email": {marketerEmail}, "password": {"short"}, "password2": {"short"}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "at least 10 characters") {
			t.Errorf("weak password: %d", res.StatusCode)
		}
		mustContain(t, body, `value="`+marketerEmail+`"`) // what was typed stays
		if d.count("users") != 0 {
			t.Error("an account was written")
		}
	})

	planted := &http.Cookie{Name: "sillage_session", Value: "planted-by-an-attacker"}
	u, _ := url.Parse(d.srv.URL)
	b.client.Jar.SetCookies(u, []*http.Cookie{planted})
	res, _ = b.do("POST", d.srv.URL+"/setup", url.Values{"code": {code}, "email": {marketerEmail}, "password": {marketerPass}, "password2": {marketerPass}}, nil)
	if res.StatusCode != http.StatusSeeOther || location(res) != "/campaigns" {
		t.Fatalf("setup: %d to %q", res.StatusCode, location(res))
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "sillage_session" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value == planted.Value || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure {
		t.Fatalf("session cookie %+v: want a new token, HttpOnly, SameSite=Lax, Path=/, not Secure on http", cookie)
	}
	if res, _ := b.get(d.srv.URL + "/campaigns"); res.StatusCode != http.StatusOK {
		t.Fatalf("signed-in /campaigns: %d", res.StatusCode)
	}
	if dump := dbtest.Dump(t, d.db); bytes.Contains(dump, []byte(cookie.Value)) {
		t.Error("the session cookie's value is stored in the database")
	}
	if d.count("sessions") != 1 {
		t.Errorf("%d sessions stored, want 1", d.count("sessions"))
	}

	if res, _ := b.get(d.srv.URL + "/setup"); location(res) != "/login" {
		t.Errorf("/setup with an account goes to %q, want /login", location(res))
	}
	other := d.browser()
	other.do("POST", d.srv.URL+"/setup", url.Values{"code": {code}, "email": {"mallory@example.com"}, "password": {marketerPass}, "password2": {marketerPass}}, nil)
	if d.count("users") != 1 {
		t.Error("the setup page made a second account")
	}

	res, _ = b.do("POST", d.srv.URL+"/logout", url.Values{}, nil)
	if res.StatusCode != http.StatusSeeOther || location(res) != "/login" {
		t.Fatalf("logout: %d to %q", res.StatusCode, location(res))
	}
	if d.count("sessions") != 0 {
		t.Error("the session outlives the sign-out in the store")
	}
	if res, _ := b.get(d.srv.URL + "/campaigns"); location(res) != "/login" {
		t.Errorf("after sign-out /campaigns goes to %q, want /login", location(res))
	}
	// The old cookie, replayed, opens nothing.
	replay := d.browser()
	replay.client.Jar.SetCookies(u, []*http.Cookie{{Name: "sillage_session", Value: cookie.Value}})
	if res, _ := replay.get(d.srv.URL + "/campaigns"); location(res) != "/login" {
		t.Error("a signed-out session cookie still opens the dashboard")
	}
}

func TestDashboardSignIn(t *testing.T) {
	d := newDash(t)
	d.signedIn()
	b := d.browser()
	res, body := b.get(d.srv.URL + "/login")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/login: %d", res.StatusCode)
	}
	mustContain(t, body, `<form method="post" action="/login"`, `<label for="email">`, `<label for="password">`)
	res, body = b.do("POST", d.srv.URL+"/login", url.Values{"email": {marketerEmail}, "password": {"wrong password"}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Wrong email or password.") {
		t.Errorf("wrong password: %d", res.StatusCode)
	}
	res, body = b.do("POST", d.srv.URL+"/login", url.Values{"email": {"nobody@example.com"}, "password": {marketerPass}},
		http.Header{"Accept-Language": {"fr-FR,fr;q=0.9"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "E-mail ou mot de passe incorrect.") {
		t.Errorf("unknown email, in French: %d", res.StatusCode)
	}
	if res, _ := b.get(d.srv.URL + "/campaigns"); location(res) != "/login" {
		t.Error("a failed sign-in opened a session")
	}
}

// Failed sign-ins are limited per client network and email, and per
// client network: someone failing from one network is turned away, and
// the account's owner, from their own network, still signs in.
func TestDashboardSignInRateLimit(t *testing.T) {
	d := newDash(t, withLimits(web.Limits{ClientIPHeader: "X-Real-IP"}))
	d.signedIn()
	try := func(ip, email, password string) int {
		res, _ := d.browser().do("POST", d.srv.URL+"/login", url.Values{"email": {email}, "password": {password}},
			http.Header{"X-Real-Ip": {ip}})
		return res.StatusCode
	}
	t.Run("NoLockOutFromElsewhere", func(t *testing.T) {
		var codes []int
		for range 20 {
			codes = append(codes, try("203.0.113.7", marketerEmail, "wrong password"))
		}
		if got, want := fmt.Sprint(codes[4:7]), "[422 429 429]"; got != want || codes[19] != http.StatusTooManyRequests {
			t.Errorf("failures 5 to 7 from one network: %s, want %s, and 429 after", got, want)
		}
		if st := try("203.0.113.7", marketerEmail, marketerPass); st != http.StatusTooManyRequests {
			t.Errorf("the right password from the failing network: %d, want 429", st)
		}
		if st := try("198.51.100.99", marketerEmail, marketerPass); st != http.StatusSeeOther {
			t.Errorf("the owner from their own network: %d, want 303", st)
		}
	})
	t.Run("SuccessNotCounted", func(t *testing.T) {
		for i := range 4 {
			if st := try("192.0.2.44", marketerEmail, "wrong password"); st != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d: %d", i+1, st)
			}
		}
		for i := range 3 {
			if st := try("192.0.2.44", marketerEmail, marketerPass); st != http.StatusSeeOther {
				t.Fatalf("sign-in %d: %d", i+1, st)
			}
		}
		if st := try("192.0.2.44", marketerEmail, "wrong password"); st != http.StatusUnprocessableEntity {
			t.Errorf("fifth failure after three sign-ins: %d, want 422", st)
		}
		if st := try("192.0.2.44", marketerEmail, "wrong password"); st != http.StatusTooManyRequests {
			t.Errorf("sixth failure: %d, want 429", st)
		}
	})
	t.Run("LocalPerEmailOnly", func(t *testing.T) {
		local := func(email string) int {
			res, _ := d.browser().do("POST", d.srv.URL+"/login", url.Values{"email": {email}, "password": {"wrong password"}}, nil)
			return res.StatusCode
		}
		for i := range 25 { // no overall limit: a proxy without a header would share it
			if st := local("local" + strconv.Itoa(i) + "@example.com"); st != http.StatusUnprocessableEntity {
				t.Fatalf("local failure %d: %d", i+1, st)
			}
		}
		for range 5 {
			local("local@example.com")
		}
		if st := local("local@example.com"); st != http.StatusTooManyRequests {
			t.Errorf("sixth local failure for one email: %d, want 429", st)
		}
	})
	t.Run("PerNetwork", func(t *testing.T) {
		for i := range 20 {
			if st := try("198.51.100.7", "guess"+strconv.Itoa(i)+"@example.com", "wrong password"); st != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d: %d", i+1, st)
			}
		}
		if st := try("198.51.100.7", "another@example.com", "wrong password"); st != http.StatusTooManyRequests {
			t.Errorf("21st failure from one network: %d, want 429", st)
		}
		if st := try("198.51.100.8", "another@example.com", "wrong password"); st != http.StatusUnprocessableEntity {
			t.Errorf("another network: %d, want 422", st)
		}
	})
}

// Every dashboard page renders for a signed-in marketer, in English and
// in French.
func TestDashboardPagesRender(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	res, _ := b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(nil), nil)
	if res.StatusCode != http.StatusSeeOther || location(res) != "/campaigns/1?saved=1" {
		t.Fatalf("create: %d to %q", res.StatusCode, location(res))
	}
	for _, c := range []struct {
		path string
		want []string
	}{
		{"/campaigns", []string{"Le clip", `href="/campaigns/1"`, "Views", "Reach", "Max depth", "Draft", `data-poll="/campaigns/figures"`}},
		{"/campaigns/new", []string{`action="/campaigns/new"`, `<label for="title">`, `name="rules.seats_per_link" type="text" value="1"`}},
		{"/campaigns/1?saved=1", []string{"Saved.", `value="Le clip"`, `name="rules.send_for_me"`, `name="rules.revoke_leaks"`,
			`name="starts_at"`, `enctype="multipart/form-data"`, "<progress", `href="/campaigns/1/status?to=live"`}},
		{"/campaigns/1/status?to=ended", []string{`name="status" value="ended"`, "cannot be undone"}},
		{"/keys", []string{`<label for="name">`, "test"}},
	} {
		res, body := b.get(d.srv.URL + c.path)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", c.path, res.StatusCode)
			continue
		}
		mustContain(t, body, c.want...)
		mustContain(t, body, `<a class="skip" href="#main">`, marketerEmail, `action="/logout"`, `src="/static/dash.`)
		if strings.Contains(body, "<script>") || strings.Contains(body, `src="http`) || strings.Contains(body, `href="http`) {
			t.Errorf("GET %s: inline script or outside address", c.path)
		}
	}
	_, body := b.do("GET", d.srv.URL+"/campaigns", nil, http.Header{"Accept-Language": {"fr"}})
	mustContain(t, body, `<html lang="fr">`, "Campagnes", "Brouillon", "Vues")
	for _, asset := range []string{"/static/dash.css", "/static/dash.js"} {
		if res, _ := b.get(d.srv.URL + asset); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", asset, res.StatusCode)
		}
	}
}

// routes lists every dashboard route with a request body that would
// change something if it were let through.
var dashRoutes = []struct {
	method, path string
	form         url.Values
}{
	{"GET", "/campaigns", nil},
	{"GET", "/campaigns/new", nil},
	{"GET", "/campaigns/1", nil},
	{"GET", "/campaigns/1/status?to=live", nil},
	{"GET", "/keys", nil},
	{"POST", "/campaigns/new", campaignForm(map[string]string{"title": "Forged"})},
	{"POST", "/campaigns/1", campaignForm(map[string]string{"title": "Forged"})},
	{"POST", "/campaigns/1/content", url.Values{"type": {"text/plain"}, "text": {"forged"}}},
	{"POST", "/campaigns/1/status", url.Values{"status": {"ended"}}},
	{"POST", "/keys", url.Values{"name": {"forged"}}},
	{"POST", "/keys/1/revoke", url.Values{}},
}

// A signed-out request never reaches a dashboard page: pages redirect to
// /login, scripts get 401, and nothing is written.
func TestDashboardRefusesSignedOut(t *testing.T) {
	d := newDash(t)
	d.signedIn().do("POST", d.srv.URL+"/campaigns/new", campaignForm(nil), nil)
	before := dbtest.Dump(t, d.db)
	b := d.browser()
	for _, r := range dashRoutes {
		res, _ := b.do(r.method, d.srv.URL+r.path, r.form, nil)
		if res.StatusCode != http.StatusSeeOther || location(res) != "/login" {
			t.Errorf("%s %s signed out: %d to %q, want /login", r.method, r.path, res.StatusCode, location(res))
		}
		res, _ = b.do(r.method, d.srv.URL+r.path, r.form, http.Header{"Accept": {"application/json"}})
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s %s signed out, asking JSON: %d, want 401", r.method, r.path, res.StatusCode)
		}
	}
	if res, _ := b.do("GET", d.srv.URL+"/campaigns/figures", nil, http.Header{"Accept": {"application/json"}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("figures signed out: %d, want 401", res.StatusCode)
	}
	if !bytes.Equal(before, dbtest.Dump(t, d.db)) {
		t.Error("a signed-out request changed the database")
	}
}

// A form posted from another site is refused, signed in or not, and
// writes nothing: http.CrossOriginProtection guards every route.
func TestDashboardRefusesCrossSitePosts(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(nil), nil)
	before := dbtest.Dump(t, d.db)
	posts := []struct {
		path string
		form url.Values
	}{
		{"/login", url.Values{"email": {marketerEmail}, "password": {marketerPass}}},
		{"/logout", url.Values{}},
		{"/setup", url.Values{"email": {"mallory@example.com"}, "password": {marketerPass}, "password2": {marketerPass}}},
	}
	for _, r := range dashRoutes {
		if r.method == "POST" {
			posts = append(posts, struct {
				path string
				form url.Values
			}{r.path, r.form})
		}
	}
	for _, p := range posts {
		res, _ := b.do("POST", d.srv.URL+p.path, p.form, http.Header{"Sec-Fetch-Site": {"cross-site"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST %s: %d, want 403", p.path, res.StatusCode)
		}
		res, _ = b.do("POST", d.srv.URL+p.path, p.form, http.Header{"Sec-Fetch-Site": nil, "Origin": {"https://evil.example"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s from another origin: %d, want 403", p.path, res.StatusCode)
		}
	}
	if !bytes.Equal(before, dbtest.Dump(t, d.db)) {
		t.Error("a cross-site post changed the database")
	}
	if res, _ := b.get(d.srv.URL + "/campaigns"); res.StatusCode != http.StatusOK {
		t.Error("the cross-site logout signed the marketer out")
	}
}

// Bad input in a form comes back on the form with a clear message beside
// its field, what was typed kept, and nothing written.
func TestDashboardBadInput(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	// Each message in both languages: the field as the form names it,
	// numbers written the language's way.
	cases := []struct {
		name     string
		edits    map[string]string
		field    string
		want, fr string
	}{
		{"NoTitle", map[string]string{"title": "  "}, "title", "Title: is required", "Titre\u00a0: est obligatoire"},
		{"Language", map[string]string{"language": "de"}, "language", `Language: must be &#34;fr&#34; or &#34;en&#34;`, "Langue\u00a0: doit être « fr » ou « en »"},
		{"SeatsNotANumber", map[string]string{"rules.seats_per_link": "two"}, "rules.seats_per_link", "Seats per link: must be a whole number", "Places par lien\u00a0: doit être un nombre entier"},
		{"SeatsOverMax", map[string]string{"rules.seats_per_link": "30"}, "rules.seats_per_link", "must be between 1 and max_seats (25)", "doit être entre 1 et la taille du plus grand lien de groupe (25)"},
		{"NegativeForwards", map[string]string{"rules.forwards_per_claim": "-1"}, "rules.forwards_per_claim", "Forwards per recipient: must be between 0 and 1,000", "Partages par destinataire\u00a0: doit être entre 0 et 1\u202f000"},
		{"HugeLifetime", map[string]string{"rules.link_lifetime_hours": "99999999999999"}, "rules.link_lifetime_hours", "must be between 0 (no expiry) and 8,784", "doit être entre 0 (sans expiration) et 8\u202f784"},
		{"HugeDepth", map[string]string{"rules.max_depth": "99999999999"}, "rules.max_depth", "must be between 0 (no limit) and 100,000", "doit être entre 0 (sans limite) et 100\u202f000"},
		{"ViewCap", map[string]string{"rules.view_cap": "1.5"}, "rules.view_cap", "View cap: must be a whole number", "Plafond de vues\u00a0: doit être un nombre entier"},
		{"PerNetwork", map[string]string{"rules.max_claims_per_network": "-1"}, "rules.max_claims_per_network", "Views per network and day: must be between 0 (no cap) and 1,000,000", "Vues par réseau et par jour\u00a0: doit être entre 0 (sans plafond) et 1\u202f000\u202f000"},
		{"PerNetworkNotANumber", map[string]string{"rules.max_claims_per_network": "ten"}, "rules.max_claims_per_network", "Views per network and day: must be a whole number", "Vues par réseau et par jour\u00a0: doit être un nombre entier"},
		{"Countries", map[string]string{"rules.send_for_me_countries": "FR, France"}, "rules.send_for_me_countries", "Countries texted for recipients: must be two-letter country codes such as FR (not &#34;FRANCE&#34;)", "Pays où Sillage envoie des SMS\u00a0: doit être des codes de pays à deux lettres, comme FR (pas &#34;FRANCE&#34;)"},
		{"BadDate", map[string]string{"starts_at": "tomorrow"}, "starts_at", "Opens at: must be a date and time", "Ouverture\u00a0: doit être une date et une heure"},
		{"EndsBeforeStart", map[string]string{"starts_at": "2026-12-02T20:00", "ends_at": "2026-12-01T20:00"}, "ends_at", "Ends at: must be after starts_at", "Fin\u00a0: doit venir après l&#39;ouverture"},
		{"ImageURL", map[string]string{"teaser.image_url": "http://example.com/a.png"}, "teaser.image_url", "Preview image address: must be an https:// URL", "Adresse de l&#39;image d&#39;aperçu\u00a0: doit être une adresse https://"},
	}
	for _, c := range cases {
		t.Run("Create"+c.name, func(t *testing.T) {
			res, body := b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(c.edits), nil)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%d, want 422", res.StatusCode)
			}
			mustContain(t, body, c.want, `id="`+c.field+`-error"`, "Nothing was saved")
			if d.count("campaigns") != 0 {
				t.Error("a campaign was written")
			}
			for k, v := range c.edits {
				if k != "language" && !strings.Contains(body, `value="`+v+`"`) && !strings.Contains(body, ">"+v+"<") {
					t.Errorf("the typed %s %q is not shown back", k, v)
				}
			}
		})
	}
	for _, c := range cases {
		t.Run("French"+c.name, func(t *testing.T) {
			res, body := b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(c.edits), http.Header{"Accept-Language": {"fr-FR,fr;q=0.9"}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%d, want 422", res.StatusCode)
			}
			mustContain(t, body, c.fr, `id="`+c.field+`-error"`, "Rien n&#39;a été enregistré")
		})
	}
	if res, _ := b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(nil), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	saved := dbtest.Dump(t, d.db)
	for _, c := range cases {
		t.Run("Edit"+c.name, func(t *testing.T) {
			res, body := b.do("POST", d.srv.URL+"/campaigns/1", campaignForm(c.edits), nil)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%d, want 422", res.StatusCode)
			}
			mustContain(t, body, c.want, `aria-invalid="true"`)
		})
	}
	t.Run("GoLiveWithoutContent", func(t *testing.T) {
		res, body := b.do("POST", d.srv.URL+"/campaigns/1/status", url.Values{"status": {"live"}}, nil)
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("%d, want 409", res.StatusCode)
		}
		mustContain(t, body, "Add content before going live.")
	})
	t.Run("UnsupportedFile", func(t *testing.T) {
		res, body := upload(t, b, d.srv.URL+"/campaigns/1/content", "clip.exe", "application/octet-stream", []byte("MZ"))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "is not supported") {
			t.Errorf("%d %s, want 422 and why", res.StatusCode, body)
		}
	})
	t.Run("KeyWithoutName", func(t *testing.T) {
		res, body := b.do("POST", d.srv.URL+"/keys", url.Values{"name": {" "}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%d, want 422", res.StatusCode)
		}
		mustContain(t, body, "Give the key a name")
	})
	t.Run("NoSuchCampaign", func(t *testing.T) {
		for _, p := range []string{"/campaigns/99", "/campaigns/x", "/campaigns/99/status?to=live"} {
			if res, _ := b.get(d.srv.URL + p); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
			}
		}
	})
	if !bytes.Equal(saved, dbtest.Dump(t, d.db)) {
		t.Error("bad input changed the database")
	}
}

// upload posts a file the way dash.js does: multipart, asking for JSON.
func upload(t *testing.T, b *phone, u, name, ct string, data []byte) (*http.Response, string) {
	return postFile(t, b, u, "file", name, ct, data, http.Header{"Accept": {"application/json"}})
}

// postFile posts data as the file field of a multipart form.
func postFile(t *testing.T, b *phone, u, field, name, ct string, data []byte, header http.Header) (*http.Response, string) {
	t.Helper()
	return postMultipart(b, u, nil, field, name, ct, data, header)
}

// postMultipart posts a multipart form the way a browser does: fields,
// then the file part (an empty part without a name when name is "").
func postMultipart(b *phone, u string, fields url.Values, field, name, ct string, data []byte, header http.Header) (*http.Response, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+field+`"; filename="`+name+`"`)
	h.Set("Content-Type", ct)
	part, _ := mw.CreatePart(h)
	part.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", u, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("User-Agent", b.ua)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(res.Body)
	return res, out.String()
}

// From the browser alone: create, upload, edit, go live through the
// confirmation, and watch the list's figures move when someone unlocks.
func TestDashboardLaunch(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(map[string]string{"rules.forwards_per_claim": "3", "rules.send_for_me": "1"}), nil)

	res, body := upload(t, b, d.srv.URL+"/campaigns/1/content", "clip.mp4", "video/mp4", bytes.Repeat([]byte{0, 0, 0, 0x18}, 1000))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"location":"/campaigns/1?saved=1"`) {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}
	_, body = b.get(d.srv.URL + "/campaigns/1")
	mustContain(t, body, "clip.mp4", "video/mp4", "4 KiB", `name="rules.send_for_me" type="checkbox" value="1" checked`)

	res, _ = b.do("POST", d.srv.URL+"/campaigns/1", campaignForm(map[string]string{"title": "Le clip, version longue", "starts_at": "2026-11-23T19:00"}), nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	var c struct {
		Title    string
		StartsAt time.Time `json:"starts_at"`
		Rules    struct {
			ForwardsPerClaim int  `json:"forwards_per_claim"`
			SendForMe        bool `json:"send_for_me"`
		}
		Content struct{ Kind string }
	}
	d.api("GET", path(1, ""), nil, &c)
	if c.Title != "Le clip, version longue" || !c.StartsAt.Equal(time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)) ||
		c.Rules.ForwardsPerClaim != 10 || c.Rules.SendForMe || c.Content.Kind != "video" {
		t.Errorf("after the save the API shows %+v", c)
	}

	res, body = b.do("POST", d.srv.URL+"/campaigns/1/content", url.Values{"type": {"text/markdown"}, "text": {"# Bonjour"}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("text content: %d %s", res.StatusCode, body)
	}
	_, body = b.get(d.srv.URL + "/campaigns/1/status?to=live")
	mustContain(t, body, "Go live?")
	if res, _ := b.do("POST", d.srv.URL+"/campaigns/1/status", url.Values{"status": {"live"}}, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("go live: %d", res.StatusCode)
	}
	_, body = b.get(d.srv.URL + "/campaigns/1")
	mustContain(t, body, `class="state live"`, `?to=paused`, `?to=ended`)

	figures := func() map[string]any {
		_, body := b.do("GET", d.srv.URL+"/campaigns/figures", nil, http.Header{"Accept": {"application/json"}})
		var out struct{ Campaigns []map[string]any }
		if err := json.Unmarshal([]byte(body), &out); err != nil || len(out.Campaigns) != 1 {
			t.Fatalf("figures: %s", body)
		}
		return out.Campaigns[0]
	}
	if f := figures(); f["views"] != 0.0 || f["state"] != "live" {
		t.Errorf("figures before any unlock: %v", f)
	}
	link := d.seeds(1, 1, 1)[0]
	p := newPhone(t, iPhoneSafari)
	if res, _ := p.unlock(link); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock: %d", res.StatusCode)
	}
	_, child, _ := p.forward(link, "whatsapp")
	newPhone(t, androidChrome).unlock(child)
	if f := figures(); f["views"] != 2.0 || f["reach"] != 2.0 || f["max_depth"] != 2.0 {
		t.Errorf("figures after two unlocks: %v", f)
	}
}

func TestDashboardKeys(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	res, body := b.do("POST", d.srv.URL+"/keys", url.Values{"name": {"zapier"}}, nil)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create key: %d", res.StatusCode)
	}
	i := strings.Index(body, `value="sil_`)
	if i < 0 {
		t.Fatal("the new key is not shown")
	}
	key := body[i+len(`value="`):]
	key = key[:strings.IndexByte(key, '"')]
	if st := d.apiWith(key, "", "GET", "/api/v1/campaigns", nil, nil); st != http.StatusOK {
		t.Fatalf("the new key: %d", st)
	}
	if _, body := b.get(d.srv.URL + "/keys"); strings.Contains(body, key) {
		t.Error("the key is shown again")
	}
	res, _ = b.do("POST", d.srv.URL+"/keys/2/revoke", url.Values{}, nil)
	if res.StatusCode != http.StatusSeeOther || location(res) != "/keys" {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if st := d.apiWith(key, "", "GET", "/api/v1/campaigns", nil, nil); st != http.StatusUnauthorized {
		t.Errorf("the revoked key: %d, want 401", st)
	}
	if res, _ := b.do("POST", d.srv.URL+"/keys/2/revoke", url.Values{}, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("revoking twice: %d, want 404", res.StatusCode)
	}
	if n, _ := d.users.Count(context.Background()); n != 1 {
		t.Errorf("%d accounts", n)
	}
}

// The editor sets the rules on networks and countries, shows them back,
// and a form without them (from before they existed) leaves them alone.
func TestDashboardNetworkRules(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	if res, _ := b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(nil), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	_, page := b.get(d.srv.URL + "/campaigns/1")
	mustContain(t, page, `id="rules.max_claims_per_network" name="rules.max_claims_per_network" type="text" value="10"`,
		`id="rules.send_for_me_countries" name="rules.send_for_me_countries" type="text" value=""`)
	form := campaignForm(map[string]string{"rules.max_claims_per_network": "25", "rules.send_for_me_countries": "fr be"})
	if res, _ := b.do("POST", d.srv.URL+"/campaigns/1", form, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	if res, _ := b.do("POST", d.srv.URL+"/campaigns/1", campaignForm(nil), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save without the fields: %d", res.StatusCode)
	}
	_, page = b.get(d.srv.URL + "/campaigns/1")
	mustContain(t, page, `name="rules.max_claims_per_network" type="text" value="25"`, `name="rules.send_for_me_countries" type="text" value="FR, BE"`)
	var got struct {
		Cap       int
		Countries string
	}
	if err := d.db.Read.QueryRow(`SELECT max_claims_per_network, send_for_me_countries FROM campaigns WHERE id = 1`).Scan(&got.Cap, &got.Countries); err != nil {
		t.Fatal(err)
	}
	if got.Cap != 25 || got.Countries != "FR,BE" {
		t.Errorf("stored %+v, want 25 and FR,BE", got)
	}
}
