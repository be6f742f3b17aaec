package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// People are numbered per campaign, in the order they opened it, and
// called the same on every page: the second campaign's first person is
// Person 1 on its live view, its tree, its revoke page and in the form
// that frees a seat, though their claim is the third of the server.
func TestDashPersonNumbers(t *testing.T) {
	d := newDash(t)
	first := d.launch(nil, "text/plain", []byte("un"))
	for _, link := range d.seeds(first, 2, 1) {
		newPhone(t, androidChrome).unlock(link) // claims 1 and 2
	}
	id := d.launch(nil, "text/plain", []byte("deux"))
	p, q := newPhone(t, androidChrome), newPhone(t, iPhoneSafari)
	seed := d.seeds(id, 1, 1)[0]
	p.unlock(seed) // claim 3: Person 1 of this campaign
	status, toQ, _ := p.forward(seed, "whatsapp")
	if status != http.StatusCreated {
		t.Fatalf("forward: %d", status)
	}
	q.unlock(toQ) // claim 4: Person 2
	if got := d.rows(`SELECT id FROM claims WHERE campaign_id = $1 ORDER BY id`, id); strings.Join(got, ",") != "3,4" {
		t.Fatalf("claims of the second campaign: %q, want 3 and 4", got)
	}
	b := d.signedIn()
	nb := "\u00a0"
	english, french := http.Header{"Accept-Language": {"en"}}, http.Header{"Accept-Language": {"fr"}}

	for _, c := range []struct {
		lang             http.Header
		person, notThree string
	}{{english, "Person", "Person" + nb + "3"}, {french, "Personne", "Personne" + nb + "3"}} {
		_, live := b.do("GET", d.srv.URL+livePath(id, "/live"), nil, c.lang)
		mustContain(t, live, `<tr><th scope="row">`+c.person+nb+`1</th>`)
		_, tree := b.do("GET", d.srv.URL+livePath(id, "/tree"), nil, c.lang)
		mustContain(t, tree, fmt.Sprintf(`<option value="3">%s%s1 · 2 `, c.person, nb),
			`</span>`+c.person+nb+`2</th>`+"\n"+`<td>`+c.person+nb+`1</td>`,
			`data-t-claim="`+c.person+nb+`{id}"`)
		for page, body := range map[string]string{"live": live, "tree": tree} {
			if strings.Contains(body, c.notThree) || strings.Contains(body, ">#3<") || strings.Contains(body, "Claim #") || strings.Contains(body, "Vue n°") {
				t.Errorf("the %s page names the first person by the server's claim id", page)
			}
		}
	}

	// The drawing's view names them too; its ids stay the claims'.
	_, body := b.do("GET", d.srv.URL+livePath(id, "/tree.json"), nil, http.Header{"Accept": {"application/json"}})
	var view struct {
		Nodes []struct{ ID, Person int64 }
	}
	if err := json.Unmarshal([]byte(body), &view); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range view.Nodes {
		got = append(got, fmt.Sprintf("%d:%d", n.ID, n.Person))
	}
	if strings.Join(got, " ") != "0:0 3:1 4:2" {
		t.Errorf("tree.json nodes (id:person) %q, want 0:0 3:1 4:2", got)
	}

	// The forward's revoke page: sent by Person 1.
	link := d.rows(`SELECT id FROM links WHERE sender_claim_id = 3`)[0]
	_, revoke := b.get(d.srv.URL + livePath(id, "/links/"+link+"/revoke"))
	mustContain(t, revoke, "<dt>Sent by</dt><dd>Person"+nb+"1</dd>")

	// Freeing Person 2's seat frees claim 4, not the server's claim 2.
	res, _ := b.do("POST", d.srv.URL+livePath(id, "/claims/release"), url.Values{"claim": {"Personne 2"}, "confirm": {"yes"}}, french)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("release: %d", res.StatusCode)
	}
	if got := d.rows(`SELECT claim_id FROM seat_releases`); strings.Join(got, ",") != "4" {
		t.Errorf("released claims %q, want 4", got)
	}
	_, live := b.do("GET", d.srv.URL+livePath(id, "/live"), nil, french)
	mustContain(t, live, "La place de Personne"+nb+"2 est libre")
	res, body = b.do("POST", d.srv.URL+livePath(id, "/claims/release"), url.Values{"claim": {"3"}, "confirm": {"yes"}}, nil)
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "There is no Person"+nb+"3 in this campaign") {
		t.Errorf("release of Person 3 in a campaign of two: %d", res.StatusCode)
	}
}
