package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/migrations/dbtest"
)

// liveCampaign is a small spread made by real phones through the real
// handlers, an hour apart:
//
//	seed 1 ─ A ─(whatsapp)─ B ─(sms)─ C      A also mints an email link nobody opens
//	seed 2 ─ D                               two more phones are refused seed 2
//
// plus A opening its link again (a re-view) and WhatsApp's preview
// fetcher reading B's link. It returns the campaign's id and the unopened
// email link.
func liveCampaign(d *dashApp) (int64, string) {
	t := d.t
	t.Helper()
	id := d.launch(map[string]any{"max_seats": 5}, "text/plain", []byte("hi"))
	seeds := d.seeds(id, 2, 1)
	unlock := func(p *phone, link string, want int) {
		t.Helper()
		if res, _ := p.unlock(link); res.StatusCode != want {
			t.Fatalf("unlock %s: %d, want %d", link, res.StatusCode, want)
		}
	}
	forward := func(p *phone, link, channel string) string {
		t.Helper()
		status, u, _ := p.forward(link, channel)
		if status != http.StatusCreated {
			t.Fatalf("forward: %d", status)
		}
		return u
	}
	a, b, c, dd := newPhone(t, androidChrome), newPhone(t, iPhoneSafari), newPhone(t, androidChrome), newPhone(t, iPhoneSafari)
	unlock(a, seeds[0], http.StatusSeeOther)
	toB := forward(a, seeds[0], "whatsapp")
	email := forward(a, seeds[0], "email")
	d.clock.Advance(time.Hour)
	unlock(b, toB, http.StatusSeeOther)
	toC := forward(b, toB, "sms")
	d.clock.Advance(time.Hour)
	unlock(c, toC, http.StatusSeeOther)
	d.clock.Advance(30 * time.Minute)
	unlock(dd, seeds[1], http.StatusSeeOther)
	unlock(newPhone(t, androidChrome), seeds[1], http.StatusConflict)
	unlock(newPhone(t, iPhoneSafari), seeds[1], http.StatusConflict)
	unlock(a, seeds[0], http.StatusSeeOther) // a re-view
	if res, _ := newPhone(t, "WhatsApp/2.23.20.0 A").get(toB); res.StatusCode != http.StatusOK {
		t.Fatalf("preview: %d", res.StatusCode)
	}
	d.clock.Advance(10 * time.Minute)
	return id, email
}

func livePath(id int64, rest string) string {
	return "/campaigns/" + strconv.FormatInt(id, 10) + rest
}

