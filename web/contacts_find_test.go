package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sillage/sillage/notify"
)

// A person who asks for their data is found by their address, written
// any way: on the contacts page and through the API, only among the
// campaign's own contacts; what is not an address is a clear 4xx.
func TestFindContact(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "text/plain", []byte("Le texte"))
	other := d.launch(nil, "text/plain", []byte("Le texte"))
	postContacts(b, d.seedURL(id, "/contacts"), nil, "c.csv", []byte(contactsCSV), nil)
	postContacts(b, d.seedURL(other, "/contacts"), nil, "c.csv", []byte(contactsCSV), nil)

	page := func(q string) (int, string) {
		res, body := b.get(d.seedURL(id, "/contacts?q="+url.QueryEscape(q)))
		return res.StatusCode, body
	}
	st, body := page("ZOE@example.com")
	if st != http.StatusOK || strings.Count(body, `<th scope="row">`) != 1 {
		t.Fatalf("search by email: %d, %d rows", st, strings.Count(body, `<th scope="row">`))
	}
	mustContain(t, body, `<th scope="row">Zoé M.</th>`, `value="ZOE@example.com"`, "Show every contact", `<a href="/campaigns/1/contacts/1/export"`)
	_, body = page("06 12 34 56 78")
	mustContain(t, body, `<th scope="row">Sam Lee</th>`)
	_, body = page("nobody@example.com")
	mustContain(t, body, "No contact of this campaign has this address.")
	st, body = page("hello")
	if st != http.StatusBadRequest {
		t.Errorf("search for %q: %d, want 400", "hello", st)
	}
	mustContain(t, body, `&#34;hello&#34; is neither an email address nor a phone number.`)

	var out struct {
		Contacts  []notify.Contact `json:"contacts"`
		NextAfter *int64           `json:"next_after"`
	}
	if st := d.api("GET", path(id, "/contacts?address="+url.QueryEscape("+33612345678")), nil, &out); st != http.StatusOK ||
		len(out.Contacts) != 1 || out.Contacts[0].Name != "Sam Lee" || out.Contacts[0].CampaignID != id || out.NextAfter != nil {
		t.Errorf("API search: %d %+v", st, out)
	}
	var apiErr struct{ Error string }
	if st := d.api("GET", path(id, "/contacts?address=hello"), nil, &apiErr); st != http.StatusUnprocessableEntity ||
		!strings.HasPrefix(apiErr.Error, `address: phone "hello" is not a phone number`) {
		t.Errorf("API search for hello: %d %q", st, apiErr.Error)
	}
}
