package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/web"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Every request gets one JSON log line with its route pattern, method,
// status, duration, bytes and request id (also sent as X-Request-Id);
// no line holds a token, the content or a path.
func TestRequestLog(t *testing.T) {
	var log syncBuffer
	a := newApp(t, 1<<20, func(c *web.Config) { c.Logger = slog.New(slog.NewJSONHandler(&log, nil)) })
	id := a.launch(nil, "text/plain", []byte("the secret exclusive"))
	link := a.seeds(id, 1, 1)[0]
	token := strings.TrimPrefix(link, a.srv.URL+"/s/")
	p := newPhone(t, androidChrome)
	p.get(link)
	p.unlock(link)
	res, _ := p.get(link)
	newPhone(t, iPhoneSafari).unlock(link) // refused: the link's one seat is taken
	p.get(a.srv.URL + "/s/" + token + "x") // an unknown token
	reqID := res.Header.Get("X-Request-Id")
	if reqID == "" {
		t.Fatal("no X-Request-Id on the answer")
	}

	type line struct {
		Msg       string  `json:"msg"`
		RequestID string  `json:"request_id"`
		Method    string  `json:"method"`
		Route     string  `json:"route"`
		Status    int     `json:"status"`
		Duration  float64 `json:"duration"`
		Bytes     *int    `json:"bytes"`
	}
	routes := map[string]int{}
	var sawID bool
	sc := bufio.NewScanner(strings.NewReader(log.String()))
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("a log line is not JSON: %v\n%s", err, sc.Text())
		}
		if l.Msg != "request" {
			continue
		}
		if l.RequestID == "" || l.Method == "" || l.Route == "" || l.Status == 0 || l.Duration <= 0 || l.Bytes == nil {
			t.Errorf("request line lacks a field: %s", sc.Text())
		}
		routes[l.Method+" "+l.Route+" "+http.StatusText(l.Status)]++
		sawID = sawID || l.RequestID == reqID
	}
	for _, want := range []string{
		"POST /api/v1/campaigns Created",
		"GET /s/{token} OK",
		"POST /s/{token}/unlock See Other",
		"POST /s/{token}/unlock Conflict",
		"GET /s/{token} Not Found",
	} {
		if routes[want] == 0 {
			t.Errorf("no request line for %q; lines: %v", want, routes)
		}
	}
	if !sawID {
		t.Errorf("no request line has the request id %s sent back", reqID)
	}
	out := log.String()
	for _, secret := range []string{token, "the secret exclusive", "/s/" + token[:4]} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q:\n%s", secret, out)
		}
	}
}

// failingGate fails every visit as a broken store would.
type failingGate struct{ web.Gate }

func (failingGate) Visit(context.Context, string, []byte) (*gating.Visit, error) {
	return nil, errors.New("disk I/O error")
}

// A recipient's request that fails with a 500 is logged by route and
// request id: the path, which holds the token, is not in the log.
func TestErrorLogHasNoToken(t *testing.T) {
	var log syncBuffer
	a := newAppGate(t, 1<<20, func(g web.Gate) web.Gate { return failingGate{g} },
		func(c *web.Config) { c.Logger = slog.New(slog.NewTextHandler(&log, nil)) })
	const token = "AbCdEfGhIjKlMnOpQrStUv"
	res, _ := newPhone(t, androidChrome).get(a.srv.URL + "/s/" + token)
	if res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("GET with a failing store: %d, want 500", res.StatusCode)
	}
	out := log.String()
	if strings.Contains(out, token) {
		t.Errorf("the log holds the token:\n%s", out)
	}
	want := `msg="recipient request" route=/s/{token} request_id=` + res.Header.Get("X-Request-Id")
	if !strings.Contains(out, want) {
		t.Errorf("the log lacks %q:\n%s", want, out)
	}
}