// The live view shows the campaign's figures, server-rendered, each
// headline figure readable by a script through its data-field.
func TestDashLivePage(t *testing.T) {
	d := newDash(t)
	id, _ := liveCampaign(d)
	b := d.signedIn()
	res, body := b.get(d.srv.URL + livePath(id, "/live"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET live: %d\n%s", res.StatusCode, body)
	}
	for field, want := range map[string]int{
		"views": 4, "reach": 4, "max_depth": 3, "links": 5, "links_opened": 4,
		"previews": 1, "reviews": 1, "refusals": 2,
	} {
		mustContain(t, body, `data-field="`+field+`" data-value="`+strconv.Itoa(want)+`">`+strconv.Itoa(want)+`</dd>`)
	}
	mustContain(t, body,
		`<script src="/static/dash_live.`,
		`<a href="/campaigns/1/live" aria-current="page">Live</a>`,
		`data-live="/campaigns/1/live.json"`,
		// Views per hour: 20:00 (A), 21:00 (B), 22:00 (C and D).
		"4 views from Nov 23, 2026 20:00 UTC to Nov 23, 2026 22:00 UTC; the tallest bar, from Nov 23, 2026 22:00 UTC, has 2.",
		"<title>Nov 23, 2026 21:00 UTC: 1 view</title>", "<title>Nov 23, 2026 22:00 UTC: 2 views</title>",
		// Generations: A and D, then B, then C.
		"4 views over 3 generations; the widest, generation 1, has 2.",
		`<th scope="row">1</th><td class="num">2</td><td class="num">50.0%</td><td class="num">0.50</td>`,
		`<th scope="row">2</th><td class="num">1</td><td class="num">25.0%</td><td class="num">1.00</td>`,
		// Channels: seed links, those opened and their share, then
		// forwards opened ÷ forwards and ÷ views.
		`<th scope="row">WhatsApp</th><td class="num">0</td><td class="num">0</td>`+"\n"+
			`<td class="num">1</td><td class="num">1</td>`+"\n"+`<td class="num">100%</td><td class="num">0.25</td>`,
		`<th scope="row">Email</th><td class="num">0</td><td class="num">0</td>`+"\n"+
			`<td class="num">1</td><td class="num">0</td>`+"\n"+`<td class="num">0%</td><td class="num">0.00</td>`,
		`<th scope="row">Link or QR code</th><td class="num">2</td><td class="num">2 (100%)</td>`,
		`<th scope="row">All channels</th><td class="num">2</td><td class="num">2 (100%)</td>`+"\n"+
			`<td class="num">3</td><td class="num">2</td>`+"\n"+`<td class="num">67%</td><td class="num">0.50</td>`,
		// The shape: depths 1, 2, 3, 1. Cascades: A-B-C, a chain of 3
		// (virality 4/3), and D alone (left out).
		`<dt>Structural virality</dt>`+"\n"+`<dd><strong data-field="structural_virality">1.33</strong> <span class="hint">Per cascade (one seed-link view`,
		"weighted by their size; cascades of one person are left out, the measure being undefined for them.",
		`<dt>Mean depth</dt>`+"\n"+`<dd><strong data-field="depth.mean">1.75</strong> <span class="hint">mean depth of the views (seed-link views are depth 1)</span>`,
		`<dt>Median depth</dt>`+"\n"+`<dd><strong data-field="depth.median">1.5</strong>`,
		// Each headline figure says what it counts.
		`data-field="reach" data-value="4">4</dd>`+"\n"+`<dd class="hint">phones that saw the content: the views, plus each new phone that took over a released seat</dd>`,
		`data-field="max_depth" data-value="3">3</dd>`+"\n"+`<dd class="hint">the longest chain of forwards: people who received a seed link are depth 1, their friends depth 2</dd>`,
		"K-factor: new viewers brought per viewer",
		"<dt>Viral cycle time</dt>\n<dd><strong>median 1\u00a0h · 90% within 1\u00a0h</strong>",
		"No forecast yet: it rests on the views old enough to have brought their friends (older than 1\u00a0h), and there are 2 of the 30 it needs.",
		"Depth 2: Nov 23, 2026 21:00 UTC (after 1\u00a0h)", "Depth 3: Nov 23, 2026 22:00 UTC (after 2\u00a0h)",
		// A brought B and C; A minted two links, B one.
		`<td class="num">2</td><td class="num">1</td><td>2 (WhatsApp 1, Email 1)</td>`,
		`<td class="num">1</td><td class="num">1</td><td>1 (SMS 1)</td>`,
		// Seed 2 was refused to two phones: a leak.
		`<td>Link or QR code</td><td>seed link</td>`+"\n"+`<td class="num">1</td><td class="num">1</td><td class="num">2</td>`,
		`href="/campaigns/1/export?format=csv" download`, `href="/campaigns/1/export?format=edges" download`,
		`href="/campaigns/1/export?format=json" download`, `href="/campaigns/1/export?format=graphml" download`,
	)
	if strings.Contains(body, "<script>") || strings.Contains(body, "style=") {
		t.Error("inline script or style: the CSP forbids them")
	}

	t.Run("French", func(t *testing.T) {
		_, body := b.do("GET", d.srv.URL+livePath(id, "/live"), nil, http.Header{"Accept-Language": {"fr-FR,fr;q=0.9"}})
		mustContain(t, body, `<html lang="fr">`, "Vues par génération", "Alertes de fuite",
			`<th scope="row">Tous les canaux</th><td class="num">2</td><td class="num">2 (100`+"\u00a0"+`%)</td>`,
			`<td class="num">3</td><td class="num">2</td>`+"\n"+`<td class="num">67`+"\u00a0"+`%</td><td class="num">0,50</td>`,
			`<dt>Profondeur moyenne</dt>`+"\n"+`<dd><strong data-field="depth.mean">1,75</strong>`, "Profondeur 2 : 23/11/2026 21:00 UTC (après 1\u00a0h)",
			`<dd><strong data-field="structural_virality">1,33</strong> <span class="hint">Par cascade`,
			"téléphones qui ont vu le contenu : les vues, plus chaque nouveau téléphone qui a repris une place libérée",
			"Facteur K : nouvelles personnes amenées par personne")
	})
	t.Run("Empty", func(t *testing.T) {
		b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(nil), nil)
		res, body := b.get(d.srv.URL + "/campaigns/2/live")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%d", res.StatusCode)
		}
		mustContain(t, body, `data-field="views" data-value="0">0</dd>`, "No view yet", "No leak",
			`<dd><strong data-field="structural_virality">–</strong> <span class="hint">No cascade has reached a second person yet`,
			"No forecast yet: nobody has opened a forwarded link", "No ambassador yet", "No milestone yet")
	})
}

