package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/web"
)

var french = http.Header{"Accept-Language": {"fr-FR,fr;q=0.9"}}

// cells returns every value of the domain's tables by table, row and
// column. Random hashes show as their length only, so that two servers
// that did the same things hold the same cells; the dashboard's own
// accounts and sessions are left out.
func (d *dashApp) cells() map[string]string {
	d.t.Helper()
	out := map[string]string{}
	dbtest.EachRow(d.t, d.db, func(table string, rowid int64, cols []string, vals []any) {
		for i, v := range vals {
			s := fmt.Sprint(v)
			if b, ok := v.([]byte); ok {
				s = fmt.Sprintf("<%d bytes>", len(b))
			}
			out[fmt.Sprintf("%s[%d].%s", table, rowid, cols[i])] = s
		}
	}, "users", "sessions")
	return out
}

// changes lists the cells that differ between two snapshots.
func changes(before, after map[string]string) []string {
	var out []string
	for k, v := range after {
		if old, ok := before[k]; !ok {
			out = append(out, k+": + "+v)
		} else if old != v {
			out = append(out, k+": "+old+" → "+v)
		}
	}
	for k, v := range before {
		if _, ok := after[k]; !ok {
			out = append(out, k+": "+v+" −")
		}
	}
	slices.Sort(out)
	return out
}

// twin is a second server where liveCampaign happened the same way, so
// that the dashboard's action on one and the API's on the other can be
// compared cell by cell.
func twin(t *testing.T) *dashApp {
	d := newDash(t)
	liveCampaign(d)
	return d
}

// Each leak alert of the live view has its revoke button; the
// confirmation says what revoking does, in both languages; once confirmed
// the dashboard writes what the API's DELETE writes, and the live view
// says it was done.
func TestDashRevokeLeak(t *testing.T) {
	d := newDash(t)
	id, _ := liveCampaign(d) // seed link 2 was refused to two phones
	b := d.signedIn()
	_, body := b.get(d.srv.URL + livePath(id, "/live"))
	mustContain(t, body, `<td class="num">2</td>`+"\n"+
		`<td><a class="button danger small" href="/campaigns/1/links/2/revoke" aria-label="Revoke link #2">Revoke</a></td></tr>`)

	res, body := b.get(d.srv.URL + livePath(id, "/links/2/revoke"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("confirmation: %d", res.StatusCode)
	}
	mustContain(t, body, "<title>Revoke link #2? · Sillage</title>", "<h1>Revoke link #2?</h1>",
		"<dt>Channel</dt><dd>Link or QR code</dd>", "<dt>Sent by</dt><dd>seed link</dd>",
		"<dt>Minted</dt><dd>Nov 23, 2026 20:00 UTC</dd>", "<dt>Opened</dt><dd>1</dd>", "<dt>Phones refused</dt><dd>2</dd>",
		"Nobody new can open it", "The phones that already opened it, and the person who sent it, keep the content",
		`<form method="post" action="/campaigns/1/links/2/revoke">`, `<input type="hidden" name="confirm" value="yes">`,
		`>Revoke link #2</button>`, `<a class="button" href="/campaigns/1/live">Cancel</a>`,
		`<a href="/campaigns/1/live" aria-current="page">Live</a>`)
	_, body = b.do("GET", d.srv.URL+livePath(id, "/links/2/revoke"), nil, french)
	mustContain(t, body, `<html lang="fr">`, "<h1>Révoquer le lien n°\u00a02 ?</h1>", "<dt>Envoyé par</dt><dd>lien de départ</dd>",
		"Plus personne de nouveau ne peut l&#39;ouvrir", "gardent le contenu", ">Révoquer le lien n°\u00a02</button>", ">Annuler</a>")

	// The same revocation through the API, on a twin server.
	api := twin(t)
	before := api.cells()
	if st := api.api("DELETE", path(id, "/links/2"), nil, nil); st != http.StatusNoContent {
		t.Fatalf("API revoke: %d", st)
	}
	want := changes(before, api.cells())

	before = d.cells()
	res, _ = b.do("POST", d.srv.URL+livePath(id, "/links/2/revoke"), url.Values{"confirm": {"yes"}}, nil)
	if res.StatusCode != http.StatusSeeOther || location(res) != "/campaigns/1/live" {
		t.Fatalf("revoke: %d to %q, want 303 to the live view", res.StatusCode, location(res))
	}
	got := changes(before, d.cells())
	if len(got) != 1 || !strings.HasPrefix(got[0], "links[2].revoked_at: <nil> → ") || !slices.Equal(got, want) {
		t.Errorf("the dashboard wrote\n%q\nthe API\n%q\nwant the link's revoked_at alone", got, want)
	}

	_, body = b.get(d.srv.URL + livePath(id, "/live"))
	mustContain(t, body, `<p class="notice" role="status">Link #2 is revoked: nobody new can open it. The phones that had opened it keep the content.</p>`,
		`<td><span class="revoked">Revoked</span></td></tr>`)
	if strings.Contains(body, "/links/2/revoke") {
		t.Error("the revoked link still has its button")
	}
	if _, body = b.get(d.srv.URL + livePath(id, "/live")); strings.Contains(body, `class="notice"`) {
		t.Error("the notice is shown twice")
	}
	// The live view's refreshed sections say it too.
	_, body = b.do("GET", d.srv.URL+livePath(id, "/live.json"), nil, http.Header{"Accept": {"application/json"}})
	mustContain(t, body, `\u003cspan class=\"revoked\"\u003eRevoked\u003c/span\u003e`)

	// Asking again is refused, and writes nothing.
	dump := dbtest.Dump(t, d.db)
	res, body = b.get(d.srv.URL + livePath(id, "/links/2/revoke"))
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Link #2 is already revoked.") {
		t.Errorf("confirmation of a revoked link: %d, want 409 and why", res.StatusCode)
	}
	res, body = b.do("POST", d.srv.URL+livePath(id, "/links/2/revoke"), url.Values{"confirm": {"yes"}}, nil)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Link #2 is already revoked.") {
		t.Errorf("revoking twice: %d, want 409 and why", res.StatusCode)
	}
	if !bytes.Equal(dump, dbtest.Dump(t, d.db)) {
		t.Error("revoking twice changed the database")
	}

	// The holder keeps the content, newcomers see an unknown link: as the
	// API's revocation.
	var leaks struct{ Leaks []struct{ Revoked bool } }
	if d.api("GET", path(id, "/leaks"), nil, &leaks); len(leaks.Leaks) != 1 || !leaks.Leaks[0].Revoked {
		t.Errorf("API leaks after the dashboard's revocation: %+v", leaks)
	}
}

