package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// The definitions a marketer must be able to defend, each on a spread with
// a known answer, over the real handlers: phone A opens seed 1 and
// forwards one 3-seat WhatsApp link, which B, C and D open; E opens seed 2
// and forwards nothing; then A changes phone: the seat is released and A's
// new phone takes it over.
func TestStatsDefinitions(t *testing.T) {
	d := newDash(t)
	id := d.launch(map[string]any{"max_seats": 5}, "text/plain", []byte("hi"))
	seeds := d.seeds(id, 2, 1)
	unlock := func(link string) {
		t.Helper()
		if res, _ := newPhone(t, androidChrome).unlock(link); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("unlock %s: %d", link, res.StatusCode)
		}
	}
	a := newPhone(t, iPhoneSafari)
	if res, _ := a.unlock(seeds[0]); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock: %d", res.StatusCode)
	}
	res, body := a.do("POST", seeds[0]+"/forward", url.Values{"channel": {"whatsapp"}, "seats": {"3"}}, http.Header{"Accept": {"application/json"}})
	var group struct{ URL string }
	if json.Unmarshal([]byte(body), &group); res.StatusCode != http.StatusCreated || group.URL == "" {
		t.Fatalf("forward: %d %s", res.StatusCode, body)
	}
	for range 3 {
		unlock(group.URL)
	}
	unlock(seeds[1])
	if st := d.api("POST", path(id, "/claims/1/release"), nil, nil); st != http.StatusOK {
		t.Fatalf("release: %d", st)
	}
	unlock(seeds[0]) // A's new phone takes the seat over

	var st struct {
		Views, Reach int
		MaxDepth     int `json:"max_depth"`
		Depth        struct{ Max int }
		KFactor      map[string]float64 `json:"k_factor"`
		Virality     *float64           `json:"structural_virality"`
		Cascades     []struct {
			Seed, Size, Depth int
			Virality          *float64 `json:"structural_virality"`
		}
	}
	if code := d.api("GET", path(id, "/stats"), nil, &st); code != http.StatusOK {
		t.Fatalf("stats: %d", code)
	}
	// Five people unlocked; six phones saw the content.
	if st.Views != 5 || st.Reach != 6 {
		t.Errorf("views, reach = %d, %d; want 5, 6", st.Views, st.Reach)
	}
	// Three new viewers for five viewers, all by WhatsApp: the group link
	// counts its three people (links opened per view said 1/5).
	if k := st.KFactor; k["all"] != 3.0/5 || k["whatsapp"] != 3.0/5 || k["sms"] != 0 || k["email"] != 0 || k["link"] != 0 {
		t.Errorf("k_factor = %v, want all and whatsapp 0.6, the others 0", k)
	}
	// Seed 1's cascade is a star of 4 (virality 18/12); E alone has none
	// and is left out of the campaign's figure.
	if len(st.Cascades) != 2 {
		t.Fatalf("cascades = %+v, want 2", st.Cascades)
	}
	c0, c1 := st.Cascades[0], st.Cascades[1]
	if c0.Seed != 1 || c0.Size != 4 || c0.Depth != 2 || c0.Virality == nil || *c0.Virality != 1.5 {
		t.Errorf("cascades[0] = seed %d size %d depth %d virality %s, want seed 1, size 4, depth 2, virality 1.5", c0.Seed, c0.Size, c0.Depth, optional(c0.Virality))
	}
	if c1.Seed != 5 || c1.Size != 1 || c1.Depth != 1 || c1.Virality != nil {
		t.Errorf("cascades[1] = seed %d size %d depth %d virality %s, want seed 5 alone at depth 1, virality null", c1.Seed, c1.Size, c1.Depth, optional(c1.Virality))
	}
	if st.Virality == nil || *st.Virality != 1.5 {
		t.Errorf("structural_virality = %s, want 1.5", optional(st.Virality))
	}
	// One depth convention: a seed claim is depth 1 everywhere.
	if st.MaxDepth != 2 || st.Depth.Max != 2 {
		t.Errorf("max_depth, depth.max = %d, %d; want 2", st.MaxDepth, st.Depth.Max)
	}

	b := d.signedIn()
	_, page := b.get(d.srv.URL + livePath(id, "/live"))
	mustContain(t, page, `data-field="reach" data-value="6">6</dd>`,
		`<td class="num">1</td><td class="num">1</td>`+"\n"+`<td class="num">100%</td><td class="num">0.60</td>`,
		`<dd><strong data-field="structural_virality">1.50</strong>`)
	// The campaign list counts the takeover too.
	var list struct{ Campaigns []map[string]any }
	res, body = b.get(d.srv.URL + "/campaigns/figures")
	if err := json.Unmarshal([]byte(body), &list); err != nil || res.StatusCode != http.StatusOK || len(list.Campaigns) != 1 {
		t.Fatalf("campaign list: %d %s", res.StatusCode, body)
	}
	if got := list.Campaigns[0]; got["views"] != 5.0 || got["reach"] != 6.0 {
		t.Errorf("campaign list: views %v reach %v, want 5 and 6", got["views"], got["reach"])
	}
}

// Seeds that never spread have no structural virality: the figure is
// null, not the 60/31 of a star of 31 nodes joined under the campaign
// (the cascade package checks a thousand seeds; 30 phones do here).
func TestStatsViralityOfLoneSeeds(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("hi"))
	for _, link := range a.seeds(id, 30, 1) {
		if res, _ := newPhone(t, androidChrome).unlock(link); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("unlock: %d", res.StatusCode)
		}
	}
	var st map[string]json.RawMessage
	if code := a.api("GET", path(id, "/stats"), nil, &st); code != http.StatusOK {
		t.Fatalf("stats: %d", code)
	}
	if got := string(st["structural_virality"]); got != "null" {
		t.Errorf("structural_virality = %s, want null", got)
	}
	var cascades []map[string]json.RawMessage
	json.Unmarshal(st["cascades"], &cascades)
	if len(cascades) != 30 {
		t.Fatalf("%d cascades, want 30", len(cascades))
	}
	for _, c := range cascades {
		if got := string(c["structural_virality"]); got != "null" {
			t.Errorf("a lone claim's structural_virality = %s, want null", got)
		}
	}
}

// optional formats a figure that JSON may answer as null.
func optional(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(*v)
}
