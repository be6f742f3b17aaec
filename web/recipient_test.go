package web_test

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/migrations/dbtest"
)

// The whole core loop through the real handlers: a marketer launches, a
// recipient unlocks, watches with Range requests, forwards on every
// channel, and a friend unlocks the forward as a depth-2 node.
func TestCoreLoop(t *testing.T) {
	a := newApp(t, 1<<20)
	video := mediatest.MP4(bytes.Repeat([]byte("0123456789"), 5000))
	id := a.launch(nil, "video/mp4", video)
	seed := a.seeds(id, 1, 1)[0]

	alice := newPhone(t, iPhoneSafari)
	res, body := alice.get(seed)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `action="/s/`) || !strings.Contains(body, "Débloquer") {
		t.Fatalf("first GET: %d, want the French unlock page:\n%s", res.StatusCode, body)
	}
	if st := a.stats(id); st["views"] != 0.0 {
		t.Fatalf("a GET counted a view: %v", st)
	}
	res, _ = alice.unlock(seed)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != strings.TrimPrefix(seed, a.srv.URL) {
		t.Fatalf("unlock: %d to %q, want 303 to the link", res.StatusCode, res.Header.Get("Location"))
	}
	cookie := res.Header.Get("Set-Cookie")
	for _, attr := range []string{"HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("device cookie %q lacks %s", cookie, attr)
		}
	}
	res, body = alice.get(seed)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "<video") || !strings.Contains(body, "Partager en privé") {
		t.Fatalf("after unlock: %d, want the content page:\n%s", res.StatusCode, body)
	}

	t.Run("MediaRange", func(t *testing.T) {
		res, got := alice.do("GET", seed+"/media", nil, http.Header{"Range": {"bytes=10-19"}})
		if res.StatusCode != http.StatusPartialContent || got != string(video[10:20]) {
			t.Fatalf("range: %d %q, want 206 %q", res.StatusCode, got, video[10:20])
		}
		if cc := res.Header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("media Cache-Control = %q, want private, no-store", cc)
		}
		if res.Header.Get("Content-Type") != "video/mp4" || res.Header.Get("Accept-Ranges") != "bytes" {
			t.Errorf("media headers = %v", res.Header)
		}
		res, got = alice.get(seed + "/media")
		if res.StatusCode != http.StatusOK || got != string(video) {
			t.Errorf("whole media: %d, %d bytes; want %d", res.StatusCode, len(got), len(video))
		}
	})

	links := make(map[string]string)
	for _, ch := range []struct{ channel, sharePrefix string }{
		{"whatsapp", "https://wa.me/?text="},
		{"sms", "sms:?&body="},
		{"email", "mailto:?subject="},
		{"link", a.srv.URL + "/s/"},
	} {
		status, link, share := alice.forward(seed, ch.channel)
		if status != http.StatusCreated || !strings.HasPrefix(link, a.srv.URL+"/s/") || !strings.HasPrefix(share, ch.sharePrefix) {
			t.Fatalf("forward %s: %d %q %q", ch.channel, status, link, share)
		}
		if ch.channel != "link" && !strings.Contains(share, url.QueryEscape(link)) {
			t.Errorf("%s share URL %q does not carry the link %q", ch.channel, share, link)
		}
		links[ch.channel] = link
	}
	// A plain form post (no JavaScript) is redirected to the channel.
	res, _ = alice.do("POST", seed+"/forward", url.Values{"channel": {"whatsapp"}}, nil)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "https://wa.me/?text=") {
		t.Errorf("form forward: %d to %q, want 303 to wa.me", res.StatusCode, res.Header.Get("Location"))
	}

	bob := newPhone(t, androidChrome)
	if res, _ := bob.unlock(links["whatsapp"]); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("bob's unlock: %d", res.StatusCode)
	}
	if res, body := bob.get(links["whatsapp"]); !strings.Contains(body, "<video") {
		t.Fatalf("bob's content page: %d", res.StatusCode)
	}

	st := a.stats(id)
	fw := st["forwards"].(map[string]any)
	if st["views"] != 2.0 || st["reach"] != 2.0 || st["max_depth"] != 2.0 || st["links"] != 6.0 ||
		fw["whatsapp"] != 2.0 || fw["sms"] != 1.0 || fw["email"] != 1.0 || fw["link"] != 1.0 {
		t.Errorf("stats = %v", st)
	}
	var tree struct {
		Nodes []struct {
			ID      int64
			Parent  *int64
			Depth   int
			Channel string
		}
	}
	if a.api("GET", path(id, "/tree"), nil, &tree); len(tree.Nodes) != 2 {
		t.Fatalf("tree = %+v, want 2 nodes", tree)
	}
	root, child := tree.Nodes[0], tree.Nodes[1]
	if root.Parent != nil || root.Depth != 1 || child.Parent == nil || *child.Parent != root.ID || child.Depth != 2 || child.Channel != "whatsapp" {
		t.Errorf("tree = %+v, want bob (whatsapp, depth 2) under alice", tree.Nodes)
	}
}