// A link that is not the campaign's, a malformed one, a missing
// confirmation: a clear message, a 4xx, and nothing written.
func TestDashRevokeRefuses(t *testing.T) {
	d := newDash(t)
	id, _ := liveCampaign(d)
	other := d.launch(nil, "text/plain", []byte("autre"))
	d.seeds(other, 1, 1) // link 6
	b := d.signedIn()
	before := dbtest.Dump(t, d.db)
	for _, c := range []struct {
		name, path string
		status     int
		want       string
	}{
		{"Unknown", livePath(id, "/links/99/revoke"), http.StatusNotFound, "There is no link #99 in this campaign."},
		{"OtherCampaign", livePath(id, "/links/6/revoke"), http.StatusNotFound, "There is no link #6 in this campaign."},
		{"NotANumber", livePath(id, "/links/x/revoke"), http.StatusNotFound, "There is no such link in this campaign."},
		{"Zero", livePath(id, "/links/0/revoke"), http.StatusNotFound, "There is no such link in this campaign."},
		{"Negative", livePath(id, "/links/-2/revoke"), http.StatusNotFound, "There is no such link in this campaign."},
		{"Huge", livePath(id, "/links/99999999999999999999/revoke"), http.StatusNotFound, "There is no such link in this campaign."},
		{"UnknownCampaign", "/campaigns/99/links/2/revoke", http.StatusNotFound, "This campaign does not exist."},
		{"BadCampaign", "/campaigns/x/links/2/revoke", http.StatusNotFound, "This campaign does not exist."},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, method := range []string{"GET", "POST"} {
				res, body := b.do(method, d.srv.URL+c.path, url.Values{"confirm": {"yes"}}, nil)
				if res.StatusCode != c.status || !strings.Contains(body, c.want) {
					t.Errorf("%s: %d, want %d and %q", method, res.StatusCode, c.status, c.want)
				}
			}
		})
	}
	t.Run("French", func(t *testing.T) {
		res, body := b.do("POST", d.srv.URL+livePath(id, "/links/6/revoke"), url.Values{"confirm": {"yes"}}, french)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "Il n&#39;y a pas de lien n°\u00a06 dans cette campagne.") {
			t.Errorf("%d, want 404 in French", res.StatusCode)
		}
	})
	t.Run("Unconfirmed", func(t *testing.T) {
		for _, form := range []url.Values{{}, {"confirm": {"no"}}, {"confirm": {""}}} {
			res, body := b.do("POST", d.srv.URL+livePath(id, "/links/2/revoke"), form, nil)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("confirm=%q: %d, want 422", form.Get("confirm"), res.StatusCode)
			}
			mustContain(t, body, `<p class="error" role="alert">Nothing was revoked: confirm with the button below.</p>`,
				`<form method="post" action="/campaigns/1/links/2/revoke">`)
		}
	})
	t.Run("JSON", func(t *testing.T) {
		res, body := b.do("POST", d.srv.URL+livePath(id, "/links/99/revoke"), url.Values{"confirm": {"yes"}}, http.Header{"Accept": {"application/json"}})
		if res.StatusCode != http.StatusNotFound || !strings.Contains(body, `"error":"There is no link #99 in this campaign."`) {
			t.Errorf("%d %s, want a 404 JSON error", res.StatusCode, body)
		}
	})
	if !bytes.Equal(before, dbtest.Dump(t, d.db)) {
		t.Error("a refused revocation changed the database")
	}
	if res, _ := d.browser().do("POST", d.srv.URL+livePath(id, "/links/2/revoke"), url.Values{"confirm": {"yes"}}, nil); res.StatusCode != http.StatusSeeOther || location(res) != "/login" {
		t.Errorf("signed out: %d to %q, want /login", res.StatusCode, location(res))
	}
}

