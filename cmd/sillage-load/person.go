package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Browsers of real phones: each simulated person is one of them.
var phoneAgents = [...]string{
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.111 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Android 14; Mobile; rv:126.0) Gecko/126.0 Firefox/126.0",
}

// Link-preview fetchers of chat apps, as they introduce themselves: the
// server must show them the teaser and count a preview.
var previewAgents = [...]string{
	"WhatsApp/2.23.20.0 A",
	"WhatsApp/2.24.9.78 i",
	"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
	// iMessage, from the sender's own phone.
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
	"TelegramBot (like TwitterBot)",
}

// scannerAgent is a mail link scanner: it gets the teaser, like a preview,
// but nothing is recorded, so its GET is a page that writes nothing.
const scannerAgent = "Microsoft Office Existence Discovery"

// channels a forward is drawn from.
var channels = [...]string{"whatsapp", "sms", "email", "link"}

// Markers telling the recipient pages apart.
var (
	markUnlock  = []byte(`/unlock"`) // the unlock form's action
	markContent = []byte(`/media"`)  // the content page's video source
	markTeaser  = []byte(`og:title`) // OpenGraph tags for previews
)

// mediaRange is what a phone's video player asks for first.
const (
	mediaRange    = "bytes=0-65535"
	mediaRangeLen = 65536
)

// requestTimeout bounds each request; one that times out is an error.
const requestTimeout = 60 * time.Second

// person is one simulated recipient: a fresh device with a link to open.
type person struct {
	id      uint64 // identity: seeds every random choice this person makes
	token   string
	depth   int    // seed recipients are 1
	channel string // of the link received
	parent  int32  // index of the sender's node, -1 for a seed link
}