// The content, page and media, is never served without a claim by this
// device: not without a cookie, not with another device's cookie.
func TestContentNeedsThisDevicesClaim(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "audio/mpeg", []byte("ID3 secret audio bytes"))
	links := a.seeds(id, 2, 1)
	owner := newPhone(t, iPhoneSafari)
	owner.unlock(links[0])
	other := newPhone(t, androidChrome)
	other.unlock(links[1]) // holds a claim, but on another link

	for name, p := range map[string]*phone{"NoCookie": newPhone(t, androidChrome), "OtherDevice": other} {
		t.Run(name, func(t *testing.T) {
			res, body := p.get(links[0])
			if strings.Contains(body, "<audio") || strings.Contains(body, "/media") {
				t.Errorf("content page shown without this device's claim (%d)", res.StatusCode)
			}
			res, body = p.get(links[0] + "/media")
			if res.StatusCode != http.StatusForbidden || strings.Contains(body, "secret audio") {
				t.Errorf("media: %d, want 403 and no content", res.StatusCode)
			}
			if status, _, _ := p.forward(links[0], "sms"); status != http.StatusForbidden {
				t.Errorf("forward: %d, want 403", status)
			}
		})
	}
	// A forged cookie is no better than none.
	forged := newPhone(t, androidChrome)
	u, _ := url.Parse(links[0])
	forged.client.Jar.SetCookies(u, []*http.Cookie{{Name: "sillage_device", Value: "AAAAAAAAAAAAAAAAAAAAAA", Path: "/s/"}})
	if res, _ := forged.get(links[0] + "/media"); res.StatusCode != http.StatusForbidden {
		t.Errorf("forged cookie: %d, want 403", res.StatusCode)
	}
}

