package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/sillage/sillage/migrations/dbtest"
)

func TestDashContactsPage(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	empty := d.launch(nil, "text/plain", []byte("Le texte"))
	postContacts(b, d.seedURL(id, "/contacts"), nil, "c.csv", []byte(contactsCSV), nil)

	res, body := b.get(d.seedURL(id, "/contacts"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET contacts: %d", res.StatusCode)
	}
	mustContain(t, body, "<h1>Contacts</h1>", `<a href="/campaigns/1/seeding" aria-current="page">Seeding</a>`,
		"Addresses are shown in full",
		`<th scope="row">Zoé M.</th>`, `<td class="address" data-label="Email">zoe@example.com</td>`, `<td data-label="Channel">Email</td>`, `<td data-label="Language">French</td>`,
		`<th scope="row">Sam Lee</th>`, `<td class="address" data-label="Phone">&#43;33612345678</td>`, `<td data-label="Channel">SMS</td>`, `<td data-label="Language">English</td>`,
		`<th scope="col">Opted out</th>`,
		`<a href="/campaigns/1/contacts/1/export" download aria-label="Export the data of Zoé M. as JSON">Export (JSON)</a>`,
		`<a href="/campaigns/1/contacts/2/erase" class="danger-link" aria-label="Erase Sam Lee">Erase</a>`)
	if n := strings.Count(body, `<td data-label="Opted out">No</td>`); n != 2 {
		t.Errorf("%d contacts not opted out, want 2", n)
	}
	if strings.Contains(body, "Next contacts") || strings.Contains(body, "<script>") || strings.Contains(body, `style="`) {
		t.Error("a pager for one page, or an inline script or style")
	}

	if err := d.notify.Suppress(context.Background(), "zoe@example.com", "test"); err != nil {
		t.Fatal(err)
	}
	_, body = b.do("GET", d.seedURL(id, "/contacts"), nil, http.Header{"Accept-Language": {"fr"}})
	mustContain(t, body, `<html lang="fr">`, "<h1>Contacts</h1>", "Retour à la diffusion", `<th scope="col">Désinscrit</th>`,
		`<td data-label="Désinscrit"><strong>Oui</strong></td>`, `<td data-label="Désinscrit">Non</td>`, `<td data-label="Canal">E-mail</td>`, `<td data-label="Langue">Anglais</td>`, "Exporter (JSON)</a>", "Effacer</a>")

	_, body = b.get(d.seedURL(empty, "/contacts"))
	mustContain(t, body, `<td colspan="7">No contact yet: import them on the seeding page.</td>`)

	before := dbtest.Dump(t, d.db)
	for _, q := range []string{"?after=abc", "?after=-1"} {
		res, body := b.get(d.seedURL(id, "/contacts"+q))
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET contacts%s: %d, want 400", q, res.StatusCode)
		}
		mustContain(t, body, "The page asked for does not exist: here is the first one.", `<th scope="row">Zoé M.</th>`)
	}
	for _, p := range []string{"/campaigns/99/contacts", "/campaigns/x/contacts", "/campaigns/0/contacts"} {
		if res, body := b.get(d.srv.URL + p); res.StatusCode != http.StatusNotFound || !strings.Contains(body, "This campaign does not exist.") {
			t.Errorf("GET %s: %d, want 404 and why", p, res.StatusCode)
		}
	}
	d.unchanged(t, before)
}

// The contacts page shows 50 contacts a page, as the API pages them.
func TestDashContactsPages(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	d.importContacts(id, "text/csv", "", peopleCSV(55))
	_, first := b.get(d.seedURL(id, "/contacts"))
	if n := strings.Count(first, `<th scope="row">`); n != 50 {
		t.Errorf("first page: %d contacts, want 50", n)
	}
	mustContain(t, first, `<em>(no name)</em>`, `aria-label="Erase person00@example.com"`, `href="/campaigns/1/contacts?after=50">Next contacts`)
	if strings.Contains(first, "First contacts") || strings.Contains(first, "person50@") {
		t.Error("the first page links to itself, or shows the second")
	}
	_, second := b.get(d.seedURL(id, "/contacts?after=50"))
	if n := strings.Count(second, `<th scope="row">`); n != 5 {
		t.Errorf("second page: %d contacts, want 5", n)
	}
	mustContain(t, second, "person50@example.com", "person54@example.com", `<a href="/campaigns/1/contacts">First contacts</a>`)
	if strings.Contains(second, "Next contacts") {
		t.Error("the last page has a next page")
	}
}

