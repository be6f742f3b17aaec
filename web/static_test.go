package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sillage/sillage/campaign/mediatest"
)

// Pages name their static files by content hash, served for a year as
// immutable; the plain names still answer, for a few minutes.
func TestStaticHashedNames(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	_, page := b.get(d.srv.URL + "/campaigns")
	_, login := d.browser().get(d.srv.URL + "/login")
	id := d.launch(nil, "video/mp4", mediatest.MP4([]byte("x")))
	_, teaser := newPhone(t, iPhoneSafari).get(d.seeds(id, 1, 1)[0])
	hashed := regexp.MustCompile(`"(/static/([a-z_]+)\.([0-9a-f]{16})\.(css|js))"`)
	found := map[string]bool{}
	for _, body := range []string{page, login, teaser} {
		for _, m := range hashed.FindAllStringSubmatch(body, -1) {
			found[m[2]+"."+m[4]] = true
			res, got := b.get(d.srv.URL + m[1])
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %d", m[1], res.StatusCode)
				continue
			}
			if cc, want := res.Header.Get("Cache-Control"), "public, max-age=31536000, immutable"; cc != want {
				t.Errorf("GET %s: Cache-Control %q, want %q", m[1], cc, want)
			}
			plain := "/static/" + m[2] + "." + m[4]
			res, same := b.get(d.srv.URL + plain)
			if res.StatusCode != http.StatusOK || same != got {
				t.Errorf("GET %s: %d, not the bytes of %s", plain, res.StatusCode, m[1])
			}
			if cc, want := res.Header.Get("Cache-Control"), "public, max-age=300"; cc != want {
				t.Errorf("GET %s: Cache-Control %q, want %q", plain, cc, want)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/") {
				t.Errorf("GET %s: Content-Type %q", plain, ct)
			}
		}
	}
	for _, want := range []string{"dash.css", "dash.js", "recipient.css"} {
		if !found[want] {
			t.Errorf("no page names %s by its hash", want)
		}
	}
	for _, bad := range []string{"/static/dash.0000000000000000.css", "/static/nope.js", "/static/"} {
		if res, _ := b.get(d.srv.URL + bad); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, res.StatusCode)
		}
	}
}

// Text answers are gzipped for a client that asks; media, and any byte
// range, go out as the file's own bytes with their length.
func TestCompression(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	video := mediatest.MP4(bytes.Repeat([]byte("0123456789"), 5000))
	id := d.launch(nil, "video/mp4", video)
	seed := d.seeds(id, 1, 1)[0]
	alice := newPhone(t, iPhoneSafari)
	alice.unlock(seed)
	gz := http.Header{"Accept-Encoding": {"gzip"}}

	gunzip := func(t *testing.T, body string) string {
		t.Helper()
		r, err := gzip.NewReader(strings.NewReader(body))
		if err != nil {
			t.Fatalf("not gzip: %v", err)
		}
		out, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	for _, c := range []struct {
		name, url string
		header    http.Header
		want      string
	}{
		{"HTML", d.srv.URL + "/campaigns", nil, "<html"},
		{"CSS", d.srv.URL + "/static/dash.css", nil, ":root"},
		{"JSON", d.srv.URL + "/api/v1/campaigns", http.Header{"Authorization": {"Bearer " + d.key}}, `"campaigns"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := gz.Clone()
			for k, v := range c.header {
				h[k] = v
			}
			res, body := b.do("GET", c.url, nil, h)
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("%d, Content-Encoding %q; want 200 gzip", res.StatusCode, res.Header.Get("Content-Encoding"))
			}
			if got := gunzip(t, body); !strings.Contains(got, c.want) {
				t.Errorf("unzipped body lacks %q", c.want)
			}
			if vary := strings.Join(res.Header.Values("Vary"), ", "); !strings.Contains(vary, "Accept-Encoding") {
				t.Errorf("Vary %q lacks Accept-Encoding", vary)
			}
		})
	}
	t.Run("Media", func(t *testing.T) {
		res, got := alice.do("GET", seed+"/media", nil, gz)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "" || got != string(video) {
			t.Fatalf("%d, Content-Encoding %q, %d bytes; want 200, none, the %d bytes of the file",
				res.StatusCode, res.Header.Get("Content-Encoding"), len(got), len(video))
		}
		if res.ContentLength != int64(len(video)) {
			t.Errorf("Content-Length %d, want %d", res.ContentLength, len(video))
		}
		res, got = alice.do("GET", seed+"/media", nil, http.Header{"Accept-Encoding": {"gzip"}, "Range": {"bytes=10-19"}})
		if res.StatusCode != http.StatusPartialContent || res.Header.Get("Content-Encoding") != "" || got != string(video[10:20]) {
			t.Errorf("range: %d, Content-Encoding %q, %q", res.StatusCode, res.Header.Get("Content-Encoding"), got)
		}
	})
	t.Run("CSSRange", func(t *testing.T) {
		res, got := b.do("GET", d.srv.URL+"/static/dash.css", nil, http.Header{"Accept-Encoding": {"gzip"}, "Range": {"bytes=0-4"}})
		if res.StatusCode != http.StatusPartialContent || res.Header.Get("Content-Encoding") != "" || got != "/* Th" {
			t.Errorf("range: %d, Content-Encoding %q, %q", res.StatusCode, res.Header.Get("Content-Encoding"), got)
		}
	})
}