// childID is the identity of a person's j-th friend: the same sender and
// j always make the same friend, whatever order the run takes.
func childID(id uint64, j int) uint64 {
	return splitmix(id*0x9e3779b97f4a7c15 + uint64(j) + 1)
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// visit simulates p: maybe a chat app's preview, then the person's GET of
// the link, the unlock, the content page, the video's first range, and
// with probability P, K forwards whose links become new people.
func (s *sim) visit(p person, buf *bytes.Buffer) {
	r := rand.New(rand.NewPCG(s.cfg.Seed, p.id))
	link := s.linkBase + p.token
	if r.Float64() < s.cfg.Preview && !s.pathOnly {
		req := s.request(http.MethodGet, link, previewAgents[r.IntN(len(previewAgents))], "")
		status, _ := s.exchange(epPreview, s.previewClient, req, http.StatusOK, isTeaser, buf)
		if status == http.StatusOK {
			s.tally.previewed()
		}
	}
	ua := phoneAgents[r.IntN(len(phoneAgents))]
	// Drawn whatever happens next, so that one seed makes the same choices.
	forwards := r.Float64() < s.cfg.P && (s.cfg.Depth == 0 || p.depth < s.cfg.Depth)

	// One device: its cookie goes with it to whichever instance answers.
	c := &http.Client{Transport: s.transport, Jar: newLBJar(s.cfg.URL), CheckRedirect: noRedirect, Timeout: requestTimeout}

	start := time.Now()
	if _, ok := s.exchange(epLink, c, s.request(http.MethodGet, link, ua, ""), http.StatusOK, contains(markUnlock), buf); !ok {
		return
	}
	req := s.request(http.MethodPost, link+"/unlock", ua, "")
	status, ok := s.exchange(epUnlock, c, req, http.StatusSeeOther, redirectsTo("/s/"+p.token), buf)
	if status != http.StatusSeeOther {
		return
	}
	// A 303 is a claim, even if its answer looked wrong: it counts.
	node := s.tally.unlocked(p)
	if !ok {
		return
	}
	if _, ok := s.exchange(epContent, c, s.request(http.MethodGet, link, ua, ""), http.StatusOK, contains(markContent), buf); !ok {
		return
	}
	s.rec.ep[epJourney].observe(time.Since(start), "", false, "")
	if s.pathOnly {
		return
	}

	req = s.request(http.MethodGet, link+"/media", ua, "")
	req.Header.Set("Range", mediaRange)
	s.exchange(epMedia, c, req, http.StatusPartialContent, s.isFirstRange, buf)

	if !forwards {
		return
	}
	for j := range s.cfg.K {
		ch := channels[r.IntN(len(channels))]
		req := s.request(http.MethodPost, link+"/forward", ua, "channel="+ch)
		req.Header.Set("Accept", "application/json")
		var token string
		status, ok := s.exchange(epForward, c, req, http.StatusCreated, func(_ *http.Response, body []byte) bool {
			var out struct {
				URL      string `json:"url"`
				ShareURL string `json:"share_url"`
			}
			if json.Unmarshal(body, &out) != nil || out.ShareURL == "" {
				return false
			}
			var terr error
			token, terr = tokenOf(out.URL)
			return terr == nil
		}, buf)
		if status == http.StatusCreated {
			s.tally.forwarded(ch)
		}
		if ok {
			s.enqueue(person{id: childID(p.id, j), token: token, depth: p.depth + 1, channel: ch, parent: node})
		}
	}
}

// request builds a phone's request: a GET, or a same-origin form POST of
// form.
func (s *sim) request(method, url, ua, form string) *http.Request {
	var req *http.Request
	if method == http.MethodGet {
		req, _ = http.NewRequestWithContext(s.reqCtx, method, url, nil)
		req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	} else {
		req, _ = http.NewRequestWithContext(s.reqCtx, method, url, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	return req
}

// exchange sends req with c to the next live instance, reads the whole
// answer into buf and records it under ep and the instance. It returns the
// status (0 when none came) and whether it was want and check, if any,
// accepted the answer. A transport error on an instance killed while the
// request was in flight is counted as in flight at the kill, not as an
// error.
func (s *sim) exchange(ep endpoint, c *http.Client, req *http.Request, want int, check func(*http.Response, []byte) bool, buf *bytes.Buffer) (int, bool) {
	for {
		in, gen := s.pool.pick(ep)
		req.URL.Scheme, req.URL.Host, req.Host = in.base.Scheme, in.base.Host, in.base.Host
		moved := false
		status, ok := exchangeObserved(c, req, want, check, buf, func(err error) bool {
			// Refused by an instance killed since the pick: it never
			// reached a server, so it goes to a live one instead.
			moved = errors.Is(err, syscall.ECONNREFUSED) && s.pool.refused(in, gen, ep)
			return moved
		}, func(d time.Duration, failure string, dbLocked bool, sample string) {
			if s.pool.finish(in, gen, ep, failure == "transport") {
				s.rec.ep[ep].observeKilled()
				in.rec.observeKilled()
				return
			}
			s.rec.ep[ep].observe(d, failure, dbLocked, sample)
			in.rec.observe(d, failure, dbLocked, sample)
		})
		if !moved {
			return status, ok
		}
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				panic(err) // the bodies are strings: GetBody cannot fail
			}
			req.Body = body
		}
	}
}

// exchange is sim.exchange for any series, on req's own address.
func exchange(rec *series, c *http.Client, req *http.Request, want int, check func(*http.Response, []byte) bool, buf *bytes.Buffer) (int, bool) {
	return exchangeObserved(c, req, want, check, buf, nil, rec.observe)
}

// exchangeObserved is exchange with the recording left to observe, called
// once per request unless moved, if not nil, takes the request's transport
// error as a move to another instance: then nothing is recorded.
func exchangeObserved(c *http.Client, req *http.Request, want int, check func(*http.Response, []byte) bool, buf *bytes.Buffer,
	moved func(error) bool, observe func(d time.Duration, failure string, dbLocked bool, sample string)) (int, bool) {
	rec := observer(observe)
	start := time.Now()
	res, err := c.Do(req)
	if err != nil && moved != nil && moved(err) {
		return 0, false
	}
	if err != nil {
		rec.observe(0, "transport", false, req.Method+" "+req.URL.Path+": "+err.Error())
		return 0, false
	}
	buf.Reset()
	_, err = buf.ReadFrom(res.Body)
	res.Body.Close()
	d := time.Since(start)
	if err != nil {
		rec.observe(d, "transport", false, req.Method+" "+req.URL.Path+": reading the answer: "+err.Error())
		return res.StatusCode, false
	}
	body := buf.Bytes()
	var failure string
	switch {
	case res.StatusCode != want:
		failure = strconv.Itoa(res.StatusCode)
	case check != nil && !check(res, body):
		failure = "wrong answer"
	default:
		rec.observe(d, "", false, "")
		return res.StatusCode, true
	}
	sample := req.Method + " " + req.URL.Path + ": " + res.Status + ": " + string(body[:min(len(body), 300)])
	rec.observe(d, failure, bytes.Contains(body, []byte("database is locked")), sample)
	return res.StatusCode, false
}

// observer adapts a recording function to exchangeObserved's body.
type observer func(d time.Duration, failure string, dbLocked bool, sample string)

func (o observer) observe(d time.Duration, failure string, dbLocked bool, sample string) {
	o(d, failure, dbLocked, sample)
}

// noRedirect makes a client return redirects instead of following them:
// the unlock's 303 is checked, not followed.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func contains(mark []byte) func(*http.Response, []byte) bool {
	return func(_ *http.Response, body []byte) bool { return bytes.Contains(body, mark) }
}

// isTeaser accepts the teaser page: OpenGraph tags, no unlock form.
func isTeaser(_ *http.Response, body []byte) bool {
	return bytes.Contains(body, markTeaser) && !bytes.Contains(body, markUnlock)
}

func redirectsTo(path string) func(*http.Response, []byte) bool {
	return func(res *http.Response, _ []byte) bool { return res.Header.Get("Location") == path }
}

// isFirstRange accepts the first bytes of the uploaded video.
func (s *sim) isFirstRange(res *http.Response, body []byte) bool {
	n := min(mediaRangeLen, len(s.video))
	return bytes.Equal(body, s.video[:n]) &&
		res.Header.Get("Content-Range") == "bytes 0-"+strconv.Itoa(n-1)+"/"+strconv.Itoa(len(s.video))
}