// The live view's form frees a seat as the API's release does, for the
// person's number written as the dashboard writes it, and says so.
func TestDashRelease(t *testing.T) {
	d := newDash(t)
	id, _ := liveCampaign(d) // claim 2 is B, who opened link 3
	b := d.signedIn()
	_, body := b.get(d.srv.URL + livePath(id, "/live"))
	mustContain(t, body, `<h2 id="release-title">A recipient changed phone?</h2>`,
		`<form method="post" action="/campaigns/1/claims/release" novalidate>`,
		`<label for="claim">The person&#39;s number</label>`, `<input id="claim" name="claim" value=""`,
		`<input type="checkbox" id="release-confirm" name="confirm" value="yes" required>`,
		`<label for="release-confirm">I understand: the phone that opened it loses access to the content at once.</label>`,
		`<button type="submit" class="danger">Free the seat</button>`)
	_, body = b.do("GET", d.srv.URL+livePath(id, "/live"), nil, french)
	mustContain(t, body, "Un destinataire a changé de téléphone ?", "Libérer la place", "12 pour Personne\u00a012.")

	api := twin(t)
	before := api.cells()
	if st := api.api("POST", path(id, "/claims/2/release"), nil, nil); st != http.StatusOK {
		t.Fatalf("API release: %d", st)
	}
	want := changes(before, api.cells())

	device := func() (h []byte) {
		d.db.Read.QueryRow(`SELECT device_hash FROM claims WHERE id = 2`).Scan(&h)
		return h
	}
	old := device()
	before = d.cells()
	res, _ := b.do("POST", d.srv.URL+livePath(id, "/claims/release"), url.Values{"claim": {" n°\u00a02 "}, "confirm": {"yes"}}, french)
	if res.StatusCode != http.StatusSeeOther || location(res) != "/campaigns/1/live" {
		t.Fatalf("release: %d to %q, want 303 to the live view", res.StatusCode, location(res))
	}
	got := changes(before, d.cells())
	if len(got) < 4 || !slices.Equal(got, want) {
		t.Errorf("the dashboard wrote\n%q\nthe API\n%q", got, want)
	}
	if bytes.Equal(old, device()) {
		t.Error("the old phone was not cut off")
	}
	for _, w := range []string{"claims[2].released_at: <nil> → ", "links[3].claimed: 1 → 0", "links[3].released: 0 → 1", "seat_releases[1].claim_id: + 2"} {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
			t.Errorf("the release lacks %q", w)
		}
	}
	_, body = b.do("GET", d.srv.URL+livePath(id, "/live"), nil, french)
	mustContain(t, body, `<p class="notice" role="status">La place de Personne`+"\u00a0"+`2 est libre : le téléphone qui l&#39;occupait a perdu l&#39;accès.`)

	// Once free, it cannot be freed again until a phone takes it.
	dump := dbtest.Dump(t, d.db)
	res, body = b.do("POST", d.srv.URL+livePath(id, "/claims/release"), url.Values{"claim": {"#2"}, "confirm": {"yes"}}, nil)
	if res.StatusCode != http.StatusConflict {
		t.Errorf("second release: %d, want 409", res.StatusCode)
	}
	mustContain(t, body, `<p class="field-error" id="claim-error" role="alert">The seat of Person`+"\u00a0"+`2 is already free: no phone has taken it yet.</p>`,
		`value="#2"`, `aria-invalid="true"`)
	if !bytes.Equal(dump, dbtest.Dump(t, d.db)) {
		t.Error("the second release changed the database")
	}
}

