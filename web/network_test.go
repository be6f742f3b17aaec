package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/sillage/sillage/web"
)

// One client clearing its cookie on a 25-seat link, the issue's
// inflation: ten views, then a human page; the figures and the live view
// say the views look like one person's; another network still unlocks.
func TestOnePersonIsNotACrowd(t *testing.T) {
	d := newDash(t, withLimits(web.Limits{ClientIPHeader: "X-Real-IP"}))
	id := d.launch(map[string]any{"max_seats": 25}, "text/plain", []byte("hi"))
	var c struct {
		Rules struct {
			MaxClaimsPerNetwork int      `json:"max_claims_per_network"`
			Countries           []string `json:"send_for_me_countries"`
		}
	}
	if d.api("GET", path(id, ""), nil, &c); c.Rules.MaxClaimsPerNetwork != 10 || c.Rules.Countries == nil {
		t.Fatalf("a new campaign's rules %+v, want a cap of 10 and no countries", c.Rules)
	}
	link := d.seeds(id, 1, 25)[0]
	from := func(ip string) http.Header { return http.Header{"X-Real-Ip": {ip}} }
	views := 0
	var refused string
	for range 25 {
		// A new phone each time: the cookie cleared.
		res, body := newPhone(t, androidChrome).do("POST", link+"/unlock", url.Values{}, from("198.51.100.7"))
		switch res.StatusCode {
		case http.StatusSeeOther:
			views++
		case http.StatusTooManyRequests:
			refused = body
		default:
			t.Fatalf("unlock: %d", res.StatusCode)
		}
	}
	if views != 10 {
		t.Errorf("one network got %d views, want 10", views)
	}
	mustContain(t, refused, "Beaucoup de personnes ont déjà ouvert cette campagne depuis ton réseau aujourd&#39;hui")
	st := d.stats(id)
	nets, _ := st["networks"].(map[string]any)
	if st["views"] != 10.0 || nets["distinct"] != 1.0 || nets["top10_share"] != 1.0 || nets["one_person"] != true || nets["unknown"] != 0.0 {
		t.Errorf("stats: views %v, networks %v", st["views"], nets)
	}
	b := d.signedIn()
	_, page := b.get(d.srv.URL + "/campaigns/" + strconv.FormatInt(id, 10) + "/live")
	mustContain(t, page, `data-field="networks.one_person"`, "100% of these views come from one network",
		"1 (the busiest holds 100% of the views, the ten busiest 100%)")
	_, page = b.do("GET", d.srv.URL+"/campaigns/"+strconv.FormatInt(id, 10)+"/live", nil, http.Header{"Accept-Language": {"fr"}})
	mustContain(t, page, "100\u00a0% de ces vues viennent d&#39;un seul réseau")

	// Another network, and a local peer (whose network is unknown).
	if res, _ := newPhone(t, androidChrome).do("POST", link+"/unlock", url.Values{}, from("203.0.113.20")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("another network: %d", res.StatusCode)
	}
	if res, _ := newPhone(t, iPhoneSafari).unlock(link); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("local peer: %d", res.StatusCode)
	}
	nets = d.stats(id)["networks"].(map[string]any)
	if nets["distinct"] != 2.0 || nets["unknown"] != 1.0 || nets["top"] != 10.0 || nets["one_person"] != true {
		t.Errorf("networks %v, want 2 networks, 1 unknown, top 10, still flagged", nets)
	}
	_, page = b.get(d.srv.URL + "/campaigns/" + strconv.FormatInt(id, 10) + "/live")
	mustContain(t, page, "; views of unknown network (from before networks were recorded): 1")

	// The marketer lifts the cap: the network unlocks again.
	if st := d.api("PATCH", path(id, ""), map[string]any{"rules": map[string]any{"max_claims_per_network": 0}}, nil); st != http.StatusOK {
		t.Fatalf("patch: %d", st)
	}
	if res, _ := newPhone(t, androidChrome).do("POST", link+"/unlock", url.Values{}, from("198.51.100.7")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("no cap: %d", res.StatusCode)
	}
}

func TestCampaignNetworkRulesAPI(t *testing.T) {
	a := newApp(t, 1<<20)
	var c struct {
		ID    int64
		Rules map[string]any
	}
	if st := a.api("POST", "/api/v1/campaigns", map[string]any{"title": "Clip",
		"rules": map[string]any{"max_claims_per_network": 4, "send_for_me_countries": []string{"fr", "BE"}}}, &c); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	if c.Rules["max_claims_per_network"] != 4.0 || len(c.Rules["send_for_me_countries"].([]any)) != 2 || c.Rules["send_for_me_countries"].([]any)[0] != "FR" {
		t.Errorf("rules %v", c.Rules)
	}
	for name, rules := range map[string]map[string]any{
		"NegativeCap":  {"max_claims_per_network": -1},
		"CountryName":  {"send_for_me_countries": []string{"France"}},
		"CountryDigit": {"send_for_me_countries": []string{"F1"}},
	} {
		t.Run(name, func(t *testing.T) {
			var e struct{ Error string }
			if st := a.api("PATCH", path(c.ID, ""), map[string]any{"rules": rules}, &e); st != http.StatusBadRequest && st != http.StatusUnprocessableEntity {
				t.Fatalf("%d %q, want a 4xx", st, e.Error)
			}
			if !strings.Contains(e.Error, "rules.") {
				t.Errorf("error %q names no rule", e.Error)
			}
		})
	}
}
