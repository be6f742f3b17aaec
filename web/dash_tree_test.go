package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating/gatingtest"
)

// treeView is the JSON of /campaigns/{id}/tree.json.
type treeView struct {
	Root   int64
	Views  int
	Drawn  int
	Width  int
	Height int
	Nodes  []struct {
		ID         int64
		Parent     int64
		Depth      int
		Channel    string
		ClaimedAt  *time.Time `json:"claimed_at"`
		Downstream int
		Children   int
		X          float64
		Y          int
	}
	More []struct {
		Parent   int64
		Views    int
		Branches int
		Depth    int
	}
}

// getJSON fetches u as the page's script does and decodes a 200 into out;
// an error answer's message is returned instead.
func getJSON(t *testing.T, b *phone, u string, out any) (int, string) {
	t.Helper()
	res, body := b.do("GET", u, nil, http.Header{"Accept": {"application/json"}})
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("GET %s: %d, Content-Type %q: %.200s", u, res.StatusCode, ct, body)
	}
	if res.StatusCode != http.StatusOK {
		var e struct{ Error string }
		json.Unmarshal([]byte(body), &e)
		if e.Error == "" {
			t.Errorf("GET %s: %d without a message", u, res.StatusCode)
		}
		return res.StatusCode, e.Error
	}
	if err := json.Unmarshal([]byte(body), out); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return res.StatusCode, ""
}

// spread makes a real tree through the recipient's pages, a minute between
// claims: alice (seed, link) forwards to bob by WhatsApp and to carol by
// SMS; bob forwards to dave by email; erin opens another seed link and
// forwards nothing. It returns the claims' ids by name, from the API.
func spread(t *testing.T, d *dashApp, id int64) map[string]int64 {
	t.Helper()
	seeds := d.seeds(id, 2, 1)
	phones := map[string]*phone{}
	open := func(name, link string) {
		d.clock.Advance(time.Minute)
		phones[name] = newPhone(t, androidChrome)
		if res, _ := phones[name].unlock(link); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s unlocks: %d", name, res.StatusCode)
		}
	}
	forward := func(from, link, channel string) string {
		status, u, _ := phones[from].forward(link, channel)
		if status != http.StatusCreated {
			t.Fatalf("%s forwards by %s: %d", from, channel, status)
		}
		return u
	}
	open("alice", seeds[0])
	toBob, toCarol := forward("alice", seeds[0], "whatsapp"), forward("alice", seeds[0], "sms")
	open("bob", toBob)
	open("carol", toCarol)
	open("dave", forward("bob", toBob, "email"))
	open("erin", seeds[1])

	var tree struct{ Nodes []struct{ ID int64 } }
	if st := d.api("GET", path(id, "/tree"), nil, &tree); st != http.StatusOK || len(tree.Nodes) != 5 {
		t.Fatalf("API tree: %d, %d nodes", st, len(tree.Nodes))
	}
	ids := map[string]int64{}
	for i, name := range []string{"alice", "bob", "carol", "dave", "erin"} {
		ids[name] = tree.Nodes[i].ID // claims are numbered in the order made
	}
	return ids
}