// A number that is no one of the campaign's, or no number at all, or an
// unticked box: the form comes back with why, and nothing is written.
func TestDashReleaseRefuses(t *testing.T) {
	d := newDash(t)
	id, _ := liveCampaign(d)
	other := d.launch(nil, "text/plain", []byte("autre"))
	newPhone(t, androidChrome).unlock(d.seeds(other, 1, 1)[0]) // claim 5, of the other campaign
	b := d.signedIn()
	before := dbtest.Dump(t, d.db)
	for _, c := range []struct {
		name, claim, confirm string
		status               int
		field, want          string
	}{
		{"Empty", "", "yes", http.StatusUnprocessableEntity, "claim", "Enter the person&#39;s number, such as 12 for Person\u00a012."},
		{"Words", "Bob", "yes", http.StatusUnprocessableEntity, "claim", "Enter the person&#39;s number, such as 12 for Person\u00a012."},
		{"Zero", "#0", "yes", http.StatusUnprocessableEntity, "claim", "Enter the person&#39;s number, such as 12 for Person\u00a012."},
		{"Negative", "-2", "yes", http.StatusUnprocessableEntity, "claim", "Enter the person&#39;s number, such as 12 for Person\u00a012."},
		{"Decimal", "2.5", "yes", http.StatusUnprocessableEntity, "claim", "Enter the person&#39;s number, such as 12 for Person\u00a012."},
		{"Huge", "99999999999999999999", "yes", http.StatusUnprocessableEntity, "claim", "Enter the person&#39;s number, such as 12 for Person\u00a012."},
		{"Unknown", "#99", "yes", http.StatusNotFound, "claim", "There is no Person\u00a099 in this campaign: check the number in the tables above."},
		{"OtherCampaign", "5", "yes", http.StatusNotFound, "claim", "There is no Person\u00a05 in this campaign"},
		{"Unconfirmed", "#2", "", http.StatusUnprocessableEntity, "confirm", "Nothing was changed: tick the box to confirm."},
		{"BadConfirm", "Person 2", "on", http.StatusUnprocessableEntity, "confirm", "Nothing was changed: tick the box to confirm."},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, body := b.do("POST", d.srv.URL+livePath(id, "/claims/release"), url.Values{"claim": {c.claim}, "confirm": {c.confirm}}, nil)
			if res.StatusCode != c.status {
				t.Errorf("%d, want %d", res.StatusCode, c.status)
			}
			mustContain(t, body, `id="`+c.field+`-error" role="alert">`+c.want, `aria-invalid="true"`,
				`<input id="claim" name="claim" value="`+c.claim+`"`, `data-live="/campaigns/1/live.json"`)
			if strings.Contains(body, "checked") {
				t.Error("a refused form keeps its box ticked")
			}
		})
	}
	t.Run("French", func(t *testing.T) {
		res, body := b.do("POST", d.srv.URL+livePath(id, "/claims/release"), url.Values{"claim": {"n° 99"}, "confirm": {"yes"}}, french)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%d, want 404", res.StatusCode)
		}
		mustContain(t, body, "Il n&#39;y a pas de Personne\u00a099 dans cette campagne")
	})
	for _, p := range []string{"/campaigns/99/claims/release", "/campaigns/x/claims/release"} {
		res, body := b.do("POST", d.srv.URL+p, url.Values{"claim": {"2"}, "confirm": {"yes"}}, nil)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "This campaign does not exist.") {
			t.Errorf("POST %s: %d, want 404", p, res.StatusCode)
		}
	}
	if !bytes.Equal(before, dbtest.Dump(t, d.db)) {
		t.Error("a refused release changed the database")
	}
	// A GET of the form's address leads to the form.
	if res, _ := b.get(d.srv.URL + livePath(id, "/claims/release")); res.StatusCode != http.StatusSeeOther || location(res) != "/campaigns/1/live#release-title" {
		t.Errorf("GET: %d to %q", res.StatusCode, location(res))
	}
}

