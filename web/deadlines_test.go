package web_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating/gatingtest"
	"github.com/sillage/sillage/web"
)

// withDeadlines gives a test app deadlines short enough to wait out.
func withDeadlines(d web.Deadlines) func(*web.Config) {
	return func(c *web.Config) { c.Deadlines = d }
}

// rawRequest opens a TCP connection to the app and sends a request's head:
// its line and headers, the blank line added. The body is the caller's.
func (a *app) rawRequest(line string, headers ...string) net.Conn {
	a.t.Helper()
	c, err := net.Dial("tcp", a.srv.Listener.Addr().String())
	if err != nil {
		a.t.Fatal(err)
	}
	a.t.Cleanup(func() { c.Close() })
	head := line + "\r\nHost: sillage.test\r\n" + strings.Join(append(headers, ""), "\r\n") + "\r\n"
	if _, err := io.WriteString(c, head); err != nil {
		a.t.Fatal(err)
	}
	return c
}

// trickle sends a byte of body every gap until the server closes the
// connection or until is over; it reports when the server closed it (the
// read side saw the end), or zero if it did not.
func trickle(c net.Conn, gap time.Duration, until time.Time) (closedAt time.Time) {
	done := make(chan time.Time, 1)
	go func() {
		io.Copy(io.Discard, c)
		done <- time.Now()
	}()
	tick := time.NewTicker(gap)
	defer tick.Stop()
	for {
		select {
		case at := <-done:
			return at
		case now := <-tick.C:
			if now.After(until) {
				return time.Time{}
			}
			c.Write([]byte("a")) // fails once the server is gone: the read side says when
		}
	}
}

// A body that trickles in a byte at a time holds its connection no longer
// than the body deadline: with 100 such connections on the forward route
// (no sign-in needed), every one is closed by the server soon after the
// deadline, long before the trickle would end, and /healthz answers.
func TestSlowBodyCut(t *testing.T) {
	const (
		deadline = 300 * time.Millisecond
		conns    = 100
		patience = 5 * time.Second // the trickle stops after this
	)
	a := newApp(t, 1<<20, withDeadlines(web.Deadlines{Body: deadline}))
	id := a.launch(nil, "text/plain", []byte("Le texte"))
	link, _ := url.Parse(a.seeds(id, 1, 1)[0])

	start := time.Now()
	closed := make(chan time.Duration, conns)
	for range conns {
		c := a.rawRequest("POST "+link.Path+"/forward HTTP/1.1",
			"Content-Type: application/x-www-form-urlencoded", "Content-Length: 1000")
		go func() {
			if at := trickle(c, 50*time.Millisecond, start.Add(patience)); !at.IsZero() {
				closed <- at.Sub(start)
			} else {
				closed <- -1
			}
		}()
	}
	var first, last time.Duration
	for i := range conns {
		d := <-closed
		if d < 0 {
			t.Fatalf("a connection trickling its body was still open after %v (deadline %v)", patience, deadline)
		}
		if i == 0 || d < first {
			first = d
		}
		last = max(last, d)
	}
	t.Logf("%d trickling connections: first closed after %v, last after %v (deadline %v)", conns, first, last, deadline)
	if first < deadline {
		t.Errorf("a connection was closed after %v, before the deadline %v", first, deadline)
	}
	res, err := http.Get(a.srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got, want := res.StatusCode, http.StatusOK; got != want {
		t.Errorf("healthz: %d, want %d", got, want)
	}
}

// An upload gets the longer upload deadline, after its key is checked: a
// body slower than the body deadline but within the upload's is taken;
// one slower than the upload's is cut.
func TestSlowUpload(t *testing.T) {
	const (
		body   = 300 * time.Millisecond
		upload = 1500 * time.Millisecond
	)
	a := newApp(t, 1<<20, withDeadlines(web.Deadlines{Body: body, Upload: upload}))
	var c struct{ ID int64 }
	if st := a.api("POST", "/api/v1/campaigns", map[string]any{"title": "Le clip", "language": "fr"}, &c); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	put := func(length int, key string) net.Conn {
		return a.rawRequest("PUT "+path(c.ID, "/content")+" HTTP/1.1", "Authorization: Bearer "+key,
			"Content-Type: text/plain", fmt.Sprintf("Content-Length: %d", length))
	}

	t.Run("WithinUploadDeadline", func(t *testing.T) {
		conn := put(8, a.key)
		start := time.Now()
		for range 8 { // 8 bytes, 100 ms apart: past the body deadline
			time.Sleep(100 * time.Millisecond)
			if _, err := conn.Write([]byte("a")); err != nil {
				t.Fatalf("cut after %v: %v", time.Since(start), err)
			}
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("after %v: %v", time.Since(start), err)
		}
		res.Body.Close()
		if got, want := res.StatusCode, http.StatusOK; got != want {
			t.Errorf("upload over %v: %d, want %d", time.Since(start), got, want)
		}
	})
	t.Run("PastUploadDeadline", func(t *testing.T) {
		start := time.Now()
		at := trickle(put(1000, a.key), 50*time.Millisecond, start.Add(10*upload))
		if at.IsZero() {
			t.Fatalf("an upload trickling its body was still open after %v (deadline %v)", 10*upload, upload)
		}
		if took := at.Sub(start); took < upload {
			t.Errorf("cut after %v, before the upload deadline %v", took, upload)
		}
	})
	t.Run("WithoutKey", func(t *testing.T) {
		// Refused at once; the server then drops the body it will not
		// read, within the body deadline, not the upload's.
		start := time.Now()
		at := trickle(put(1000, "wrong"), 50*time.Millisecond, start.Add(10*upload))
		if at.IsZero() {
			t.Fatalf("an anonymous upload was still open after %v (body deadline %v)", 10*upload, body)
		}
		if took := at.Sub(start); took >= upload {
			t.Errorf("an anonymous upload held its connection %v (body deadline %v)", took, body)
		}
	})
}

// An upload whose body stops coming is answered 408, the client's doing,
// not 500 with an error in the operator's log.
func TestSlowUploadTimesOut(t *testing.T) {
	a := newApp(t, 1<<20, withDeadlines(web.Deadlines{Body: 100 * time.Millisecond, Upload: 300 * time.Millisecond}))
	var c struct{ ID int64 }
	if st := a.api("POST", "/api/v1/campaigns", map[string]any{"title": "Le clip", "language": "fr"}, &c); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	conn := a.rawRequest("PUT "+path(c.ID, "/content")+" HTTP/1.1", "Authorization: Bearer "+a.key,
		"Content-Type: text/plain", "Content-Length: 1000")
	io.WriteString(conn, "the first bytes, and then nothing")
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if got, want := res.StatusCode, http.StatusRequestTimeout; got != want {
		t.Errorf("an upload that stopped: %d %s, want %d", got, body, want)
	}
	var got struct{ Content struct{ Kind string } }
	if a.api("GET", path(c.ID, ""), nil, &got); got.Content.Kind != "none" {
		t.Errorf("after the cut upload, the content is %q, want none stored", got.Content.Kind)
	}
}

// The recipient's forms, and the unsubscribe button, look the token up
// before reading the body: a request for an unknown token gets its 404 at
// once, even when its body never comes.
func TestUnknownTokenBeforeBody(t *testing.T) {
	a := newApp(t, 1<<20, withDeadlines(web.Deadlines{Body: time.Minute}))
	unknown := strings.Repeat("A", 22) // well-formed, never minted
	for _, route := range []string{"/s/%s/unlock", "/s/%s/forward", "/s/%s/send", "/u/%s"} {
		t.Run(strings.ReplaceAll(route, "%s", "{token}"), func(t *testing.T) {
			conn := a.rawRequest("POST "+fmt.Sprintf(route, unknown)+" HTTP/1.1", "User-Agent: "+iPhoneSafari,
				"Content-Type: application/x-www-form-urlencoded", "Content-Length: 100")
			conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // a sixth of the body deadline
			start := time.Now()
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer after %v: %v", time.Since(start), err)
			}
			res.Body.Close()
			if got, want := res.StatusCode, http.StatusNotFound; got != want {
				t.Errorf("status %d, want %d", got, want)
			}
			t.Logf("404 after %v", time.Since(start))
		})
	}
}