// /live.json is the API's /stats for the same campaign and period, plus
// the page's sections; it moves when someone unlocks.
func TestDashLiveJSON(t *testing.T) {
	d := newDash(t)
	id, email := liveCampaign(d)
	b := d.signedIn()
	asJSON := http.Header{"Accept": {"application/json"}}
	live := func(query string) map[string]any {
		t.Helper()
		res, body := b.do("GET", d.srv.URL+livePath(id, "/live.json"+query), nil, asJSON)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("live.json%s: %d %s", query, res.StatusCode, res.Header.Get("Content-Type"))
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	sameAsAPI := func(got map[string]any, apiQuery string) {
		t.Helper()
		var want map[string]any
		if st := d.api("GET", path(id, "/stats"+apiQuery), nil, &want); st != http.StatusOK {
			t.Fatalf("stats: %d", st)
		}
		sections, _ := got["sections"].(map[string]any)
		if len(sections) != 7 {
			t.Errorf("%d sections, want 7", len(sections))
		}
		delete(got, "sections")
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Errorf("live.json differs from the API's stats:\n got %s\nwant %s", g, w)
		}
	}

	before := live("")
	if before["views"] != 4.0 || before["refusals"] != 2.0 {
		t.Fatalf("views %v, refusals %v; want 4 and 2", before["views"], before["refusals"])
	}
	headline := before["sections"].(map[string]any)["headline"].(string)
	mustContain(t, headline, `data-field="views" data-value="4">4</dd>`)
	sameAsAPI(before, "")

	t.Run("Period", func(t *testing.T) {
		// From 21:00 to 22:00 as the form sends it: B alone.
		got := live("?from=2026-11-23T21:00&to=2026-11-23T22:00")
		if got["views"] != 1.0 {
			t.Errorf("views in the period: %v, want 1", got["views"])
		}
		sameAsAPI(got, "?from=2026-11-23T21:00:00Z&to=2026-11-23T22:00:00Z")
	})

	// Nothing new: the page's script is told so, without a body.
	res, _ := b.do("GET", d.srv.URL+livePath(id, "/live.json"), nil, asJSON)
	etag := res.Header.Get("ETag")
	notModified := http.Header{"Accept": {"application/json"}, "If-None-Match": {etag}}
	if res, body := b.do("GET", d.srv.URL+livePath(id, "/live.json"), nil, notModified); etag == "" || res.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("same figures, ETag %q: %d %q, want 304 and no body", etag, res.StatusCode, body)
	}

	newPhone(t, androidChrome).unlock(email)
	d.clock.Advance(2 * time.Second) // the polls share their figures for 2 s
	if res, _ := b.do("GET", d.srv.URL+livePath(id, "/live.json"), nil, notModified); res.StatusCode != http.StatusOK || res.Header.Get("ETag") == etag {
		t.Errorf("after a new claim, with the old ETag: %d, ETag %q; want 200 and a new ETag", res.StatusCode, res.Header.Get("ETag"))
	}
	after := live("")
	if after["views"] != 5.0 || after["max_depth"] != 3.0 {
		t.Errorf("after a new claim: views %v, max depth %v; want 5 and 3", after["views"], after["max_depth"])
	}
	headline = after["sections"].(map[string]any)["headline"].(string)
	mustContain(t, headline, `data-field="views" data-value="5">5</dd>`)
	mustContain(t, after["sections"].(map[string]any)["channels"].(string), `<th scope="row">Email</th><td class="num">0</td><td class="num">0</td>`+"\n"+
		`<td class="num">1</td><td class="num">1</td>`+"\n"+`<td class="num">100%</td>`)
	sameAsAPI(after, "")
}

// A period the live view cannot read is shown back with why, as a 400,
// and nothing is written.
func TestDashLiveBadPeriod(t *testing.T) {
	d := newDash(t)
	id, _ := liveCampaign(d)
	b := d.signedIn()
	before := dbtest.Dump(t, d.db)
	for _, c := range []struct {
		name, query, field, want string
	}{
		{"NotATime", "?from=yesterday", "from", "Enter a date and time such as 2026-12-01 20:00"},
		{"BadTo", "?to=2026-13-01T00:00", "to", "Enter a date and time such as 2026-12-01 20:00"},
		{"Backwards", "?from=2026-11-24T00:00&to=2026-11-23T00:00", "to", "The end of the period must come after its start."},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, body := b.get(d.srv.URL + livePath(id, "/live"+c.query))
			if res.StatusCode != http.StatusBadRequest {
				t.Fatalf("%d, want 400", res.StatusCode)
			}
			mustContain(t, body, c.want, `id="`+c.field+`-error"`, `aria-invalid="true"`)
			if strings.Contains(body, "data-live=") {
				t.Error("figures shown for a refused period")
			}
			res, body = b.do("GET", d.srv.URL+livePath(id, "/live.json"+c.query), nil, http.Header{"Accept": {"application/json"}})
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `"error":"`+c.want) {
				t.Errorf("live.json: %d %s, want 400 and why", res.StatusCode, body)
			}
		})
	}
	if !bytes.Equal(before, dbtest.Dump(t, d.db)) {
		t.Error("a refused period changed the database")
	}
}

