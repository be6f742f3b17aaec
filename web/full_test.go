package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/notify/notifytest"
	"github.com/sillage/sillage/web"
	"github.com/sillage/sillage/web/accounts"
)

// answer is what a request got back.
type answer struct {
	status int
	header http.Header
	body   string
}

// TestFullDiskAcknowledgesNothing drives every write of the API, the
// dashboard, the recipient's way and Twilio's signed callbacks while the
// disk refuses writes: none
// answers 2xx (or a redirect that means done), each says 503 with
// Retry-After, /readyz says 503, and the database is exactly as before.
// Once space returns, without a restart, /readyz is 200 and the same
// request succeeds. The router is walked: a write route without its case
// here fails the test.
func TestFullDiskAcknowledgesNothing(t *testing.T) {
	dbtest.SQLiteOnly(t, "a full disk under the database file")
	if !dbtest.Alone(t) {
		return
	}
	const twilioToken = "twilio-auth-token"
	d := newDash(t, func(c *web.Config) { c.TwilioAuthToken = twilioToken })
	d.db.SetReadyEvery(time.Nanosecond) // probe on every /readyz
	b := d.signedIn()
	ctx := context.Background()

	// A live campaign with two seed links, one unlocked by a phone, two
	// contacts and a draft to edit.
	live := d.launch(map[string]any{"send_for_me": true, "forwards_per_claim": 5}, "text/plain", []byte("Le secret"))
	var minted struct {
		Links []struct {
			ID  int64
			URL string
		}
	}
	if st := d.api("POST", path(live, "/links"), map[string]any{"count": 3, "channel": "link", "seats": 2}, &minted); st != http.StatusCreated {
		t.Fatalf("mint: %d", st)
	}
	seed, spare := minted.Links[0].URL, minted.Links[2]
	alice := newPhone(t, iPhoneSafari)
	if res, _ := alice.unlock(seed); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock: %d", res.StatusCode)
	}
	if st, _ := d.importContacts(live, "text/csv", "", "name,email\nAda,ada@example.com\nBob,bob@example.com\n"); st != http.StatusCreated {
		t.Fatalf("import: %d", st)
	}
	d.send(live)
	unsubscribe := d.unsubscribeLink(notifytest.NewSMTPServer(t, notifytest.SMTPOptions{}), "ada@example.com")
	var draft struct{ ID int64 }
	if st := d.api("POST", "/api/v1/campaigns", map[string]any{"title": "Brouillon", "language": "fr",
		"teaser": map[string]any{"title": "Bientôt", "description": "Patience"}}, &draft); st != http.StatusCreated {
		t.Fatalf("draft: %d", st)
	}
	var claim, contact int64
	d.db.Read.QueryRow(`SELECT id FROM claims`).Scan(&claim)
	d.db.Read.QueryRow(`SELECT id FROM contacts ORDER BY id DESC LIMIT 1`).Scan(&contact)
	if _, _, err := accounts.NewKeys(d.db, d.clock.Now).Create(ctx, "to revoke"); err != nil {
		t.Fatal(err)
	}

	api := func(method, p, ct, body string) func() answer {
		return func() answer {
			return d.request(method, d.srv.URL+p, ct, body, http.Header{"Authorization": {"Bearer " + d.key}})
		}
	}
	form := func(p *phone, u string, f url.Values, h http.Header) func() answer {
		return func() answer {
			res, body := p.do("POST", u, f, h)
			return answer{res.StatusCode, res.Header, body}
		}
	}
	bob, leaving := newPhone(t, androidChrome), d.signedIn()
	dash := func(p string, f url.Values) func() answer { return form(b, d.srv.URL+p, f, nil) }
	id := strconv.FormatInt
	fresh := newDash(t) // no account yet: its setup page makes the first
	code := fresh.setupCode()
	png := string(mediatest.PNG(nil))
	const vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour\n"
	multipart := func(p, field, name, ct, data string) func() answer {
		return func() answer {
			res, body := postFile(t, b, d.srv.URL+p, field, name, ct, []byte(data), nil)
			return answer{res.StatusCode, res.Header, body}
		}
	}
	// The mint form's one-time key: a mint the full disk refused leaves it
	// good for the same form once space is back.
	_, seeding := b.get(d.srv.URL + livePath(live, "/seeding"))
	key := mintKey(t, seeding)
	// Twilio's signed callbacks: a STOP, and the status of a sent SMS.
	twilio := func(p string, f url.Values) func() answer {
		return func() answer {
			sig := notifytest.TwilioSignature(twilioToken, d.srv.URL+p, f)
			return d.request("POST", d.srv.URL+p, "application/x-www-form-urlencoded", f.Encode(), http.Header{"X-Twilio-Signature": {sig}})
		}
	}
	if _, err := d.db.Write.Exec(`UPDATE messages SET status = 'sent', provider_id = 'SMfull' WHERE id = (SELECT MIN(id) FROM messages)`); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		route, name string // route: the method and pattern it writes through
		do          func() answer
		want        int // once space is back
	}{
		{"POST /api/v1/campaigns", "APICampaignCreate", api("POST", "/api/v1/campaigns", "application/json",
			`{"title":"Nouveau","language":"fr","teaser":{"title":"T","description":"D"}}`), 201},
		{"PATCH /api/v1/campaigns/{id}/", "APICampaignPatch", api("PATCH", path(draft.ID, "/"), "application/json", `{"title":"Renommé"}`), 200},
		{"PUT /api/v1/campaigns/{id}/content", "APIContentPut", api("PUT", path(draft.ID, "/content"), "text/plain", "Un texte"), 200},
		{"PUT /api/v1/campaigns/{id}/content", "APIContentFile", api("PUT", path(draft.ID, "/content"), "application/pdf", "%PDF-1.4 tiny"), 200},
		{"POST /api/v1/campaigns/{id}/status", "APIStatus", api("POST", path(draft.ID, "/status"), "application/json", `{"status":"live"}`), 200},
		{"POST /api/v1/campaigns/{id}/links", "APILinksMint", api("POST", path(live, "/links"), "application/json", `{"count":1,"channel":"link","seats":1}`), 201},
		{"DELETE /api/v1/campaigns/{id}/links/{link}", "APILinkRevoke", api("DELETE", path(live, "/links/"+id(spare.ID, 10)), "", ""), 204},
		{"POST /api/v1/campaigns/{id}/contacts", "APIContactsImport", api("POST", path(live, "/contacts"), "text/csv", "name,email\nCy,cy@example.com\n"), 201},
		{"PUT /api/v1/campaigns/{id}/templates/{channel}/{language}", "APITemplatePut", api("PUT", path(live, "/templates/sms/fr"), "application/json", `{"text":"Pour toi : {{.Link}}"}`), 200},
		{"DELETE /api/v1/campaigns/{id}/templates/{channel}/{language}", "APITemplateReset", api("DELETE", path(live, "/templates/sms/fr"), "", ""), 204},
		{"POST /api/v1/campaigns/{id}/sends", "APISend", api("POST", path(live, "/sends"), "application/json", ""), 202},
		{"DELETE /api/v1/contacts/{contact}", "APIContactErase", api("DELETE", "/api/v1/contacts/"+id(contact, 10), "", ""), 204},
		{"POST /s/{token}/forward", "RecipientForward", func() answer {
			res, body := alice.do("POST", seed+"/forward", url.Values{"channel": {"sms"}}, http.Header{"Accept": {"application/json"}})
			return answer{res.StatusCode, res.Header, body}
		}, 201},
		{"POST /s/{token}/send", "RecipientSendForMe", form(alice, seed+"/send", url.Values{"to": {"zed@example.com"}}, nil), 303},
		{"POST /s/{token}/unlock", "RecipientUnlock", form(bob, seed+"/unlock", url.Values{}, nil), 303},
		{"POST /u/{token}", "RecipientUnsubscribe", func() answer { return d.request("POST", unsubscribe, "application/x-www-form-urlencoded", "", nil) }, 200},
		{"POST /api/v1/campaigns/{id}/claims/{claim}/release", "APIRelease", api("POST", path(live, "/claims/"+id(claim, 10)+"/release"), "", ""), 200},
		{"POST /campaigns/new", "DashCampaignCreate", dash("/campaigns/new", campaignForm(nil)), 303},
		{"POST /campaigns/{id}", "DashCampaignSave", dash("/campaigns/"+id(draft.ID, 10), campaignForm(map[string]string{"title": "Encore"})), 303},
		{"POST /keys", "DashKeyCreate", dash("/keys", url.Values{"name": {"zapier"}}), 201},
		{"POST /keys/{key}/revoke", "DashKeyRevoke", dash("/keys/2/revoke", url.Values{}), 303},
		{"POST /campaigns/{id}/claims/release", "DashRelease", func() answer { // bob's seat, taken above
			var bobs int64
			d.db.Read.QueryRow(`SELECT MAX(id) FROM claims`).Scan(&bobs)
			return dash(livePath(live, "/claims/release"), url.Values{"claim": {id(bobs, 10)}, "confirm": {"yes"}})()
		}, 303},
		{"POST /campaigns/{id}/content", "DashContent", dash("/campaigns/"+id(draft.ID, 10)+"/content", url.Values{"type": {"text/plain"}, "text": {"Bonjour"}}), 303},
		{"POST /campaigns/{id}/links", "DashMint", dash(livePath(live, "/links"), url.Values{"count": {"1"}, "channel": {"link"}, "format": {"csv"}}), 200},
		{"POST /campaigns/{id}/links/{link}/revoke", "DashLinkRevoke", dash(livePath(live, "/links/"+id(minted.Links[1].ID, 10)+"/revoke"), url.Values{"confirm": {"yes"}}), 303},
		{"POST /campaigns/{id}/contacts", "DashImport", dash(livePath(live, "/contacts"), url.Values{"csv": {"name,email\nDi,di@example.com\n"}}), 200},
		{"POST /campaigns/{id}/sends", "DashSend", dash(livePath(live, "/sends"), url.Values{}), 200},
		{"POST /campaigns/{id}/templates/{channel}/{language}", "DashTemplateSave", dash(livePath(live, "/templates/sms/fr"), url.Values{"text": {"Pour toi : {{.Link}}"}}), 303},
		{"POST /campaigns/{id}/templates/{channel}/{language}/reset", "DashTemplateReset", dash(livePath(live, "/templates/sms/fr/reset"), url.Values{"confirm": {"1"}}), 303},
		{"POST /campaigns/{id}/contacts/{contact}/erase", "DashContactErase", func() answer {
			var first int64
			d.db.Read.QueryRow(`SELECT MIN(id) FROM contacts`).Scan(&first)
			return dash(livePath(live, "/contacts/"+id(first, 10)+"/erase"), url.Values{"confirm": {"1"}})()
		}, 303},
		{"POST /login", "DashSignIn", form(d.browser(), d.srv.URL+"/login", url.Values{"email": {marketerEmail}, "password": {marketerPass}}, nil), 303},
		{"POST /logout", "DashSignOut", form(leaving, d.srv.URL+"/logout", url.Values{}, nil), 303},
		{"PUT /api/v1/campaigns/{id}/teaser/image", "APITeaserImage", api("PUT", path(draft.ID, "/teaser/image"), "image/png", png), 200},
		{"PUT /api/v1/campaigns/{id}/captions", "APICaptionsPut", api("PUT", path(draft.ID, "/captions"), "text/vtt", vtt), 200},
		{"DELETE /api/v1/campaigns/{id}/captions", "APICaptionsDelete", api("DELETE", path(draft.ID, "/captions"), "", ""), 200},
		{"POST /campaigns/{id}/teaser/image", "DashTeaserImage", multipart("/campaigns/"+id(draft.ID, 10)+"/teaser/image", "image", "t.png", "image/png", png), 303},
		{"POST /campaigns/{id}/captions", "DashCaptions", multipart("/campaigns/"+id(draft.ID, 10)+"/captions", "captions", "c.vtt", "text/vtt", vtt), 303},
		{"POST /campaigns/{id}/captions", "DashCaptionsRemove", dash("/campaigns/"+id(draft.ID, 10)+"/captions", url.Values{"remove": {"1"}}), 303},
		{"POST /campaigns/{id}/links", "DashMintPage", dash(livePath(live, "/links"), url.Values{"count": {"1"}, "channel": {"link"}, "format": {"page"}, "key": {key}}), 201},
		{"POST /setup", "DashSetup", form(fresh.browser(), fresh.srv.URL+"/setup",
			url.Values{"code": {code}, "email": {marketerEmail}, "password": {marketerPass}, "password2": {marketerPass}}, nil), 303},
		{"POST /hooks/twilio/inbound", "TwilioStop", twilio("/hooks/twilio/inbound", url.Values{"From": {"+33612345678"}, "Body": {"STOP"}, "MessageSid": {"SMin"}}), 200},
		{"POST /hooks/twilio/status", "TwilioStatus", twilio("/hooks/twilio/status", url.Values{"MessageSid": {"SMfull"}, "MessageStatus": {"delivered"}}), 200},
		{"POST /campaigns/{id}/status", "DashStatus", dash(livePath(live, "/status"), url.Values{"status": {"paused"}}), 303}, // last: the campaign stops
	}
	// Every route that is not a GET is a write, and has its case above,
	// unless it is one of these: the router is walked, so that a write
	// route added later cannot be forgotten here.
	notWrites := map[string]string{
		"POST /campaigns/{id}/templates/{channel}/{language}/preview": "renders the form's wording, saves nothing (served on a full disk, below)",
	}
	routes, err := web.Routes(d.server)
	if err != nil {
		t.Fatal(err)
	}
	known, covered := map[string]bool{}, map[string]bool{}
	for _, c := range cases {
		covered[c.route] = true
	}
	for _, rt := range routes {
		route := rt[0] + " " + rt[1]
		known[route] = true
		if rt[0] == "GET" || rt[0] == "HEAD" || strings.HasPrefix(rt[1], "/static/") {
			continue
		}
		if _, ok := notWrites[route]; !ok && !covered[route] {
			t.Errorf("%s: a write route without its full-disk case", route)
		}
	}
	for route := range covered {
		if !known[route] {
			t.Errorf("case for %s: no such route", route)
		}
	}
	for route := range notWrites {
		if !known[route] {
			t.Errorf("%s is listed as no write: no such route", route)
		}
	}

	t.Run("ReadsServed", func(t *testing.T) {
		restore := dbtest.Full(t)
		defer restore()
		for name, do := range map[string]func() answer{
			"APICampaigns": api("GET", "/api/v1/campaigns", "", ""),
			"APIStats":     api("GET", path(live, "/stats"), "", ""),
			"APITree":      api("GET", path(live, "/tree"), "", ""),
			"APIExport":    api("GET", path(live, "/export?format=graphml"), "", ""),
			"DashTree": func() answer {
				res, body := b.get(d.srv.URL + livePath(live, "/tree.json"))
				return answer{res.StatusCode, res.Header, body}
			},
			"Content": func() answer {
				res, body := alice.get(seed)
				return answer{res.StatusCode, res.Header, body}
			},
			"PreviewTeaser": func() answer { // its preview is not recorded, the teaser still shows
				return d.request("GET", seed, "", "", http.Header{"User-Agent": {"WhatsApp/2.23.20.0"}})
			},
			"TemplatePreview": dash(livePath(live, "/templates/email/fr/preview"), url.Values{"subject": {"Salut"}, "text": {"Pour toi : {{.Link}}"}, "html": {"<p>Pour toi : {{.Link}}</p>"}}),
			"Dashboard": func() answer {
				res, body := b.get(d.srv.URL + "/campaigns")
				return answer{res.StatusCode, res.Header, body}
			},
		} {
			if got := do(); got.status != http.StatusOK {
				t.Errorf("%s on a full disk: %d, want 200: %.300s", name, got.status, got.body)
			}
		}
	})
	// Every page and API read, found by walking the router, is served
	// on a full disk: none answers 503 or 500.
	t.Run("EveryReadServed", func(t *testing.T) {
		params := regexp.MustCompile(`\{[a-z]+\}`)
		value := map[string]string{"{id}": id(live, 10), "{token}": seed[strings.LastIndex(seed, "/")+1:],
			"{link}": id(spare.ID, 10), "{claim}": id(claim, 10), "{contact}": id(contact, 10),
			"{channel}": "email", "{language}": "fr", "{key}": "1"}
		restore := dbtest.Full(t)
		defer restore()
		for _, rt := range routes {
			if rt[0] != "GET" || strings.Contains(rt[1], "*") {
				continue
			}
			p := params.ReplaceAllStringFunc(rt[1], func(p string) string { return value[p] })
			var got answer
			switch {
			case strings.HasPrefix(p, "/api/"):
				got = api("GET", p, "", "")()
			case strings.HasPrefix(p, "/s/"):
				res, body := alice.get(d.srv.URL + p)
				got = answer{res.StatusCode, res.Header, body}
			default:
				res, body := b.get(d.srv.URL + p)
				got = answer{res.StatusCode, res.Header, body}
			}
			if got.status >= 500 && !(p == "/readyz" && got.status == http.StatusServiceUnavailable) {
				t.Errorf("GET %s on a full disk: %d: %.200s", p, got.status, got.body)
			}
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := d.db
			if c.name == "DashSetup" {
				db = fresh.db
			}
			before := dbtest.Dump(t, db)
			restore := dbtest.Full(t)
			got := c.do()
			ready := d.request("GET", d.srv.URL+"/readyz", "", "", nil)
			after := dbtest.Dump(t, db) // reads work on a full disk
			restore()

			if got.status != http.StatusServiceUnavailable || got.header.Get("Retry-After") == "" {
				t.Errorf("on a full disk: %d, Retry-After %q: %.200s; want 503 and Retry-After", got.status, got.header.Get("Retry-After"), got.body)
			}
			if !strings.Contains(got.body, "try again") && !strings.Contains(got.body, "réessa") {
				t.Errorf("on a full disk, the answer does not say to try again: %.300s", got.body)
			}
			if ready.status != http.StatusServiceUnavailable {
				t.Errorf("/readyz on a full disk: %d, want 503", ready.status)
			}
			if !bytes.Equal(before, after) {
				t.Error("the database changed on a full disk")
			}

			if ready := d.request("GET", d.srv.URL+"/readyz", "", "", nil); ready.status != http.StatusOK {
				t.Errorf("/readyz once space is back: %d, want 200", ready.status)
			}
			if got := c.do(); got.status != c.want {
				t.Errorf("once space is back: %d, want %d: %.300s", got.status, c.want, got.body)
			}
		})
	}
}

// request sends one request with the given body and headers.
func (a *app) request(method, u, contentType, body string, header http.Header) answer {
	a.t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, string(data)}
}
