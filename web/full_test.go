package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/notify/notifytest"
	"github.com/sillage/sillage/web/auth"
)

// answer is what a request got back.
type answer struct {
	status int
	header http.Header
	body   string
}

// TestFullDiskAcknowledgesNothing drives every write of the API, the
// dashboard and the recipient's way (Twilio's signed callbacks aside: they
// share the API's error mapping) while the disk refuses writes: none
// answers 2xx (or a redirect that means done), each says 503 with
// Retry-After, /readyz says 503, and the database is exactly as before.
// Once space returns, without a restart, /readyz is 200 and the same
// request succeeds.
func TestFullDiskAcknowledgesNothing(t *testing.T) {
	if !dbtest.Alone(t) {
		return
	}
	d := newDash(t)
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
	if _, _, err := auth.NewKeys(d.db, d.clock.Now).Create(ctx, "to revoke"); err != nil {
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
	cases := []struct {
		name string
		do   func() answer
		want int // once space is back
	}{
		{"APICampaignCreate", api("POST", "/api/v1/campaigns", "application/json",
			`{"title":"Nouveau","language":"fr","teaser":{"title":"T","description":"D"}}`), 201},
		{"APICampaignPatch", api("PATCH", path(draft.ID, "/"), "application/json", `{"title":"Renommé"}`), 200},
		{"APIContentPut", api("PUT", path(draft.ID, "/content"), "text/plain", "Un texte"), 200},
		{"APIContentFile", api("PUT", path(draft.ID, "/content"), "application/pdf", "%PDF-1.4 tiny"), 200},
		{"APIStatus", api("POST", path(draft.ID, "/status"), "application/json", `{"status":"live"}`), 200},
		{"APILinksMint", api("POST", path(live, "/links"), "application/json", `{"count":1,"channel":"link","seats":1}`), 201},
		{"APILinkRevoke", api("DELETE", path(live, "/links/"+id(spare.ID, 10)), "", ""), 204},
		{"APIContactsImport", api("POST", path(live, "/contacts"), "text/csv", "name,email\nCy,cy@example.com\n"), 201},
		{"APITemplatePut", api("PUT", path(live, "/templates/sms/fr"), "application/json", `{"text":"Pour toi : {{.Link}}"}`), 200},
		{"APITemplateReset", api("DELETE", path(live, "/templates/sms/fr"), "", ""), 204},
		{"APISend", api("POST", path(live, "/sends"), "application/json", ""), 202},
		{"APIContactErase", api("DELETE", "/api/v1/contacts/"+id(contact, 10), "", ""), 204},
		{"RecipientForward", func() answer {
			res, body := alice.do("POST", seed+"/forward", url.Values{"channel": {"sms"}}, http.Header{"Accept": {"application/json"}})
			return answer{res.StatusCode, res.Header, body}
		}, 201},
		{"RecipientSendForMe", form(alice, seed+"/send", url.Values{"to": {"zed@example.com"}}, nil), 303},
		{"RecipientUnlock", form(bob, seed+"/unlock", url.Values{}, nil), 303},
		{"RecipientUnsubscribe", func() answer { return d.request("POST", unsubscribe, "application/x-www-form-urlencoded", "", nil) }, 200},
		{"APIRelease", api("POST", path(live, "/claims/"+id(claim, 10)+"/release"), "", ""), 200},
		{"DashCampaignCreate", dash("/campaigns/new", campaignForm(nil)), 303},
		{"DashCampaignSave", dash("/campaigns/"+id(draft.ID, 10), campaignForm(map[string]string{"title": "Encore"})), 303},
		{"DashKeyCreate", dash("/keys", url.Values{"name": {"zapier"}}), 201},
		{"DashKeyRevoke", dash("/keys/2/revoke", url.Values{}), 303},
		{"DashRelease", func() answer { // bob's seat, taken above
			var bobs int64
			d.db.Read.QueryRow(`SELECT MAX(id) FROM claims`).Scan(&bobs)
			return dash(livePath(live, "/claims/release"), url.Values{"claim": {id(bobs, 10)}, "confirm": {"yes"}})()
		}, 303},
		{"DashContent", dash("/campaigns/"+id(draft.ID, 10)+"/content", url.Values{"type": {"text/plain"}, "text": {"Bonjour"}}), 303},
		{"DashMint", dash(livePath(live, "/links"), url.Values{"count": {"1"}, "channel": {"link"}, "format": {"csv"}}), 200},
		{"DashLinkRevoke", dash(livePath(live, "/links/"+id(minted.Links[1].ID, 10)+"/revoke"), url.Values{"confirm": {"yes"}}), 303},
		{"DashImport", dash(livePath(live, "/contacts"), url.Values{"csv": {"name,email\nDi,di@example.com\n"}}), 200},
		{"DashSend", dash(livePath(live, "/sends"), url.Values{}), 200},
		{"DashTemplateSave", dash(livePath(live, "/templates/sms/fr"), url.Values{"text": {"Pour toi : {{.Link}}"}}), 303},
		{"DashTemplateReset", dash(livePath(live, "/templates/sms/fr/reset"), url.Values{"confirm": {"1"}}), 303},
		{"DashContactErase", func() answer {
			var first int64
			d.db.Read.QueryRow(`SELECT MIN(id) FROM contacts`).Scan(&first)
			return dash(livePath(live, "/contacts/"+id(first, 10)+"/erase"), url.Values{"confirm": {"1"}})()
		}, 303},
		{"DashSignIn", form(d.browser(), d.srv.URL+"/login", url.Values{"email": {marketerEmail}, "password": {marketerPass}}, nil), 303},
		{"DashSignOut", form(leaving, d.srv.URL+"/logout", url.Values{}, nil), 303},
		{"DashStatus", dash(livePath(live, "/status"), url.Values{"status": {"paused"}}), 303}, // last: the campaign stops
	}
	t.Run("ReadsServed", func(t *testing.T) {
		restore := dbtest.Full(t)
		defer restore()
		for name, do := range map[string]func() answer{
			"APICampaigns": api("GET", "/api/v1/campaigns", "", ""),
			"Content": func() answer {
				res, body := alice.get(seed)
				return answer{res.StatusCode, res.Header, body}
			},
			"PreviewTeaser": func() answer { // its preview is not recorded, the teaser still shows
				return d.request("GET", seed, "", "", http.Header{"User-Agent": {"WhatsApp/2.23.20.0"}})
			},
			"Dashboard": func() answer {
				res, body := b.get(d.srv.URL + "/campaigns")
				return answer{res.StatusCode, res.Header, body}
			},
		} {
			if got := do(); got.status != http.StatusOK {
				t.Errorf("%s on a full disk: %d, want 200", name, got.status)
			}
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := dbtest.Dump(t, d.db)
			restore := dbtest.Full(t)
			got := c.do()
			ready := d.request("GET", d.srv.URL+"/readyz", "", "", nil)
			after := dbtest.Dump(t, d.db) // reads work on a full disk
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