// /alerts shows the API's security counters, and which campaigns leaked.
func TestDashAlerts(t *testing.T) {
	d := newDash(t, withLimits(web.Limits{Unlocks: 2, FailedLookups: 3, Window: time.Minute, ClientIPHeader: "X-Real-IP"}))
	b := d.signedIn()
	res, body := b.get(d.srv.URL + "/alerts")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%d", res.StatusCode)
	}
	mustContain(t, body, `<a href="/alerts" aria-current="page">Security</a>`, "<h1>Security alerts</h1>",
		"in the last seven days, since Nov 17, 2026 00:00 UTC (days in UTC).", "Nothing to report", "No leaked link in any campaign.",
		`data-field="guessing_bursts" data-value="0">0</dd>`, "a network tried 3 unknown links within 1\u00a0min")

	// A guesser, and a script unlocking from one network.
	id := d.launch(nil, "text/plain", []byte("hi"))
	link := d.seeds(id, 1, 1)[0]
	from := http.Header{"X-Real-Ip": {"198.51.100.7"}}
	for i := range 4 {
		newPhone(t, androidChrome).do("GET", fmt.Sprintf("%s/s/AAAAAAAAAAAAAAAAAAAAA%c", d.srv.URL, 'A'+i), nil, from)
	}
	for range 3 { // a view, a refusal, and a 429
		newPhone(t, androidChrome).do("POST", link+"/unlock", url.Values{}, http.Header{"X-Real-Ip": {"192.0.2.1"}})
	}
	newPhone(t, iPhoneSafari).unlock(link) // another refusal: the link leaked
	var alerts map[string]any
	d.api("GET", "/api/v1/alerts", nil, &alerts)
	if alerts["guessing_bursts"] != 1.0 || alerts["limited_unlocks"] != 1.0 {
		t.Fatalf("API alerts %v, want 1 and 1", alerts)
	}
	_, body = b.get(d.srv.URL + "/alerts")
	mustContain(t, body, `data-field="guessing_bursts" data-value="1">1</dd>`, `data-field="limited_unlocks" data-value="1">1</dd>`,
		"tried more than 2 within 1\u00a0min")
	if strings.Contains(body, "Nothing to report") {
		t.Error("all quiet, with alerts")
	}
	mustContain(t, body, `<th scope="row">Le clip</th><td class="num">1</td><td class="num">1</td>`,
		`<a href="/campaigns/1/live#leaks-title">Review<span class="visually-hidden">: Le clip</span></a>`)

	_, body = b.do("GET", d.srv.URL+"/alerts", nil, french)
	mustContain(t, body, `<html lang="fr">`, `aria-current="page">Sécurité</a>`, "<h1>Alertes de sécurité</h1>",
		"depuis le 17/11/2026 00:00 UTC (jours en UTC).", "Rafales de devinettes", "Déblocages refusés", "Liens qui ont fuité, par campagne")

	// The API answers as it always has.
	req, _ := http.NewRequest("GET", d.srv.URL+"/api/v1/alerts", nil)
	req.Header.Set("Authorization", "Bearer "+d.key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var raw bytes.Buffer
	raw.ReadFrom(res.Body)
	if got, want := raw.String(), `{"guessing_bursts":1,"limited_unlocks":1,"since":"2026-11-17T00:00:00Z"}`+"\n"; got != want {
		t.Errorf("API /alerts = %s, want %s", got, want)
	}

	t.Run("LeakWithoutAlert", func(t *testing.T) {
		// No guessing and no unlock refused by the limits, but a link
		// leaked: there is something to report.
		d := newDash(t, withLimits(web.Limits{Unlocks: 100, FailedLookups: 100, Window: time.Minute}))
		b := d.signedIn()
		id := d.launch(nil, "text/plain", []byte("hi"))
		link := d.seeds(id, 1, 1)[0]
		for range 3 { // a view, then two phones refused: more than its one seat
			newPhone(t, androidChrome).unlock(link)
		}
		for _, lang := range []http.Header{nil, french} {
			_, body := b.do("GET", d.srv.URL+"/alerts", nil, lang)
			mustContain(t, body, `data-field="guessing_bursts" data-value="0">0</dd>`, `data-field="limited_unlocks" data-value="0">0</dd>`,
				`<a href="/campaigns/1/live#leaks-title">`)
			if strings.Contains(body, `<p class="notice">`) || strings.Contains(body, "Nothing to report") || strings.Contains(body, "Rien à signaler") {
				t.Error("all quiet, above a leaked link")
			}
		}
	})

	t.Run("LimitsOff", func(t *testing.T) {
		d := newDash(t)
		_, body := d.signedIn().get(d.srv.URL + "/alerts")
		mustContain(t, body, "Guessing is not limited on this server (-lookup-limit 0)", "Unlocks are not limited on this server (-unlock-limit 0)")
		if strings.Contains(body, "Nothing to report") {
			t.Error("all quiet, though nothing is counted")
		}
	})
	if res, _ := d.browser().get(d.srv.URL + "/alerts"); res.StatusCode != http.StatusSeeOther || location(res) != "/login" {
		t.Errorf("signed out: %d to %q", res.StatusCode, location(res))
	}
}

