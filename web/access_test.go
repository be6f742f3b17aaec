package web_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web"
)

// pngOf returns a PNG of w × h pixels.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A refusal of a known link is headed by its campaign's public title,
// description and image; an unknown or revoked link's page says nothing
// of any campaign.
func TestRefusalPagesShowTheTeaser(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("hi"))
	if st := a.apiWith(a.key, "image/png", "PUT", path(id, "/teaser/image"), pngOf(t, 40, 21), nil); st != http.StatusOK {
		t.Fatalf("teaser image: %d", st)
	}
	links := a.seeds(id, 3, 1)
	newPhone(t, iPhoneSafari).unlock(links[0])
	var expiring struct{ Links []struct{ URL string } }
	a.api("POST", path(id, "/links"), map[string]any{"count": 1, "expires_at": a.clock.Now().Add(time.Hour)}, &expiring)
	headed := func(t *testing.T, body string) {
		t.Helper()
		mustContain(t, body, "<h1>Un clip en avant-première</h1>", "<p>Seulement entre amis</p>",
			`<title>Un clip en avant-première</title>`, `width="40" height="21"`)
		if strings.Contains(body, "Sillage</h1>") || strings.Contains(body, "<title>Sillage") {
			t.Errorf("the page is headed Sillage:\n%s", body)
		}
	}

	t.Run("SeatTaken", func(t *testing.T) {
		res, body := newPhone(t, androidChrome).unlock(links[0])
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("%d, want 409", res.StatusCode)
		}
		headed(t, body)
		mustContain(t, body, "déjà été ouvert sur un autre téléphone")
	})
	t.Run("Expired", func(t *testing.T) {
		a.clock.Advance(2 * time.Hour)
		defer a.clock.Advance(-2 * time.Hour)
		res, body := newPhone(t, androidChrome).get(expiring.Links[0].URL)
		if res.StatusCode != http.StatusGone {
			t.Fatalf("%d, want 410", res.StatusCode)
		}
		headed(t, body)
		mustContain(t, body, "Ce lien a expiré")
	})
	t.Run("Paused", func(t *testing.T) {
		a.api("POST", path(id, "/status"), map[string]string{"status": "paused"}, nil)
		defer a.api("POST", path(id, "/status"), map[string]string{"status": "live"}, nil)
		res, body := newPhone(t, androidChrome).get(links[2])
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("%d, want 403", res.StatusCode)
		}
		headed(t, body)
	})
	for name, u := range map[string]string{
		"Unknown": a.srv.URL + "/s/AAAAAAAAAAAAAAAAAAAAAA",
		"Revoked": a.srv.URL + "/s/" + revokedToken(t, a, id),
	} {
		t.Run(name, func(t *testing.T) {
			res, body := newPhone(t, androidChrome).get(u)
			if res.StatusCode != http.StatusNotFound {
				t.Fatalf("%d, want 404", res.StatusCode)
			}
			for _, leak := range []string{"Un clip", "Le clip", "entre amis", "/image"} {
				if strings.Contains(body, leak) {
					t.Errorf("the page of an unknown link shows %q", leak)
				}
			}
		})
	}
}

// Recipients see the public title, never the campaign's internal name
// when a public title is set.
func TestContentShowsThePublicTitle(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("hi"))
	link := a.seeds(id, 1, 1)[0]
	p := newPhone(t, iPhoneSafari)
	p.unlock(link)
	_, body := p.get(link)
	mustContain(t, body, "<h1>Un clip en avant-première</h1>", "<title>Un clip en avant-première</title>")
	if strings.Contains(body, "Le clip") {
		t.Errorf("the content page shows the internal name:\n%s", body)
	}
}