// Link-preview fetchers get the teaser with OpenGraph tags; they never
// claim a seat or count as a view, and a preview is recorded.
func TestPreviewFetchersNeverClaim(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/markdown", []byte("# Secret words"))
	link := a.seeds(id, 1, 1)[0]
	agents := []string{
		"WhatsApp/2.23.20.0 A",
		"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
		"TelegramBot (like TwitterBot)",
		"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
		"Twitterbot/1.0",
		"LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
		"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
		"Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
		"Microsoft Office Existence Discovery",
	}
	previews := 0
	for _, ua := range agents {
		bot := newPhone(t, ua)
		res, body := bot.get(link)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `property="og:title" content="Un clip en avant-première"`) ||
			!strings.Contains(body, `property="og:description"`) {
			t.Errorf("%s: %d, want the teaser with OpenGraph tags:\n%s", ua, res.StatusCode, body)
		}
		if strings.Contains(body, "Secret words") || strings.Contains(body, "/unlock") {
			t.Errorf("%s was shown the content or the unlock form", ua)
		}
		if !strings.Contains(ua, "Existence Discovery") {
			previews++
		}
		// Scanners that submit forms still take no seat.
		if res, _ := bot.unlock(link); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s unlock: %d, want 403", ua, res.StatusCode)
		}
	}
	res, _ := newPhone(t, iPhoneSafari).do("HEAD", link, nil, nil)
	if res.StatusCode != http.StatusOK {
		t.Errorf("HEAD: %d", res.StatusCode)
	}
	prefetch, _ := newPhone(t, androidChrome).do("GET", link, nil, http.Header{"Sec-Purpose": {"prefetch"}})
	if prefetch.StatusCode != http.StatusOK {
		t.Errorf("prefetch: %d", prefetch.StatusCode)
	}
	st := a.stats(id)
	if st["views"] != 0.0 || st["previews"] != float64(previews) {
		t.Errorf("stats = %v; want 0 views and %d previews", st, previews)
	}
	// The one seat is still free for a person.
	if res, _ := newPhone(t, androidChrome).unlock(link); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a person after all the bots: %d, want 303", res.StatusCode)
	}
}

// Fifty phones race for the last seat through the real handler: one wins.
func TestUnlockRaceThroughHandler(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(map[string]any{"max_seats": 5}, "text/plain", []byte("hi"))
	link := a.seeds(id, 1, 3)[0]
	newPhone(t, iPhoneSafari).unlock(link)
	newPhone(t, iPhoneSafari).unlock(link)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		codes = map[int]int{}
	)
	start := make(chan struct{})
	for range 50 {
		p := newPhone(t, androidChrome)
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, _ := p.unlock(link)
			mu.Lock()
			codes[res.StatusCode]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	if codes[http.StatusSeeOther] != 1 || codes[http.StatusConflict] != 49 {
		t.Errorf("answers = %v, want one 303 and 49 409", codes)
	}
	if st := a.stats(id); st["views"] != 3.0 {
		t.Errorf("views = %v, want 3", st["views"])
	}
}

// Every refusal is a human page with a fitting status, in the campaign's
// language; unknown and revoked links look the same.
func TestRefusalPages(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(map[string]any{"link_lifetime_hours": 1}, "text/plain", []byte("hi"))
	links := a.seeds(id, 3, 1)
	newPhone(t, iPhoneSafari).unlock(links[0])

	res, body := newPhone(t, androidChrome).unlock(links[0])
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "déjà été ouvert sur un autre téléphone") {
		t.Errorf("seat taken: %d\n%s", res.StatusCode, body)
	}

	var l struct{ Links []struct{ ID int64 } }
	a.api("POST", path(id, "/links"), map[string]any{"count": 1}, &l)
	if st := a.api("DELETE", path(id, "/links/"+fmt.Sprint(l.Links[0].ID)), nil, nil); st != http.StatusNoContent {
		t.Fatalf("revoke: %d", st)
	}
	_, unknownBody := newPhone(t, androidChrome).get(a.srv.URL + "/s/AAAAAAAAAAAAAAAAAAAAAA")
	res, revokedBody := newPhone(t, androidChrome).get(a.srv.URL + "/s/" + revokedToken(t, a, id))
	if res.StatusCode != http.StatusNotFound || unknownBody != revokedBody {
		t.Errorf("revoked link: %d; its page differs from an unknown link's", res.StatusCode)
	}
	for _, bad := range []string{"/s/x", "/s/" + strings.Repeat("A", 500), "/s/%00%01", "/s/../../etc/passwd"} {
		res, body := newPhone(t, androidChrome).get(a.srv.URL + bad)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "<html") {
			t.Errorf("GET %s: %d, want a 404 page", bad, res.StatusCode)
		}
	}

	a.api("POST", path(id, "/status"), map[string]string{"status": "paused"}, nil)
	if res, body := newPhone(t, androidChrome).get(links[1]); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "en pause") {
		t.Errorf("paused: %d\n%s", res.StatusCode, body)
	}
	a.api("POST", path(id, "/status"), map[string]string{"status": "ended"}, nil)
	if res, body := newPhone(t, androidChrome).unlock(links[1]); res.StatusCode != http.StatusGone || !strings.Contains(body, "terminée") {
		t.Errorf("ended: %d\n%s", res.StatusCode, body)
	}

	// English campaign, not open yet: the page gives the date.
	var c struct{ ID int64 }
	starts := a.clock.Now().Add(48 * time.Hour).Format(time.RFC3339)
	a.api("POST", "/api/v1/campaigns", map[string]any{"title": "Soon", "language": "en", "starts_at": starts}, &c)
	a.apiWith(a.key, "text/plain", "PUT", path(c.ID, "/content"), "soon", nil)
	a.api("POST", path(c.ID, "/status"), map[string]string{"status": "live"}, nil)
	soon := a.seeds(c.ID, 1, 1)[0]
	res, body = newPhone(t, androidChrome).get(soon)
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "not opened yet") || !strings.Contains(body, "November 25, 2026") {
		t.Errorf("not open: %d\n%s", res.StatusCode, body)
	}
}

