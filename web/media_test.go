package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/clocktest"
	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web"
	"github.com/sillage/sillage/web/accounts"
)

const mediaVTT = "WEBVTT\n\n00:00.000 --> 00:01.000\nÇa va\n"

// mediaInstance starts a Sillage server on the store at target keeping
// its files in a new client of the bucket s3 names, as an instance of a
// deployment does, and returns it as an app whose API key is key.
func mediaInstance(t *testing.T, target string, clk *clocktest.Clock, s3 campaign.S3Config, media web.MediaRedirect, key string) *app {
	t.Helper()
	db := openStore(t, target)
	files, err := campaign.NewS3Files(s3)
	if err != nil {
		t.Fatal(err)
	}
	a := &app{t: t, db: db, clock: clk, key: key}
	a.srv = httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + a.srv.Listener.Addr().String())
	if media.MinBytes > 0 {
		if media.Origin, err = campaign.SignedOrigin(context.Background(), files); err != nil {
			t.Fatal(err)
		}
	}
	cfg := web.Config{BaseURL: base, MaxUpload: 1 << 20, Now: clk.Now, Media: media,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	campaigns, gate := campaign.NewStore(db, t.TempDir(), clk.Now), gating.NewStore(db, clk.Now)
	campaigns.SetFiles(files)
	campaigns.Watch(gate.Forget)
	t.Cleanup(gate.Close) // before the database closes
	a.notify = notify.NewStore(db, notify.Config{Now: clk.Now, BaseURL: base.String(), Logger: cfg.Logger})
	s, err := web.New(cfg, campaigns, gate, accounts.NewKeys(db, clk.Now), a.notify)
	if err != nil {
		t.Fatal(err)
	}
	a.srv.Config.Handler = s.Handler()
	a.srv.Start()
	t.Cleanup(a.srv.Close)
	return a
}

// mediaKey makes an API key in the store at target.
func mediaKey(t *testing.T, target string, clk *clocktest.Clock) string {
	t.Helper()
	key, _, err := accounts.NewKeys(openStore(t, target), clk.Now).Create(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// launchVideo makes a live campaign through a whose content is video,
// with a teaser image and captions, and returns one seed link's token.
func launchVideo(t *testing.T, a *app, video []byte) (id int64, token string) {
	t.Helper()
	id = a.launch(nil, "video/mp4", video)
	if st := a.apiWith(a.key, "image/png", "PUT", path(id, "/teaser/image"), mediatest.PNG([]byte("teaser")), nil); st != http.StatusOK {
		t.Fatalf("put teaser image: %d", st)
	}
	if st := a.apiWith(a.key, "text/vtt", "PUT", path(id, "/captions"), mediaVTT, nil); st != http.StatusOK {
		t.Fatalf("put captions: %d", st)
	}
	link := a.seeds(id, 1, 3)[0]
	return id, link[strings.LastIndex(link, "/")+1:]
}

// Files uploaded through one instance are served by another: the bucket
// is shared, as the database is.
func TestMediaAcrossInstances(t *testing.T) {
	clk := clocktest.New(time.Now().UTC()) // S3 dates its signatures with the real clock
	target, s3 := dbtest.Target(t), mediatest.S3(t)
	key := mediaKey(t, target, clk)
	a := mediaInstance(t, target, clk, s3, web.MediaRedirect{}, key)
	b := mediaInstance(t, target, clk, s3, web.MediaRedirect{}, key)
	video := mediatest.MP4(bytes.Repeat([]byte("frame"), 2000))
	_, token := launchVideo(t, a, video)

	p := newPhone(t, iPhoneSafari)
	onB := b.srv.URL + "/s/" + token
	if res, _ := p.unlock(onB); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock on B: %d", res.StatusCode)
	}
	for _, tc := range []struct{ name, path, want string }{
		{"Media", "/media", string(video)},
		{"Captions", "/captions", mediaVTT},
		{"TeaserImage", "/image", string(mediatest.PNG([]byte("teaser")))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := p.get(onB + tc.path)
			if res.StatusCode != http.StatusOK || body != tc.want {
				t.Errorf("GET %s on B: %d, %d bytes; want 200 and the %d bytes uploaded on A", tc.path, res.StatusCode, len(body), len(tc.want))
			}
		})
	}
	t.Run("Range", func(t *testing.T) {
		res, body := p.do("GET", onB+"/media", nil, http.Header{"Range": {"bytes=100-109"}})
		if res.StatusCode != http.StatusPartialContent || body != string(video[100:110]) {
			t.Errorf("range on B: %d %q, want 206 %q", res.StatusCode, body, video[100:110])
		}
	})
}