// Images carry their description as text alternative, and their size so
// that nothing below them moves while they load.
func TestImageDescriptionsAndSizes(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "image/png", pngOf(t, 30, 20))
	a.apiWith(a.key, "image/png", "PUT", path(id, "/teaser/image"), pngOf(t, 1200, 630), nil)
	var c struct {
		Teaser struct {
			ImageDescription        string `json:"image_description"`
			ImageWidth, ImageHeight int    `json:"-"`
			W                       int    `json:"image_width"`
			H                       int    `json:"image_height"`
		}
		Content struct {
			ImageDescription string `json:"image_description"`
		}
	}
	if st := a.api("PATCH", path(id, ""), map[string]any{
		"teaser":  map[string]any{"image_description": "Une scène sous la pluie"},
		"content": map[string]any{"image_description": `Le chanteur & "son" chien`},
	}, &c); st != http.StatusOK {
		t.Fatalf("patch: %d", st)
	}
	if c.Teaser.ImageDescription != "Une scène sous la pluie" || c.Teaser.W != 1200 || c.Teaser.H != 630 ||
		c.Content.ImageDescription != `Le chanteur & "son" chien` {
		t.Errorf("campaign JSON = %+v", c)
	}
	link := a.seeds(id, 1, 1)[0]
	token := link[strings.LastIndex(link, "/")+1:]
	p := newPhone(t, iPhoneSafari)
	_, body := p.get(link)
	mustContain(t, body, `<img src="/s/`+token+`/image" alt="Une scène sous la pluie" width="1200" height="630">`,
		`<meta property="og:image:alt" content="Une scène sous la pluie">`)
	p.unlock(link)
	_, body = p.get(link)
	mustContain(t, body, `<img src="/s/`+token+`/media" alt="Le chanteur &amp; &#34;son&#34; chien" width="30" height="20">`)

	// Without a description, the public title; an image of unknown size
	// keeps a box of the usual preview ratio.
	a.api("PATCH", path(id, ""), map[string]any{"content": map[string]any{"image_description": ""}}, nil)
	a.apiWith(a.key, "image/webp", "PUT", path(id, "/teaser/image"), mediatest.WebP(nil), nil)
	_, body = p.get(link)
	mustContain(t, body, `alt="Un clip en avant-première" width="30" height="20">`)
	_, body = newPhone(t, androidChrome).get(link)
	mustContain(t, body, `<img src="/s/`+token+`/image" alt="Une scène sous la pluie" class="unsized">`)
}

const vtt = "WEBVTT\n\n00:00.000 --> 00:02.000\nBonjour à tous\n"

// Captions: uploaded as WebVTT through the API, checked, served only to a
// device that holds a claim, and on by default on the video.
func TestCaptions(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "video/mp4", mediatest.MP4([]byte("frames")))
	for _, tc := range []struct {
		name, ct string
		body     []byte
		want     int
	}{
		{"NotVTT", "text/plain", []byte(vtt), 415},
		{"NoHeader", "text/vtt", []byte("00:00.000 --> 00:02.000\nhi\n"), 422},
		{"HeaderGlued", "text/vtt", []byte("WEBVTTX\n"), 422},
		{"NotUTF8", "text/vtt", []byte("WEBVTT\n\n00:00.000 --> 00:02.000\n\xff\xfe\n"), 422},
		{"TooLarge", "text/vtt", append([]byte("WEBVTT\n"), bytes.Repeat([]byte("a"), 1<<20)...), 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if st, msg := a.apiError("PUT", path(id, "/captions"), tc.ct, tc.body); st != tc.want {
				t.Errorf("%d %s, want %d", st, msg, tc.want)
			}
		})
	}
	var c struct {
		Content struct {
			HasCaptions bool `json:"has_captions"`
		}
	}
	if a.api("GET", path(id, ""), nil, &c); c.Content.HasCaptions {
		t.Fatal("a refused upload left captions")
	}
	if st := a.apiWith(a.key, "text/vtt; charset=utf-8", "PUT", path(id, "/captions"), "\ufeff"+vtt, &c); st != http.StatusOK || !c.Content.HasCaptions {
		t.Fatalf("put captions: %d, has_captions %v", st, c.Content.HasCaptions)
	}

	link := a.seeds(id, 1, 1)[0]
	token := link[strings.LastIndex(link, "/")+1:]
	if res, _ := newPhone(t, androidChrome).get(link + "/captions"); res.StatusCode != http.StatusForbidden {
		t.Errorf("captions to a device without a claim: %d, want 403", res.StatusCode)
	}
	if res, _ := newPhone(t, androidChrome).get(a.srv.URL + "/s/AAAAAAAAAAAAAAAAAAAAAA/captions"); res.StatusCode != http.StatusNotFound {
		t.Errorf("captions of an unknown link: %d, want 404", res.StatusCode)
	}
	p := newPhone(t, iPhoneSafari)
	p.unlock(link)
	_, body := p.get(link)
	mustContain(t, body, `<track kind="captions" src="/s/`+token+`/captions" srclang="fr" label="Sous-titres" default>`)
	res, got := p.get(link + "/captions")
	if res.StatusCode != http.StatusOK || got != "\ufeff"+vtt || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/vtt") ||
		res.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("captions: %d %q %q\n%q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"), got)
	}

	// Replacing the video keeps the captions; removing them removes the track.
	a.apiWith(a.key, "video/mp4", "PUT", path(id, "/content"), mediatest.MP4([]byte("other frames")), nil)
	if _, body = p.get(link); !strings.Contains(body, `<track kind="captions"`) {
		t.Error("a new video lost its captions")
	}
	if st := a.api("DELETE", path(id, "/captions"), nil, &c); st != http.StatusOK || c.Content.HasCaptions {
		t.Fatalf("delete captions: %d, has_captions %v", st, c.Content.HasCaptions)
	}
	if _, body = p.get(link); strings.Contains(body, "<track") {
		t.Error("the track stayed after the captions were removed")
	}
	if res, _ := p.get(link + "/captions"); res.StatusCode != http.StatusNotFound {
		t.Errorf("removed captions: %d, want 404", res.StatusCode)
	}
}