// A download that its client stops reading holds neither the campaign's
// tree nor its connection: the figures of the same campaign answer while
// it is stuck, and the server cuts it after the stall deadline.
func TestSlowDownloadFreesTree(t *testing.T) {
	const stall = time.Second
	a := newApp(t, 1<<20, withDeadlines(web.Deadlines{Body: stall / 4, Stall: stall}))
	id := a.launch(nil, "text/plain", []byte("Le texte"))
	// 60,000 claims: 10 MB of GraphML, more than the sockets' buffers
	// (4 MB for the server's at most, on Linux) hold.
	if err := gatingtest.Synthesize(context.Background(), a.db, campaign.ID(id), 60_000, 1, a.clock.Now()); err != nil {
		t.Fatal(err)
	}
	t.Run("PauseThenNextRequest", func(t *testing.T) {
		// A download that outlasts the body deadline, its client pausing
		// for less than the stall, is whole; and the connection serves
		// the next request (a read deadline left on a GET would have
		// cancelled the context of every later request on it).
		conn := a.rawRequest("GET "+path(id, "/export?format=graphml")+" HTTP/1.1", "Authorization: Bearer "+a.key)
		br := bufio.NewReader(conn)
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(stall / 2)
		n, err := io.Copy(io.Discard, res.Body)
		if err != nil || n != res.ContentLength {
			t.Fatalf("export after a pause: %d of %d bytes, %v", n, res.ContentLength, err)
		}
		io.WriteString(conn, "GET "+path(id, "/stats")+" HTTP/1.1\r\nHost: sillage.test\r\nAuthorization: Bearer "+a.key+"\r\n\r\n")
		res, err = http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got, want := res.StatusCode, http.StatusOK; got != want {
			t.Errorf("the next request on the connection: %d, want %d", got, want)
		}
	})

	conn := a.rawRequest("GET "+path(id, "/export?format=graphml")+" HTTP/1.1", "Authorization: Bearer "+a.key)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil) // the head only: the body is left unread
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("export: %d", res.StatusCode)
	}

	client := &http.Client{Timeout: 10 * stall}
	for _, p := range []string{path(id, "/stats"), path(id, "/tree")} {
		req, _ := http.NewRequest("GET", a.srv.URL+p, nil)
		req.Header.Set("Authorization", "Bearer "+a.key)
		start := time.Now()
		got, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s while a download is stuck: %v", p, err)
		}
		io.Copy(io.Discard, got.Body)
		got.Body.Close()
		if got.StatusCode != http.StatusOK {
			t.Errorf("%s while a download is stuck: %d", p, got.StatusCode)
		}
		t.Logf("%s answered in %v while a download was stuck", p, time.Since(start))
	}

	time.Sleep(2 * stall)
	n, _ := io.Copy(io.Discard, res.Body) // what the sockets held, then the cut
	if res.ContentLength < 8<<20 || n >= res.ContentLength {
		t.Errorf("the stuck download got %d of %d bytes: want a length known, over 8 MiB, and a cut", n, res.ContentLength)
	}
	t.Logf("a client that stopped reading for %v got %d of %d bytes", 2*stall, n, res.ContentLength)
}