// A large file goes to a claimed device as a redirect to a signed URL of
// the bucket; no one else ever sees such a URL, and small files, teaser
// images and captions still go through the server.
func TestMediaRedirect(t *testing.T) {
	clk := clocktest.New(time.Now().UTC())
	target, s3 := dbtest.Target(t), mediatest.S3(t)
	ttl := 10 * time.Minute
	video := mediatest.MP4(bytes.Repeat([]byte("frame"), 2000))
	a := mediaInstance(t, target, clk, s3, web.MediaRedirect{MinBytes: int64(len(video)), TTL: ttl}, mediaKey(t, target, clk))
	_, token := launchVideo(t, a, video)
	page := a.srv.URL + "/s/" + token
	bucket, _ := url.Parse(s3.Endpoint)

	t.Run("NoClaim", func(t *testing.T) {
		p := newPhone(t, iPhoneSafari)
		p.get(page) // a device cookie, no seat
		res, body := p.get(page + "/media")
		if res.StatusCode == http.StatusFound || res.Header.Get("Location") != "" {
			t.Fatalf("a device without a claim got %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		if strings.Contains(body, "X-Amz") || strings.Contains(body, bucket.Host) {
			t.Errorf("the refusal shows a signed URL: %s", body)
		}
	})

	p := newPhone(t, iPhoneSafari)
	if res, _ := p.unlock(page); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock: %d", res.StatusCode)
	}
	t.Run("Claimed", func(t *testing.T) {
		res, body := p.get(page + "/media")
		if res.StatusCode != http.StatusFound {
			t.Fatalf("claimed media: %d, want 302", res.StatusCode)
		}
		if body != "" {
			t.Errorf("the redirect has a body: %q", body)
		}
		if res.Header.Get("Cache-Control") != "private, no-store" || res.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("redirect headers Cache-Control %q Referrer-Policy %q", res.Header.Get("Cache-Control"), res.Header.Get("Referrer-Policy"))
		}
		loc, err := url.Parse(res.Header.Get("Location"))
		if err != nil || loc.Host != bucket.Host {
			t.Fatalf("Location %q is not on the bucket %s", res.Header.Get("Location"), bucket.Host)
		}
		q := loc.Query()
		if exp, err := strconv.Atoi(q.Get("X-Amz-Expires")); err != nil || exp <= 0 || time.Duration(exp)*time.Second > ttl {
			t.Errorf("X-Amz-Expires %q, want at most %s", q.Get("X-Amz-Expires"), ttl)
		}
		for k, want := range map[string]string{"response-content-type": "video/mp4", "response-content-disposition": "inline",
			"response-cache-control": "private, no-store"} {
			if got := q.Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		got, err := mediatest.S3Client(s3).Get(loc.String())
		if err != nil {
			t.Fatal(err)
		}
		defer got.Body.Close()
		b, _ := io.ReadAll(got.Body)
		if got.StatusCode != http.StatusOK || !bytes.Equal(b, video) || got.Header.Get("Content-Type") != "video/mp4" {
			t.Errorf("following the redirect: %d, %d bytes, %q; want 200, the video, video/mp4", got.StatusCode, len(b), got.Header.Get("Content-Type"))
		}
	})
	t.Run("Proxied", func(t *testing.T) {
		for _, rest := range []string{"/captions", "/image"} {
			if res, _ := p.get(page + rest); res.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %d, want 200 from the server itself", rest, res.StatusCode)
			}
		}
	})
	t.Run("PagePolicy", func(t *testing.T) {
		res, body := p.get(page)
		csp := res.Header.Get("Content-Security-Policy")
		origin := "https://" + bucket.Host
		if !strings.Contains(csp, "media-src 'self' "+origin) || !strings.Contains(csp, "img-src 'self' "+origin) ||
			!strings.Contains(csp, "default-src 'none'") {
			t.Errorf("the content page's policy %q does not let media load from %s", csp, origin)
		}
		mustContain(t, body, `data-media="/s/`+token+`/media"`)
		mustContain(t, body, "/static/media.")
	})

	t.Run("SmallFileProxied", func(t *testing.T) {
		small := mediatest.MP4([]byte("short"))
		id := a.launch(nil, "video/mp4", small)
		link := a.seeds(id, 1, 1)[0]
		q := newPhone(t, iPhoneSafari)
		q.unlock(link)
		if res, body := q.get(link + "/media"); res.StatusCode != http.StatusOK || body != string(small) {
			t.Errorf("a file under the threshold: %d, %d bytes; want 200 and the file", res.StatusCode, len(body))
		}
	})
}