func TestDashTreeJSON(t *testing.T) {
	d := newDash(t)
	id := d.launch(nil, "text/plain", []byte("hi"))
	start := d.clock.Now()
	ids := spread(t, d, id)
	b := d.signedIn()
	base := fmt.Sprintf("%s/campaigns/%d/tree.json", d.srv.URL, id)

	t.Run("Whole", func(t *testing.T) {
		var v treeView
		getJSON(t, b, base, &v)
		if v.Root != 0 || v.Views != 5 || v.Drawn != 5 || len(v.More) != 0 || v.Width != 3 || v.Height != 3 {
			t.Errorf("view: root %d, %d views, %d drawn, %d groups, %dx%d; want 0, 5, 5, 0, 3x3", v.Root, v.Views, v.Drawn, len(v.More), v.Width, v.Height)
		}
		// Depth first, siblings oldest first; each claim's own channel,
		// claim time, depth, and what lies below it.
		want := []struct {
			name              string
			parent            string
			depth             int
			channel           string
			minutes           int
			down, children, y int
		}{
			{"alice", "", 1, "link", 1, 3, 2, 1},
			{"bob", "alice", 2, "whatsapp", 2, 1, 1, 2},
			{"dave", "bob", 3, "email", 4, 0, 0, 3},
			{"carol", "alice", 2, "sms", 3, 0, 0, 2},
			{"erin", "", 1, "link", 5, 0, 0, 1},
		}
		if len(v.Nodes) != 6 {
			t.Fatalf("%d nodes, want the campaign and 5 claims", len(v.Nodes))
		}
		if c := v.Nodes[0]; c.ID != 0 || c.Downstream != 5 || c.Children != 2 || c.ClaimedAt != nil || c.Channel != "" {
			t.Errorf("campaign node %+v", c)
		}
		for i, w := range want {
			n := v.Nodes[i+1]
			if n.ID != ids[w.name] || n.Parent != ids[w.parent] || n.Depth != w.depth || n.Channel != w.channel ||
				n.ClaimedAt == nil || !n.ClaimedAt.Equal(start.Add(time.Duration(w.minutes)*time.Minute)) ||
				n.Downstream != w.down || n.Children != w.children || n.Y != w.y {
				t.Errorf("node %d = %+v, want %s %+v (id %d)", i+1, n, w.name, w, ids[w.name])
			}
		}
		// dave, carol and erin are the leaves, left to right.
		if xs := [...]float64{v.Nodes[3].X, v.Nodes[4].X, v.Nodes[5].X, v.Nodes[1].X, v.Nodes[0].X}; xs != [...]float64{0, 1, 2, 0.5, 1.25} {
			t.Errorf("x of dave, carol, erin, alice, campaign = %v", xs)
		}
	})

	t.Run("Budget", func(t *testing.T) {
		var v treeView
		getJSON(t, b, base+"?budget=2", &v)
		if v.Drawn != 2 || len(v.Nodes) != 3 || v.Nodes[1].ID != ids["alice"] || v.Nodes[2].ID != ids["bob"] {
			t.Fatalf("budget 2: %+v, want alice and bob", v.Nodes)
		}
		// dave under bob, carol under alice, erin under the campaign.
		want := map[int64]int{ids["bob"]: 1, ids["alice"]: 1, 0: 1}
		left := 0
		for _, m := range v.More {
			if want[m.Parent] != 1 || m.Views != 1 || m.Branches != 1 {
				t.Errorf("group %+v", m)
			}
			delete(want, m.Parent)
			left += m.Views
		}
		if len(want) != 0 || v.Drawn+left != v.Views {
			t.Errorf("groups %+v: %d drawn + %d left out, want %d views", v.More, v.Drawn, left, v.Views)
		}
		// Expanding the campaign's group draws erin.
		getJSON(t, b, base+"?budget=2&expand=0", &v)
		if v.Drawn != 3 || v.Nodes[len(v.Nodes)-1].ID != ids["erin"] {
			t.Errorf("expanded: %+v, want erin drawn last", v.Nodes)
		}
	})

	t.Run("Root", func(t *testing.T) {
		var v treeView
		getJSON(t, b, fmt.Sprintf("%s?root=%d", base, ids["bob"]), &v)
		if v.Root != ids["bob"] || v.Views != 2 || v.Drawn != 2 || len(v.Nodes) != 2 ||
			v.Nodes[0].ID != ids["bob"] || v.Nodes[0].Parent != ids["alice"] || v.Nodes[0].Y != 0 ||
			v.Nodes[1].ID != ids["dave"] || v.Nodes[1].Depth != 3 || v.Nodes[1].Y != 1 {
			t.Errorf("bob's cascade: %+v", v)
		}
	})

	t.Run("BadParameters", func(t *testing.T) {
		other := d.launch(nil, "text/plain", []byte("other"))
		d.clock.Advance(time.Minute)
		elsewhere := newPhone(t, iPhoneSafari)
		elsewhere.unlock(d.seeds(other, 1, 1)[0])
		var otherTree struct{ Nodes []struct{ ID int64 } }
		d.api("GET", path(other, "/tree"), nil, &otherTree)
		many := strings.Repeat("1,", 16) + "1"
		for _, tc := range []struct {
			query  string
			status int
			msg    string
		}{
			{"?root=abc", 400, "root: must be a claim number"},
			{"?root=-3", 400, "root: must be a claim number"},
			{"?root=1.5", 400, "root: must be a claim number"},
			{"?budget=0", 400, "budget: must be a whole number from 1 to 5000"},
			{"?budget=5001", 400, "budget: must be a whole number from 1 to 5000"},
			{"?budget=lots", 400, "budget: must be a whole number from 1 to 5000"},
			{"?budget=99999999999999999999", 400, "budget: must be a whole number from 1 to 5000"},
			{"?expand=1,x", 400, "expand: must list at most 16 claim numbers"},
			{"?expand=" + many, 400, "expand: must list at most 16 claim numbers"},
			{"?root=999999", 404, "This view is not in this campaign's tree."},
			{"?expand=999999", 404, "This view is not in this campaign's tree."},
			{fmt.Sprintf("?root=%d", otherTree.Nodes[0].ID), 404, "This view is not in this campaign's tree."},
		} {
			status, msg := getJSON(t, b, base+tc.query, nil)
			if status != tc.status || !strings.HasPrefix(msg, tc.msg) {
				t.Errorf("%s: %d %q, want %d %q", tc.query, status, msg, tc.status, tc.msg)
			}
		}
		for _, u := range []string{d.srv.URL + "/campaigns/999/tree.json", d.srv.URL + "/campaigns/abc/tree.json"} {
			if status, msg := getJSON(t, b, u, nil); status != 404 || msg != "This campaign does not exist." {
				t.Errorf("%s: %d %q, want 404", u, status, msg)
			}
		}
		// The page says the same in French, with a page rather than JSON.
		res, body := b.do("GET", fmt.Sprintf("%s/campaigns/%d/tree?budget=0", d.srv.URL, id), nil, http.Header{"Accept-Language": {"fr"}})
		if res.StatusCode != 400 || !strings.Contains(body, "budget : doit être un nombre entier de 1 à 5000.") {
			t.Errorf("page with a bad budget: %d", res.StatusCode)
		}
		res, body = b.get(fmt.Sprintf("%s/campaigns/%d/tree?root=%d", d.srv.URL, id, otherTree.Nodes[0].ID))
		if res.StatusCode != 404 || !strings.Contains(body, "This view is not in this campaign&#39;s tree.") {
			t.Errorf("page of another campaign's claim: %d", res.StatusCode)
		}
	})

	t.Run("SignedOut", func(t *testing.T) {
		out := d.browser()
		res, body := out.do("GET", base, nil, http.Header{"Accept": {"application/json"}})
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "sign in first") {
			t.Errorf("signed-out script: %d %s", res.StatusCode, body)
		}
		for _, u := range []string{base, fmt.Sprintf("%s/campaigns/%d/tree", d.srv.URL, id)} {
			if res, _ := out.get(u); res.StatusCode != http.StatusSeeOther || location(res) != "/login" {
				t.Errorf("signed-out %s: %d to %q, want /login", u, res.StatusCode, location(res))
			}
		}
	})
}

