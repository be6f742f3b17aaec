package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sillage/sillage/gating/useragent/useragenttest"
)

// listedAgents is every example of the crawler-user-agents list.
func listedAgents(t *testing.T) []string {
	var uas []string
	for _, e := range useragenttest.CrawlerList(t) {
		uas = append(uas, e.Instances...)
	}
	return uas
}

// countRows counts the rows of table in the app's database.
func countRows(t *testing.T, a *app, table string) int {
	t.Helper()
	var n int
	if err := a.db.Read.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Every example robot of the crawler-user-agents list posts the unlock
// form through the real handler: not one takes a seat or counts a view,
// and the seat is still there for a person afterwards.
func TestListedRobotsTakeNoSeat(t *testing.T) {
	uas := listedAgents(t)
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/markdown", []byte("# Secret words"))
	link := a.seeds(id, 1, 1)[0]
	robots := 0
	for _, ua := range uas {
		if useragenttest.ListedPerson(ua) {
			continue
		}
		robots++
		res, body := newPhone(t, ua).unlock(link)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%q unlock: %d, want 403", ua, res.StatusCode)
		}
		if strings.Contains(body, "Secret words") {
			t.Errorf("%q was shown the content", ua)
		}
	}
	if robots < 2000 {
		t.Fatalf("%d robots in the list, want over 2,000", robots)
	}
	if n := countRows(t, a, "claims"); n != 0 {
		t.Errorf("%d claims after %d robots, want 0", n, robots)
	}
	if st := a.stats(id); st["views"] != 0.0 {
		t.Errorf("views = %v after the robots, want 0", st["views"])
	}
	if res, _ := newPhone(t, iPhoneSafari).unlock(link); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a person after %d robots: %d, want 303", robots, res.StatusCode)
	}
	t.Logf("%d listed robots took no seat", robots)
}

// The chat apps' and workspaces' previewers that used to take seats see the
// teaser, and each is recorded as a preview under its app's name; a robot
// that is no previewer sees the teaser and records nothing.
func TestPreviewersRecordedByName(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/markdown", []byte("# Secret words"))
	link := a.seeds(id, 1, 1)[0]
	previewers := []struct{ ua, name string }{
		{"Mozilla/5.0 (compatible; Meta-ExternalHit/1.2; +https://www.facebook.com/externalhit_uatext.php)", "facebook"},
		{"Mozilla/5.0 (compatible; SnapURLPreview/1.1; +https://www.snapchat.com)", "snapchat"},
		{"Valve/Steam HTTP Client 1.1 (SteamChatURLLookup)", "steam"},
		{"ClickUpLinkUnfurler/1.1 (+https://clickup.com)", "clickup"},
		{"Notion/1.1 (https://notion.so; team@makenotion.com)", "notion"},
		{"Mozilla/5.0 (compatible; Pinterestbot/1.1; +https://www.pinterest.com/bot.html)", "pinterest"},
		{"http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.social/)", "mastodon"},
		{"Synapse (bot; +https://github.com/element-hq/synapse)", "matrix"},
	}
	robots := []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Playwright/1.49.1",
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Claude-User/1.1; +Claude-User@anthropic.com)",
	}
	uas, want := robots, []string(nil)
	for _, p := range previewers {
		uas, want = append(uas, p.ua), append(want, p.name)
	}
	for _, ua := range uas {
		res, body := newPhone(t, ua).get(link)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `property="og:title" content="Un clip en avant-première"`) {
			t.Errorf("%q: %d, want the teaser:\n%s", ua, res.StatusCode, body)
		}
		if strings.Contains(body, "Secret words") || strings.Contains(body, "/unlock") {
			t.Errorf("%q was shown the content or the unlock form", ua)
		}
	}
	rows, err := a.db.Read.Query(`SELECT agent FROM previews ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		got = append(got, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("previews recorded = %q, want %q", got, want)
	}
	if st := a.stats(id); st["previews"] != float64(len(want)) || st["views"] != 0.0 {
		t.Errorf("stats = %v; want %d previews and no view", st, len(want))
	}
}

// Every real browser of gating's corpus, phones, desktops and in-app
// browsers, unlocks through the real handler and is then shown the
// content.
func TestEveryPhoneAndDesktopUnlocks(t *testing.T) {
	uas := useragenttest.Browsers(t)
	a := newApp(t, 1<<20)
	id := a.launch(map[string]any{"max_seats": 1000}, "text/markdown", []byte("# Secret words"))
	link := a.seeds(id, 1, len(uas))[0]
	for _, ua := range uas {
		p := newPhone(t, ua)
		if res, body := p.unlock(link); res.StatusCode != http.StatusSeeOther {
			t.Errorf("%q unlock: %d, want 303:\n%s", ua, res.StatusCode, body)
			continue
		}
		if _, body := p.get(link); !strings.Contains(body, "Secret words") {
			t.Errorf("%q was not shown the content after unlocking", ua)
		}
	}
	if n := countRows(t, a, "claims"); n != len(uas) {
		t.Errorf("%d claims, want one per browser (%d)", n, len(uas))
	}
}