// An audio content shows its transcript under the player, open.
func TestTranscript(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "audio/mpeg", mediatest.MP3([]byte("sound")))
	if st := a.api("PATCH", path(id, ""), map[string]any{"content": map[string]any{"transcript": "Bonjour <à> tous.\r\n\r\nDeuxième partie."}}, nil); st != http.StatusOK {
		t.Fatalf("patch: %d", st)
	}
	link := a.seeds(id, 1, 1)[0]
	p := newPhone(t, iPhoneSafari)
	p.unlock(link)
	_, body := p.get(link)
	mustContain(t, body, `<details class="transcript" open>`, "<summary>Transcription</summary>",
		"<p>Bonjour &lt;à&gt; tous.</p><p>Deuxième partie.</p>")
	if st, _ := a.apiError("PATCH", path(id, ""), "application/json",
		[]byte(`{"content":{"transcript":"`+strings.Repeat("a", 100_001)+`"}}`)); st != http.StatusUnprocessableEntity {
		t.Errorf("a transcript too long: %d, want 422", st)
	}
}

// A refused address comes back beside the field, typed as it was, with
// the page still there to share another way.
func TestSendForMeErrorBesideTheField(t *testing.T) {
	a := newApp(t, 1<<20, func(c *web.Config) { c.SendForMe = notify.ForwardLimits{PerClaim: 5, PerCampaignHour: 50} })
	id := a.launch(map[string]any{"send_for_me": true}, "text/plain", []byte("le clip"))
	link := a.seeds(id, 1, 1)[0]
	p := newPhone(t, iPhoneSafari)
	p.unlock(link)
	if res, _ := p.sendForMe(link, "friend@example.com"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first send: %d", res.StatusCode)
	}
	for _, tc := range []struct {
		name, to, says string
		want           int
	}{
		{"NotAnAddress", "hello <b>", "ni une adresse e-mail ni un numéro de portable", 400},
		{"Empty", "  ", "ni une adresse e-mail ni un numéro de portable", 400},
		{"AlreadySent", "FRIEND@example.com", "a déjà reçu un lien", 409},
		{"NotAMobile", "08 92 68 01 01", "numéros de portable", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := p.sendForMe(link, tc.to)
			if res.StatusCode != tc.want {
				t.Fatalf("%d, want %d", res.StatusCode, tc.want)
			}
			mustContain(t, body,
				`value="`+strings.ReplaceAll(strings.ReplaceAll(tc.to, "<", "&lt;"), ">", "&gt;")+`" aria-invalid="true" aria-describedby="send-to-error send-to-hint" autofocus>`,
				`<p class="field-error" id="send-to-error">`, tc.says,
				`<h1>Un clip en avant-première</h1>`, `action="/s/`, `/forward"`)
		})
	}
}

// The "sent" notice shows even when the send used the last forward the
// recipient had.
func TestSentNoticeAfterTheLastForward(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(map[string]any{"send_for_me": true, "forwards_per_claim": 1}, "text/plain", []byte("le clip"))
	link := a.seeds(id, 1, 1)[0]
	p := newPhone(t, iPhoneSafari)
	p.unlock(link)
	res, _ := p.sendForMe(link, "friend@example.com")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", res.StatusCode)
	}
	_, body := p.get(a.srv.URL + location(res))
	mustContain(t, body, "Envoyé : ton ami va recevoir un lien personnel.", "Tu as partagé tous les liens possibles")
}

// "Copy link" without a script shows the new link in a labelled read-only
// field, and that link works.
func TestCopyLinkWithoutScript(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("le clip"))
	link := a.seeds(id, 1, 1)[0]
	p := newPhone(t, iPhoneSafari)
	p.unlock(link)
	res, body := p.do("POST", link+"/forward", url.Values{"channel": {"link"}}, nil)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("%d, want 201 with the link on the page", res.StatusCode)
	}
	m := regexp.MustCompile(`<label for="new-link">Ton nouveau lien personnel</label>\s*<input id="new-link" type="text" readonly value="(` +
		regexp.QuoteMeta(a.srv.URL) + `/s/[A-Za-z0-9_-]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no labelled read-only field with the link:\n%s", body)
	}
	if m[1] == link {
		t.Fatal("the field shows the recipient's own link, not a new one")
	}
	if res, _ := newPhone(t, androidChrome).unlock(m[1]); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the new link does not unlock: %d", res.StatusCode)
	}
	if st := a.stats(id); fmt.Sprint(st["forwards"].(map[string]any)["link"]) != "1" {
		t.Errorf("forwards = %v, want one link forward", st["forwards"])
	}
}