func TestDashTreePage(t *testing.T) {
	d := newDash(t)
	id := d.launch(nil, "text/plain", []byte("hi"))
	b := d.signedIn()
	page := fmt.Sprintf("%s/campaigns/%d/tree", d.srv.URL, id)

	t.Run("Empty", func(t *testing.T) {
		res, body := b.get(page)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%d", res.StatusCode)
		}
		mustContain(t, body,
			`<script src="/static/dash_tree.`,
			`<svg class="tree"`, `data-nodes="0"`, fmt.Sprintf(`data-src="/campaigns/%d/tree.json"`, id),
			fmt.Sprintf(`href="/campaigns/%d/tree" aria-current="page"`, id),
			`<label for="tree-root">Cascade shown</label>`, `<option value="">The whole campaign</option>`,
			"No view yet", "Views drawn: 0 of 0.", "Drawing the tree needs JavaScript",
			`<li data-channel="whatsapp"><span class="tree-swatch ch-whatsapp" aria-hidden="true"></span>WhatsApp</li>`,
		)
		if strings.Contains(body, `class="tree-table"`) {
			t.Error("a table of an empty tree")
		}
	})

	ids := spread(t, d, id)
	t.Run("Whole", func(t *testing.T) {
		_, body := b.get(page)
		mustContain(t, body,
			"Views drawn: 5 of 5.",
			// One campaign: its people are numbered as its claims.
			fmt.Sprintf("<option value=\"%d\">Person\u00a0%d · 4 views · Link or QR code</option>", ids["alice"], ids["alice"]),
			fmt.Sprintf("<option value=\"%d\">Person\u00a0%d · 1 view · Link or QR code</option>", ids["erin"], ids["erin"]),
			`class="tree-table"`,
			// Bob: under alice, at depth 2, by WhatsApp, one view below him.
			fmt.Sprintf(`<span class="tree-swatch ch-whatsapp" aria-hidden="true"></span>Person`+"\u00a0"+`%d</th>
<td>Person`+"\u00a0"+`%d</td><td class="num">2</td><td>WhatsApp</td><td>Nov 23, 2026 20:02 UTC</td>
<td class="num">1</td><td class="num">1</td>`, ids["bob"], ids["alice"]),
		)
		if strings.Index(body, `<option value="`+strconv.FormatInt(ids["alice"], 10)) > strings.Index(body, `<option value="`+strconv.FormatInt(ids["erin"], 10)) {
			t.Error("the largest cascade is not listed first")
		}
		if strings.Contains(body, "style=") || strings.Contains(body, "<script>") {
			t.Error("an inline style or script: the Content-Security-Policy forbids them")
		}
	})
	t.Run("RootInFrench", func(t *testing.T) {
		res, body := b.do("GET", fmt.Sprintf("%s?root=%d", page, ids["bob"]), nil, http.Header{"Accept-Language": {"fr-FR"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%d", res.StatusCode)
		}
		mustContain(t, body,
			`<html lang="fr">`, "Arbre des partages", "Vues dessinées : 2 sur 2.",
			fmt.Sprintf(`data-root="%d"`, ids["bob"]),
			fmt.Sprintf("<option value=\"%d\" selected>Personne\u00a0%d</option>", ids["bob"], ids["bob"]), // not a seed: added to the list
			fmt.Sprintf(`href="/campaigns/%d/tree?root=%d">Remonter d&#39;un niveau</a>`, id, ids["alice"]),
		)
	})
	t.Run("Assets", func(t *testing.T) {
		res, body := b.get(d.srv.URL + "/static/dash_tree.js")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `querySelector("svg.tree")`) {
			t.Errorf("dash_tree.js: %d", res.StatusCode)
		}
	})
}

