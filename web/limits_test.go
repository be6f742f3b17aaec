package web_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/notify/notifytest"
	"github.com/sillage/sillage/web"
	"github.com/sillage/sillage/web/accounts"
)

// randomToken is a well-formed link token nobody minted.
func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Behind a proxy that appends X-Forwarded-For, what the client writes in
// its own headers never picks its network: a new X-Real-IP, or a forged
// X-Forwarded-For, on every request still meets the limit.
func TestForgedClientAddress(t *testing.T) {
	for _, c := range []struct {
		name string
		from func(i int) http.Header // what reaches Sillage from the proxy
	}{
		{"NewXRealIPEachTime", func(i int) http.Header {
			return http.Header{"X-Real-Ip": {fmt.Sprintf("192.0.2.%d", i+1)}, "X-Forwarded-For": {"203.0.113.50"}}
		}},
		{"ForgedForwardedFor", func(i int) http.Header {
			return http.Header{"X-Forwarded-For": {fmt.Sprintf("1.2.3.4, 192.0.2.%d, 203.0.113.50", i+1)}}
		}},
		{"BehindTwoProxies", func(i int) http.Header {
			return http.Header{"X-Forwarded-For": {fmt.Sprintf("192.0.2.%d, 203.0.113.50, 10.0.0.2", i+1)}}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := newApp(t, 1<<20, withLimits(web.Limits{Unlocks: 3, Window: time.Minute, ClientIPHeader: "X-Forwarded-For"}))
			id := a.launch(map[string]any{"max_seats": 30}, "text/plain", []byte("hi"))
			link := a.seeds(id, 1, 30)[0]
			var codes []int
			for i := range 6 {
				res, _ := newPhone(t, androidChrome).do("POST", link+"/unlock", url.Values{}, c.from(i))
				codes = append(codes, res.StatusCode)
			}
			if got, want := fmt.Sprint(codes), "[303 303 303 429 429 429]"; got != want {
				t.Errorf("unlocks answered %s, want %s", got, want)
			}
		})
	}
}

// A header never grants the loopback exemption: behind a trusted proxy,
// a client claiming to be 127.0.0.1 is limited like any other, on every
// per-network limit. Only a local tool, by its own socket, is not.
func TestForgedLoopbackLimited(t *testing.T) {
	for _, header := range []string{"X-Real-IP", "X-Forwarded-For"} {
		t.Run(header, func(t *testing.T) {
			a := newApp(t, 1<<20, withLimits(web.Limits{Unlocks: 2, FailedLookups: 2, Window: time.Minute, ClientIPHeader: header}))
			id := a.launch(map[string]any{"max_seats": 30}, "text/plain", []byte("hi"))
			link := a.seeds(id, 1, 30)[0]
			loopback := http.Header{http.CanonicalHeaderKey(header): {"127.0.0.1"}}
			passed := 0
			for range 10 {
				if res, _ := newPhone(t, androidChrome).do("POST", link+"/unlock", url.Values{}, loopback); res.StatusCode == http.StatusSeeOther {
					passed++
				}
			}
			if passed != 2 {
				t.Errorf("%d of 10 unlocks passed a limit of 2", passed)
			}
			missed := 0
			for range 10 {
				if res, _ := newPhone(t, androidChrome).do("GET", a.srv.URL+"/s/"+randomToken(), nil, loopback); res.StatusCode == http.StatusNotFound {
					missed++
				}
			}
			if missed != 2 {
				t.Errorf("%d of 10 unknown tokens looked up past a limit of 2", missed)
			}
			// A local tool, with no header, is not limited.
			for i := range 5 {
				if res, _ := newPhone(t, androidChrome).unlock(link); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("local unlock %d: %d", i+1, res.StatusCode)
				}
			}
		})
	}
}

// gathering holds every call that reaches it until all n requests of a
// test either reached it or were answered without reaching it: a limit
// checked before any of them is counted would let them all through.
type gathering struct {
	n        int
	mu       sync.Mutex
	reached  int
	answered int
	release  chan struct{}
}

func newGathering(n int) *gathering { return &gathering{n: n, release: make(chan struct{})} }

func (g *gathering) add(reached, answered int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.reached += reached
	g.answered += answered
	if g.reached+g.answered == g.n {
		close(g.release)
	}
}

// reach is called where the guarded work starts, and waits.
func (g *gathering) reach() {
	g.add(1, 0)
	<-g.release
}