// revokedToken mints and revokes a link and returns its token.
func revokedToken(t *testing.T, a *app, id int64) string {
	var l struct {
		Links []struct {
			ID  int64
			URL string
		}
	}
	a.api("POST", path(id, "/links"), map[string]any{"count": 1}, &l)
	a.api("DELETE", path(id, "/links/"+fmt.Sprint(l.Links[0].ID)), nil, nil)
	return l.Links[0].URL[strings.LastIndex(l.Links[0].URL, "/")+1:]
}

// Recipient pages load nothing from another origin and never leak the
// token through the Referer header.
func TestRecipientPagesStayOnOrigin(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/markdown", []byte("# Title\n\n![img](https://evil.example/x.png) <script src=\"https://evil.example/x.js\"></script>"))
	a.api("PATCH", path(id, ""), map[string]any{"teaser": map[string]any{"image_url": "https://cdn.example.com/teaser.jpg"}}, nil)
	link := a.seeds(id, 1, 1)[0]
	p := newPhone(t, androidChrome)
	pages := map[string]string{}
	_, pages["unlock"] = p.get(link)
	p.unlock(link)
	_, pages["content"] = p.get(link)
	_, pages["refusal"] = newPhone(t, androidChrome).unlock(link)
	_, pages["notfound"] = p.get(a.srv.URL + "/s/nope")

	// Links to other sites are navigation, not loads: only what a page
	// fetches by itself counts.
	external := regexp.MustCompile(`(?i)(?:src|action|poster|srcset)\s*=\s*["']?\s*(?:https?:)?//|<link[^>]*href\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|<script[^>]*>[^<]|@import`)
	for name, body := range pages {
		if m := external.FindString(body); m != "" {
			t.Errorf("%s page loads from another origin (%q):\n%s", name, m, body)
		}
	}
	for _, u := range []string{link, link + "/media", a.srv.URL + "/s/nope"} {
		res, _ := p.get(u)
		h := res.Header
		if h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("%s: security headers missing: %v", u, h)
		}
	}
}

// A form posted from another site claims nothing.
func TestCrossSiteUnlockRefused(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("hi"))
	link := a.seeds(id, 1, 1)[0]
	p := newPhone(t, androidChrome)
	res, _ := p.do("POST", link+"/unlock", url.Values{}, http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site unlock: %d, want 403", res.StatusCode)
	}
	if st := a.stats(id); st["views"] != 0.0 {
		t.Errorf("cross-site unlock counted: %v", st)
	}
}