// A campaign of 100,000 claims, written straight into the database, is
// drawn within the budget: the measure of what the page asks for every
// 10 seconds.
func TestDashTreeLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100,000 claims")
	}
	const n = 100_000
	d := newDash(t)
	id := d.launch(nil, "text/plain", []byte("hi"))
	bulkClaims(t, d, id, n)
	b := d.signedIn()
	var v treeView
	startAt := time.Now()
	res, body := b.do("GET", fmt.Sprintf("%s/campaigns/%d/tree.json", d.srv.URL, id), nil, http.Header{"Accept": {"application/json"}})
	first := time.Since(startAt)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%d: %.200s", res.StatusCode, body)
	}
	json.Unmarshal([]byte(body), &v)
	left := 0
	for _, m := range v.More {
		left += m.Views
	}
	if v.Views != n || v.Drawn != 800 || v.Drawn+left != n {
		t.Errorf("%d views, %d drawn, %d left out; want %d, 800, the rest", v.Views, v.Drawn, left, n)
	}
	startAt = time.Now()
	b.do("GET", fmt.Sprintf("%s/campaigns/%d/tree.json", d.srv.URL, id), nil, http.Header{"Accept": {"application/json"}})
	again := time.Since(startAt)
	t.Logf("100,000 claims: %d nodes and %d groups drawn, %d bytes of JSON; first answer %v (loads the tree), next %v",
		len(v.Nodes), len(v.More), len(body), first.Round(time.Millisecond), again.Round(time.Millisecond))
	if len(body) > 400<<10 {
		t.Errorf("%d bytes of JSON every 10 seconds: too much", len(body))
	}
	res, body = b.get(fmt.Sprintf("%s/campaigns/%d/tree", d.srv.URL, id))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Views drawn: 40 of 100,000.") {
		t.Errorf("page: %d, without the table's count", res.StatusCode)
	}
}

// bulkClaims writes a random recursive tree of n claims into campaign id:
// the recipient's pages would take minutes.
func bulkClaims(t *testing.T, d *dashApp, id int64, n int) {
	t.Helper()
	if err := gatingtest.Synthesize(context.Background(), d.db, campaign.ID(id), n, 1, d.clock.Now()); err != nil {
		t.Fatal(err)
	}
}