// Every way the dashboard writes a person's number is read back.
func TestDashReleaseNumbers(t *testing.T) {
	d := newDash(t)
	id, _ := liveCampaign(d)
	b := d.signedIn()
	for i, ref := range []string{"1", "#2", "n° 3", "Personne\u00a04"} {
		res, body := b.do("POST", d.srv.URL+livePath(id, "/claims/release"), url.Values{"claim": {ref}, "confirm": {"yes"}}, nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("%q: %d\n%s", ref, res.StatusCode, body)
		}
		var released int
		d.db.Read.QueryRow(`SELECT COUNT(*) FROM seat_releases WHERE claim_id = $1`, i+1).Scan(&released)
		if released != 1 {
			t.Errorf("%q: claim %d not released", ref, i+1)
		}
	}
}

// In a real Chromium, with the page's scripts and the CSP: the leak's
// button, the confirmation, the notice; a seat freed after a first try
// without the box ticked; the alerts, on a phone too.
func TestBrowserTrust(t *testing.T) {
	ctx := newBrowser(t, time.Minute)
	d := newDash(t)
	liveCampaign(d)
	d.signedIn() // makes the account
	shots := newShooter(t)
	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	base := d.srv.URL
	do(t, tab, "sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), marketerEmail),
		chromedp.SendKeys(chromedp.ID("password"), marketerPass),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/campaigns/new"]`)),
	)
	do(t, tab, "revoke the leaked link",
		chromedp.Navigate(base+"/campaigns/1/live"),
		chromedp.Click(chromedp.CSS(`a[href="/campaigns/1/links/2/revoke"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/campaigns/1/links/2/revoke"] button`)),
		shots.take("trust-revoke"),
		chromedp.Click(chromedp.CSS(`form[action="/campaigns/1/links/2/revoke"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
	)
	if got := text(t, tab, `p.notice`); !strings.HasPrefix(got, "Link #2 is revoked") {
		t.Errorf("notice %q", got)
	}
	if got := text(t, tab, `table.leaks .revoked`); got != "Revoked" {
		t.Errorf("leak row %q, want Revoked", got)
	}
	do(t, tab, "free a seat, forgetting the box first",
		chromedp.SendKeys(chromedp.ID("claim"), "#2"),
		chromedp.Click(chromedp.CSS(`#release button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("confirm-error")),
		shots.take("trust-release-error"),
		chromedp.Click(chromedp.ID("release-confirm")),
		chromedp.Click(chromedp.CSS(`#release button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
	)
	if got := text(t, tab, `p.notice`); !strings.HasPrefix(got, "The seat of Person\u00a02 is free") {
		t.Errorf("notice %q", got)
	}
	do(t, tab, "alerts",
		chromedp.Click(chromedp.CSS(`nav a[href="/alerts"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-field="guessing_bursts"]`)),
		shots.take("alerts"),
		chromedp.Emulate(device.IPhone13), chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-field="guessing_bursts"]`)),
		shots.take("alerts-phone"),
		chromedp.Navigate(base+"/campaigns/1/live#release-title"),
		chromedp.WaitVisible(chromedp.ID("release-title")),
		shots.take("trust-live-phone"),
	)
}