// The download buttons give the API's exports, as files.
func TestDashExport(t *testing.T) {
	d := newDash(t)
	id, _ := liveCampaign(d)
	b := d.signedIn()
	rows := func(body string) [][]string {
		t.Helper()
		r, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, c := range []struct {
		format, contentType, file string
		check                     func(t *testing.T, body string)
	}{
		{"csv", "text/csv; charset=utf-8", "campaign-1.csv", func(t *testing.T, body string) {
			if r := rows(body); len(r) != 5 || strings.Join(r[0], ",") != "id,parent,depth,channel,link,claimed_at" {
				t.Errorf("CSV: %d rows, header %v; want a header and 4 views", len(r), r[0])
			}
		}},
		{"edges", "text/csv; charset=utf-8", "campaign-1.edges.csv", func(t *testing.T, body string) {
			if r := rows(body); len(r) != 5 || r[1][0] != "campaign" {
				t.Errorf("edges: %v; want a header and 4 edges, the first from the campaign", r)
			}
		}},
		{"json", "application/json", "campaign-1.json", func(t *testing.T, body string) {
			if !json.Valid([]byte(body)) || strings.Count(body, `"claimed_at"`) != 4 {
				t.Errorf("JSON: %s", body)
			}
		}},
		{"graphml", "application/graphml+xml", "campaign-1.graphml", func(t *testing.T, body string) {
			var g struct {
				Nodes []struct{} `xml:"graph>node"`
				Edges []struct{} `xml:"graph>edge"`
			}
			if err := xml.Unmarshal([]byte(body), &g); err != nil || len(g.Nodes) != 5 || len(g.Edges) != 4 {
				t.Errorf("GraphML: %v, %d nodes, %d edges; want the campaign and 4 views", err, len(g.Nodes), len(g.Edges))
			}
		}},
	} {
		t.Run(c.format, func(t *testing.T) {
			res, body := b.get(d.srv.URL + livePath(id, "/export?format="+c.format))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%d", res.StatusCode)
			}
			if got := res.Header.Get("Content-Type"); got != c.contentType {
				t.Errorf("Content-Type %q, want %q", got, c.contentType)
			}
			if got, want := res.Header.Get("Content-Disposition"), `attachment; filename="`+c.file+`"`; got != want {
				t.Errorf("Content-Disposition %q, want %q", got, want)
			}
			c.check(t, body)
			// Byte for byte the API's export.
			req, _ := http.NewRequest("GET", d.srv.URL+path(id, "/export?format="+c.format), nil)
			req.Header.Set("Authorization", "Bearer "+d.key)
			api, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer api.Body.Close()
			if want, _ := io.ReadAll(api.Body); string(want) != body {
				t.Error("the dashboard's export differs from the API's")
			}
		})
	}
	for _, format := range []string{"xlsx", ""} {
		res, body := b.get(d.srv.URL + livePath(id, "/export?format="+url.QueryEscape(format)))
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Unknown export format: choose CSV, edges CSV, JSON or GraphML.") {
			t.Errorf("format %q: %d, want 400 and why", format, res.StatusCode)
		}
		mustContain(t, body, `href="/campaigns/1/live" aria-current="page"`)
	}
}

// An unknown campaign is the 404 page; a signed-out browser goes to
// /login and a signed-out script gets 401.
func TestDashLiveRefuses(t *testing.T) {
	d := newDash(t)
	id, _ := liveCampaign(d)
	b := d.signedIn()
	asJSON := http.Header{"Accept": {"application/json"}}
	for _, p := range []string{"/campaigns/99/live", "/campaigns/x/live", "/campaigns/0/live", "/campaigns/-1/live",
		"/campaigns/99/export?format=csv", "/campaigns/x/export?format=csv"} {
		res, body := b.get(d.srv.URL + p)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "This campaign does not exist.") {
			t.Errorf("GET %s: %d, want the 404 page", p, res.StatusCode)
		}
	}
	for _, p := range []string{"/campaigns/99/live.json", "/campaigns/x/live.json"} {
		res, body := b.do("GET", d.srv.URL+p, nil, asJSON)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(body, `"error":"This campaign does not exist."`) {
			t.Errorf("GET %s: %d %s, want 404 JSON", p, res.StatusCode, body)
		}
	}
	out := d.browser()
	for _, p := range []string{"/live", "/live.json", "/export?format=csv"} {
		u := d.srv.URL + livePath(id, p)
		if res, _ := out.get(u); res.StatusCode != http.StatusSeeOther || location(res) != "/login" {
			t.Errorf("signed-out GET %s: %d to %q, want /login", p, res.StatusCode, location(res))
		}
		if res, _ := out.do("GET", u, nil, asJSON); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("signed-out script GET %s: %d, want 401", p, res.StatusCode)
		}
	}
}