// parallel sends n requests made by req at once, counts as answered
// without reaching the work those answered with status early, and
// returns how many got each status.
func (g *gathering) parallel(t *testing.T, early int, req func() *http.Request) map[int]int {
	t.Helper()
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for range g.n {
		wg.Go(func() {
			res, err := http.DefaultClient.Do(req())
			if err != nil {
				t.Error(err)
				g.add(0, 1)
				return
			}
			res.Body.Close()
			if res.StatusCode == early {
				g.add(0, 1)
			}
			mu.Lock()
			codes[res.StatusCode]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return codes
}

// heldGate holds every look-up of a link in a gathering.
type heldGate struct {
	web.Gate
	g *gathering
}

func (h heldGate) Visit(ctx context.Context, token string, device []byte) (*gating.Visit, error) {
	h.g.reach()
	return h.Gate.Visit(ctx, token, device)
}

// heldUsers holds every password check in a gathering.
type heldUsers struct {
	web.Users
	g *gathering
}

func (h heldUsers) Authenticate(ctx context.Context, email, password string) (accounts.User, error) {
	h.g.reach()
	return h.Users.Authenticate(ctx, email, password)
}

// Each attempt is counted before the work it guards: parallel guesses of
// tokens, or of a password, pass no more than the limit.
func TestParallelAttemptsCountedFirst(t *testing.T) {
	const n = 30
	t.Run("UnknownTokens", func(t *testing.T) {
		g := newGathering(n)
		a := newAppGate(t, 1<<20, func(gate web.Gate) web.Gate { return heldGate{gate, g} },
			withLimits(web.Limits{FailedLookups: 5, Window: time.Minute, ClientIPHeader: "X-Real-IP"}))
		codes := g.parallel(t, http.StatusTooManyRequests, func() *http.Request {
			req, _ := http.NewRequest("GET", a.srv.URL+"/s/"+randomToken(), nil)
			req.Header.Set("X-Real-IP", "198.51.100.7")
			return req
		})
		if codes[http.StatusNotFound] != 5 || codes[http.StatusTooManyRequests] != n-5 {
			t.Errorf("answers %v, want 5 look-ups and %d refusals", codes, n-5)
		}
	})
	t.Run("WrongPasswords", func(t *testing.T) {
		g := newGathering(n)
		d := newDash(t, withLimits(web.Limits{ClientIPHeader: "X-Real-IP"}), func(c *web.Config) { c.Users = heldUsers{c.Users, g} })
		if _, err := d.users.Create(context.Background(), marketerEmail, marketerPass); err != nil {
			t.Fatal(err)
		}
		codes := g.parallel(t, http.StatusTooManyRequests, func() *http.Request {
			form := url.Values{"email": {marketerEmail}, "password": {"wrong password"}}
			req, _ := http.NewRequest("POST", d.srv.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Real-IP", "198.51.100.7")
			return req
		})
		if codes[http.StatusUnprocessableEntity] != 5 || codes[http.StatusTooManyRequests] != n-5 {
			t.Errorf("answers %v, want 5 password checks and %d refusals", codes, n-5)
		}
	})
}

// Every path that takes a token counts its misses, and turns a guesser
// away with 429 and Retry-After past the limit; found tokens are not
// counted.
func TestEveryTokenPathCountsMisses(t *testing.T) {
	d := newDash(t, withLimits(web.Limits{FailedLookups: 5, Window: time.Minute, ClientIPHeader: "X-Real-IP"}))
	a := d.app
	id := a.launch(map[string]any{"max_seats": 50}, "text/plain", []byte("hi"))
	link := a.seeds(id, 1, 50)[0]
	token := link[strings.LastIndex(link, "/")+1:]
	// A real unsubscribe token too: a look-up that finds one is no miss.
	a.importContacts(id, "text/csv", "", "email\nzoe@example.com\n")
	a.send(id)
	unsubscribe := a.unsubscribeLink(notifytest.NewSMTPServer(t, notifytest.SMTPOptions{}), "zoe@example.com")
	optOut := unsubscribe[strings.LastIndex(unsubscribe, "/")+1:]
	send := url.Values{"to": {"friend@example.com"}}
	cases := []struct {
		method, path string // %s: the token
		form         url.Values
		header       http.Header
	}{
		{"GET", "/s/%s", nil, nil},
		{"HEAD", "/s/%s", nil, nil},
		{"POST", "/s/%s/unlock", url.Values{}, nil},
		{"GET", "/s/%s/image", nil, nil},
		{"GET", "/s/%s/media", nil, nil},
		{"GET", "/s/%s/captions", nil, nil},
		{"POST", "/s/%s/forward", url.Values{"channel": {"whatsapp"}}, nil},
		{"POST", "/s/%s/forward", url.Values{"channel": {"whatsapp"}}, http.Header{"Accept": {"application/json"}}},
		{"POST", "/s/%s/send", send, nil},
		{"GET", "/u/%s", nil, nil},
		{"POST", "/u/%s", url.Values{"List-Unsubscribe": {"One-Click"}}, nil},
	}
	// The router is walked: a token route added later without its case
	// here fails the test.
	routes, err := web.Routes(d.server)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, c := range cases {
		listed[c.method+" "+strings.ReplaceAll(c.path, "%s", "{token}")] = true
	}
	for _, rt := range routes {
		if route := rt[0] + " " + strings.TrimSuffix(rt[1], "/"); strings.Contains(route, "{token}") && !listed[route] {
			t.Errorf("%s takes a token and has no case here", route)
		}
	}
	for i, c := range cases {
		name := c.method + strings.ReplaceAll(c.path, "%s", "{token}")
		if c.header != nil {
			name += "JSON"
		}
		t.Run(name, func(t *testing.T) {
			from := func() http.Header {
				h := http.Header{"X-Real-Ip": {fmt.Sprintf("198.51.100.%d", i+1)}}
				for k, v := range c.header {
					h[k] = v
				}
				return h
			}
			p := newPhone(t, androidChrome)
			try := func(token string) *http.Response {
				res, _ := p.do(c.method, a.srv.URL+fmt.Sprintf(c.path, token), c.form, from())
				return res
			}
			for i := range 4 {
				if res := try(randomToken()); res.StatusCode != http.StatusNotFound {
					t.Fatalf("miss %d: %d, want 404", i+1, res.StatusCode)
				}
			}
			real := token
			if strings.HasPrefix(c.path, "/u/") {
				real = optOut
			}
			for range 10 { // a real token is no miss, and gives back no other
				if res := try(real); res.StatusCode == http.StatusTooManyRequests {
					t.Fatalf("real token: %d", res.StatusCode)
				}
			}
			codes := map[int]int{}
			for range 36 {
				res := try(randomToken())
				codes[res.StatusCode]++
				if res.StatusCode == http.StatusTooManyRequests && res.Header.Get("Retry-After") != "60" {
					t.Errorf("429 with Retry-After %q", res.Header.Get("Retry-After"))
				}
			}
			if codes[http.StatusNotFound] != 1 || codes[http.StatusTooManyRequests] != 35 {
				t.Errorf("36 more guesses answered %v, want one 404 then 429s", codes)
			}
		})
	}
}

// A chat app's preview counts once per link, app and hour, however often
// it is fetched; a network writes previews within its limit, and past it
// still gets the teaser.
func TestPreviewsCountedOnce(t *testing.T) {
	const whatsapp = "WhatsApp/2.23.20.0 A"
	const telegram = "TelegramBot (like TwitterBot)"
	a := newApp(t, 1<<20, withLimits(web.Limits{Previews: 3, Window: time.Minute, ClientIPHeader: "X-Real-IP"}))
	id := a.launch(nil, "text/plain", []byte("hi"))
	links := a.seeds(id, 5, 1)
	rows := func() int {
		t.Helper()
		var n int
		if err := a.db.Read.QueryRow(`SELECT COUNT(*) FROM previews`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	fetch := func(link, ua, ip string) int {
		req, _ := http.NewRequest("GET", link, nil)
		req.Header.Set("User-Agent", ua)
		req.Header.Set("X-Real-IP", ip)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
	t.Run("ThreeThousandFetches", func(t *testing.T) {
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Go(func() {
				for range 500 {
					if st := fetch(links[0], whatsapp, "198.51.100.7"); st != http.StatusOK {
						t.Errorf("worker %d: %d", w, st)
						return
					}
				}
			})
		}
		wg.Wait()
		if got := rows(); got != 1 {
			t.Errorf("%d preview rows, want 1", got)
		}
		if st := a.stats(id); st["previews"] != 1.0 {
			t.Errorf("previews = %v, want 1", st["previews"])
		}
	})
	t.Run("TwoApps", func(t *testing.T) {
		fetch(links[0], telegram, "198.51.100.8")
		fetch(links[0], telegram, "198.51.100.8")
		if got := rows(); got != 2 {
			t.Errorf("%d preview rows, want 2", got)
		}
	})
	t.Run("NextHour", func(t *testing.T) {
		a.clock.Advance(gating.PreviewBucket)
		fetch(links[0], whatsapp, "198.51.100.9")
		if got, st := rows(), a.stats(id); got != 3 || st["previews"] != 3.0 {
			t.Errorf("%d preview rows, previews = %v; want 3 and 3", got, st["previews"])
		}
	})
	t.Run("PerNetworkLimit", func(t *testing.T) {
		before := rows()
		for _, link := range links[1:] { // four new links from one network
			if st := fetch(link, whatsapp, "203.0.113.50"); st != http.StatusOK {
				t.Errorf("preview past the limit: %d, want the teaser", st)
			}
		}
		if got := rows() - before; got != 3 {
			t.Errorf("%d rows written, want the limit's 3", got)
		}
		fetch(links[4], whatsapp, "203.0.113.51")
		if got, st := rows(), a.stats(id); got != before+4 || st["previews"] != float64(got) {
			t.Errorf("another network: %d rows, previews = %v; want %d", got, st["previews"], before+4)
		}
	})
}