// A device is one node per campaign: a second link adds an exposure.
func TestExposureThroughHandler(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("hi"))
	links := a.seeds(id, 2, 1)
	p := newPhone(t, iPhoneSafari)
	p.unlock(links[0])
	if res, _ := p.unlock(links[1]); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second link: %d", res.StatusCode)
	}
	if _, body := p.get(links[1]); !strings.Contains(body, "Partager en privé") {
		t.Error("the exposure does not show the content")
	}
	if st := a.stats(id); st["views"] != 1.0 || st["exposures"] != 1.0 {
		t.Errorf("stats = %v, want 1 view and 1 exposure", st)
	}
	// The second link's seat stays free for someone else.
	if res, _ := newPhone(t, androidChrome).unlock(links[1]); res.StatusCode != http.StatusSeeOther {
		t.Errorf("newcomer: %d, want 303", res.StatusCode)
	}
}

// No raw IP address is stored anywhere.
func TestNoIPStored(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("hi"))
	link := a.seeds(id, 1, 1)[0]
	p := newPhone(t, androidChrome)
	p.get(link)
	p.unlock(link)
	p.forward(link, "sms")
	newPhone(t, "WhatsApp/2.23.20.0 A").get(link)
	newPhone(t, iPhoneSafari).unlock(link)
	for _, ip := range []string{"127.0.0.1", "::1"} {
		if n := countInDatabase(t, a, ip); n > 0 {
			t.Errorf("%q stored %d times", ip, n)
		}
	}
}

func countInDatabase(t *testing.T, a *app, needle string) int {
	t.Helper()
	return bytes.Count(dbtest.Dump(t, a.db), []byte(needle))
}

// A forward form that was tampered with gets a page saying what is wrong,
// in the campaign's language (the phone's where the form cannot be read
// far enough to know the campaign), and nothing is written.
func TestForwardBadInput(t *testing.T) {
	a := newApp(t, 1<<20)
	seeds := map[string]string{}
	alice := newPhone(t, iPhoneSafari)
	for _, lang := range []string{"fr", "en"} {
		id := a.launch(map[string]any{"max_seats": 5}, "text/plain", []byte("Le texte"))
		if st := a.api("PATCH", fmt.Sprintf("/api/v1/campaigns/%d", id), map[string]any{"language": lang}, nil); st != http.StatusOK {
			t.Fatalf("language %s: %d", lang, st)
		}
		seeds[lang] = a.seeds(id, 1, 1)[0]
		if res, _ := alice.unlock(seeds[lang]); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("unlock: %d", res.StatusCode)
		}
	}
	before := dbtest.Dump(t, a.db)
	for _, c := range []struct {
		form, fr, en string
	}{
		{"channel=sms&seats=two", "Places\u00a0: doit être un nombre entier", "Seats: must be a whole number"},
		{"channel=sms&seats=-1", "Places\u00a0: doit être un nombre entier", "Seats: must be a whole number"},
		{"channel=sms&seats=6", "Places\u00a0: doit être entre 1 et 5", "Seats: must be between 1 and 5"},
		{"channel=%zz", "formulaire illisible", "malformed form"},
	} {
		for lang, want := range map[string]string{"fr": c.fr, "en": c.en} {
			req, _ := http.NewRequest("POST", seeds[lang]+"/forward", strings.NewReader(c.form))
			req.Header.Set("User-Agent", iPhoneSafari)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("Accept-Language", lang)
			res, err := alice.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), html.EscapeString(want)) {
				t.Errorf("%s (%s): %d, want 400 and %q in:\n%.400s", c.form, lang, res.StatusCode, want, body)
			}
		}
	}
	// Once the link is known, its campaign's language wins over the phone's.
	res, body := alice.do("POST", seeds["fr"]+"/forward", url.Values{"channel": {"sms"}, "seats": {"6"}}, http.Header{"Accept-Language": {"en"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Places\u00a0: doit être entre 1 et 5") {
		t.Errorf("French campaign, English phone: %d, want the French message in:\n%.400s", res.StatusCode, body)
	}
	if !bytes.Equal(dbtest.Dump(t, a.db), before) {
		t.Error("a refused forward wrote something")
	}
}