// A phone that stops reading the video for longer than MediaStall loses
// its connection, and takes up again where it stopped with a Range.
func TestMediaStall(t *testing.T) {
	const stall = time.Second
	a := newApp(t, 64<<20, withDeadlines(web.Deadlines{MediaStall: stall}))
	// An MP4's first box, then 12 MB: more than the sockets' buffers hold.
	video := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 12<<20)...)
	id := a.launch(nil, "video/mp4", video)
	seed := a.seeds(id, 1, 1)[0]
	p := newPhone(t, iPhoneSafari)
	if res, _ := p.unlock(seed); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock: %d", res.StatusCode)
	}
	u, _ := url.Parse(seed)
	var cookies []string
	for _, c := range p.client.Jar.Cookies(u) {
		cookies = append(cookies, c.String())
	}
	conn := a.rawRequest("GET "+u.Path+"/media HTTP/1.1", "User-Agent: "+iPhoneSafari, "Cookie: "+strings.Join(cookies, "; "))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.ContentLength != int64(len(video)) {
		t.Fatalf("media: %d, %d bytes", res.StatusCode, res.ContentLength)
	}
	time.Sleep(2 * stall)
	n, _ := io.Copy(io.Discard, res.Body)
	if n >= res.ContentLength {
		t.Fatalf("a phone that stopped reading for %v got the whole video: never cut", 2*stall)
	}
	t.Logf("a phone that stopped reading for %v got %d of %d bytes", 2*stall, n, res.ContentLength)

	res, body := p.do("GET", seed+"/media", nil, http.Header{"Range": {fmt.Sprintf("bytes=%d-", n)}})
	if res.StatusCode != http.StatusPartialContent || len(body) != len(video)-int(n) {
		t.Errorf("resume from %d: %d, %d bytes, want 206 and %d", n, res.StatusCode, len(body), len(video)-int(n))
	}
}

// A recipient's request refused before its body is read (past the
// guessing limit, or from a robot) is answered at once, even when its
// body never comes: the server does not wait for a body it will not use.
func TestRefusedBeforeBody(t *testing.T) {
	a := newApp(t, 1<<20, withDeadlines(web.Deadlines{Body: time.Minute}),
		withLimits(web.Limits{FailedLookups: 1, Window: time.Minute, ClientIPHeader: "X-Real-IP"}))
	unknown := strings.Repeat("A", 22) // well-formed, never minted
	post := func(t *testing.T, route, agent string) *http.Response {
		t.Helper()
		conn := a.rawRequest("POST "+fmt.Sprintf(route, unknown)+" HTTP/1.1", "User-Agent: "+agent, "X-Real-IP: 198.51.100.7",
			"Content-Type: application/x-www-form-urlencoded", "Content-Length: 100")
		conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // a sixth of the body deadline
		start := time.Now()
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: no answer after %v: %v", route, time.Since(start), err)
		}
		res.Body.Close()
		return res
	}
	routes := []string{"/s/%s/unlock", "/s/%s/forward", "/s/%s/send", "/u/%s"}
	if res := post(t, routes[1], iPhoneSafari); res.StatusCode != http.StatusNotFound {
		t.Fatalf("the one miss allowed: %d, want 404", res.StatusCode)
	}
	for _, route := range routes {
		t.Run("TooMany"+strings.ReplaceAll(route, "%s", "{token}"), func(t *testing.T) {
			if got, want := post(t, route, iPhoneSafari).StatusCode, http.StatusTooManyRequests; got != want {
				t.Errorf("status %d, want %d", got, want)
			}
		})
	}
	for _, route := range routes[:3] {
		t.Run("Robot"+strings.ReplaceAll(route, "%s", "{token}"), func(t *testing.T) {
			if got := post(t, route, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)").StatusCode; got < 400 || got >= 500 {
				t.Errorf("status %d, want a refusal", got)
			}
		})
	}
}