// Export hands over what the API's export does; erasure removes what the
// API's does, after a confirmation, and leaves the tree and its figures
// as they were.
func TestDashContactExportAndErase(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(map[string]any{"forwards_per_claim": 3}, "text/plain", []byte("hi"))
	twin := d.launch(map[string]any{"forwards_per_claim": 3}, "text/plain", []byte("hi")) // erased through the API
	const name, email = aliceName, aliceEmail
	msgs, link := d.aliceSpreads(t, id, twin)
	aliceID := msgs[0].ContactID
	twinAlice := d.rows(`SELECT id FROM contacts WHERE campaign_id = $1 AND name = $2`, twin, name)[0]
	contactURL := func(contact any, rest string) string {
		return d.seedURL(id, fmt.Sprintf("/contacts/%v%s", contact, rest))
	}

	t.Run("Export", func(t *testing.T) {
		before := dbtest.Dump(t, d.db)
		res, body := b.get(contactURL(aliceID, "/export"))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%d, want 200", res.StatusCode)
		}
		if cd := res.Header.Get("Content-Disposition"); cd != fmt.Sprintf(`attachment; filename="contact-%d.json"`, aliceID) {
			t.Errorf("Content-Disposition %q", cd)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		if api := d.raw(fmt.Sprintf("/api/v1/contacts/%d/export", aliceID)); body != string(api) {
			t.Errorf("dashboard export\n%s\ndiffers from the API's\n%s", body, api)
		}
		mustContain(t, body, `"name":"Alice Martin"`, `"to":"alice.martin@example.com"`, `"status":"kept"`)
		d.unchanged(t, before)
	})

	t.Run("Confirmation", func(t *testing.T) {
		res, body := b.get(contactURL(aliceID, "/erase"))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET erase: %d", res.StatusCode)
		}
		mustContain(t, body, "<h1>Erase a contact</h1>", "Erase Alice Martin?", `<dd class="address">alice.martin@example.com</dd>`,
			`<dd class="address">&#43;33611223344</dd>`, "Erasure removes:", "It keeps:", "the forward tree and every figure",
			"This cannot be undone.", fmt.Sprintf(`<form method="post" action="/campaigns/1/contacts/%d/erase"`, aliceID),
			`<input id="confirm" name="confirm" type="checkbox" value="1" required>`, `<label for="confirm">I understand`)
		_, body = b.do("GET", contactURL(aliceID, "/erase"), nil, http.Header{"Accept-Language": {"fr"}})
		mustContain(t, body, `<html lang="fr">`, "Effacer Alice Martin ?", "L&#39;effacement supprime :", "Il garde :", "Effacer définitivement")

		before := dbtest.Dump(t, d.db)
		for _, form := range []url.Values{{}, {"confirm": {"0"}}, {"confirm": {"yes"}}} {
			res, body := b.do("POST", contactURL(aliceID, "/erase"), form, nil)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("erase with %v: %d, want 422", form, res.StatusCode)
			}
			mustContain(t, body, `<p class="error" role="alert" id="erase-error">Nothing was erased: tick the box to confirm.</p>`, `aria-invalid="true"`)
		}
		_, body = b.do("POST", contactURL(aliceID, "/erase"), url.Values{}, http.Header{"Accept-Language": {"fr"}})
		mustContain(t, body, "Rien n&#39;a été effacé : cochez la case pour confirmer.")
		d.unchanged(t, before)
	})

	t.Run("NotThisCampaign", func(t *testing.T) {
		before := dbtest.Dump(t, d.db)
		for _, contact := range []string{twinAlice, "999", "0", "-1", "x"} {
			for _, r := range []struct {
				method, rest string
				form         url.Values
			}{{"GET", "/export", nil}, {"GET", "/erase", nil}, {"POST", "/erase", url.Values{"confirm": {"1"}}}} {
				res, body := b.do(r.method, contactURL(contact, r.rest), r.form, nil)
				if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "This contact does not exist in this campaign") {
					t.Errorf("%s contact %s%s: %d, want 404 and why", r.method, contact, r.rest, res.StatusCode)
				}
			}
		}
		if res, _ := b.do("POST", d.srv.URL+"/campaigns/99/contacts/1/erase", url.Values{"confirm": {"1"}}, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("erase in an unknown campaign: %d, want 404", res.StatusCode)
		}
		if res, _ := b.get(d.srv.URL + "/campaigns/x/contacts/1/export"); res.StatusCode != http.StatusNotFound {
			t.Errorf("export in a malformed campaign: %d, want 404", res.StatusCode)
		}
		d.unchanged(t, before)
	})

	t.Run("Erase", func(t *testing.T) {
		stats, tree := d.raw(path(id, "/stats")), d.raw(path(id, "/tree"))
		res, _ := b.do("POST", contactURL(aliceID, "/erase"), url.Values{"confirm": {"1"}}, nil)
		if res.StatusCode != http.StatusSeeOther || location(res) != "/campaigns/1/contacts?erased=1" {
			t.Fatalf("erase: %d to %q", res.StatusCode, location(res))
		}
		_, body := b.get(d.srv.URL + location(res))
		mustContain(t, body, `<p class="notice" role="status">The contact was erased:`, "The forward tree and the figures are unchanged.",
			`<th scope="row">Bob Durand</th>`)
		if strings.Contains(body, name) {
			t.Error("the erased contact is still listed")
		}
		if got := d.raw(path(id, "/stats")); !bytes.Equal(got, stats) {
			t.Errorf("figures changed by the erasure:\nbefore %s\nafter  %s", stats, got)
		}
		if got := d.raw(path(id, "/tree")); !bytes.Equal(got, tree) {
			t.Errorf("tree changed by the erasure:\nbefore %s\nafter  %s", tree, got)
		}
		if bytes.Contains(dbtest.Dump(t, d.db), []byte(link[len(d.srv.URL):])) {
			t.Error("Alice's link is still stored after the erasure")
		}

		// The same erasure through the API leaves the twin campaign's rows
		// as the dashboard left this one's.
		if st := d.api("DELETE", "/api/v1/contacts/"+twinAlice, nil, nil); st != http.StatusNoContent {
			t.Fatalf("API erase: %d", st)
		}
		messages := func(c int64) []string {
			return d.rows(`SELECT kind, channel, recipient, language, subject, body_text = '', body_html = '', content_variables,
				contact_id IS NULL, status, attempts, last_error, updated_at FROM messages WHERE campaign_id = $1 ORDER BY id`, c)
		}
		contacts := func(c int64) []string {
			return d.rows(`SELECT name, email, phone, channel, address, language, created_at, updated_at
				FROM contacts WHERE campaign_id = $1 ORDER BY id`, c)
		}
		if got, want := messages(id), messages(twin); !slices.Equal(got, want) || len(got) != 2 || !strings.HasPrefix(got[0], "seed|email||fr||1|1||1|kept|") {
			t.Errorf("dashboard left messages %q, the API %q", got, want)
		}
		if got, want := contacts(id), contacts(twin); !slices.Equal(got, want) || len(got) != 1 || !strings.HasPrefix(got[0], "Bob Durand|bob@example.com") {
			t.Errorf("dashboard left contacts %q, the API %q", got, want)
		}
		dump := dbtest.Dump(t, d.db)
		for _, needle := range []string{name, email, "611223344"} {
			if bytes.Contains(dump, []byte(needle)) {
				t.Errorf("%q still stored after both erasures", needle)
			}
		}

		// Erased: nothing left to erase or export.
		before := dbtest.Dump(t, d.db)
		if res, body := b.do("POST", contactURL(aliceID, "/erase"), url.Values{"confirm": {"1"}}, nil); res.StatusCode != http.StatusNotFound ||
			!strings.Contains(body, "it may have been erased already") {
			t.Errorf("second erase: %d, want 404 and why", res.StatusCode)
		}
		if res, _ := b.get(contactURL(aliceID, "/export")); res.StatusCode != http.StatusNotFound {
			t.Errorf("export after erasure: %d, want 404", res.StatusCode)
		}
		d.unchanged(t, before)
	})
}
