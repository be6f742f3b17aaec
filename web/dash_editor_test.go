package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/migrations/dbtest"
)

// smallPNG is a real 2×1 PNG image.
func smallPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 1))
	img.Set(0, 0, color.RGBA{200, 20, 90, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The editor shows how a link will look once pasted in a chat: the teaser
// title (the campaign's when there is none), its text and the links' site;
// an outside image is named, never loaded.
func TestEditorLinkPreview(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(map[string]string{
		"teaser.title": "", "teaser.description": "Rien que pour vous", "teaser.image_url": "https://cdn.example.org/a.jpg",
	}), nil)
	_, page := b.get(d.srv.URL + "/campaigns/1")
	host := strings.TrimPrefix(d.srv.URL, "http://")
	mustContain(t, page, `<strong class="og-title" data-preview-title>Le clip</strong>`,
		`<span class="og-desc" data-preview-desc>Rien que pour vous</span>`,
		`<span class="og-host">`+host+`</span>`, "cdn.example.org", `action="/campaigns/1/teaser/image"`)
	if strings.Contains(page, `src="https://cdn.example.org`) {
		t.Error("the editor loads the outside image")
	}
}

// An uploaded teaser image shows in the preview, is served to the signed-in
// marketer, and becomes the links' og:image.
func TestEditorTeaserImage(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(nil), nil)
	img := smallPNG(t)
	res, _ := postFile(t, b, d.srv.URL+"/campaigns/1/teaser/image", "image", "poster.png", "image/png", img, nil)
	if res.StatusCode != http.StatusSeeOther || location(res) != "/campaigns/1?saved=1" {
		t.Fatalf("upload: %d to %q", res.StatusCode, location(res))
	}
	_, page := b.get(d.srv.URL + "/campaigns/1")
	mustContain(t, page, `<img class="og-image" src="/campaigns/1/teaser/image?v=`)
	res, got := b.get(d.srv.URL + "/campaigns/1/teaser/image")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" || got != string(img) {
		t.Errorf("image: %d %q, %d bytes, want the %d uploaded", res.StatusCode, res.Header.Get("Content-Type"), len(got), len(img))
	}
	if res, _ := d.browser().get(d.srv.URL + "/campaigns/1/teaser/image"); location(res) != "/login" {
		t.Errorf("signed out, the image answers %d", res.StatusCode)
	}
	// A link pasted in a chat now shows it.
	b.do("POST", d.srv.URL+"/campaigns/1/content", url.Values{"type": {"text/plain"}, "text": {"Bonjour"}}, nil)
	b.do("POST", d.srv.URL+"/campaigns/1/status", url.Values{"status": {"live"}}, nil)
	link := d.seeds(1, 1, 1)[0]
	_, teaser := newPhone(t, "WhatsApp/2.23.20.0 A").get(link)
	mustContain(t, teaser, `<meta property="og:image" content="`+link+`/image">`)
}

// A bad image comes back on the editor beside the field, and nothing is
// written.
func TestEditorTeaserImageBadInput(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(nil), nil)
	before := dbtest.Dump(t, d.db)
	u := d.srv.URL + "/campaigns/1/teaser/image"
	cases := []struct {
		name   string
		post   func() (*http.Response, string)
		status int
		want   string
	}{
		{"NoFile", func() (*http.Response, string) { return postFile(t, b, u, "image", "", "image/png", nil, nil) }, 422, "choose an image"},
		{"OtherField", func() (*http.Response, string) {
			return postFile(t, b, u, "file", "a.png", "image/png", smallPNG(t), nil)
		}, 422, "choose an image"},
		{"NotAnImage", func() (*http.Response, string) {
			return postFile(t, b, u, "image", "a.pdf", "application/pdf", []byte("%PDF-1.4"), nil)
		}, 422, "teaser image must be PNG, JPEG, GIF or WebP"},
		{"TooLarge", func() (*http.Response, string) {
			return postFile(t, b, u, "image", "big.png", "image/png", mediatest.PNG(make([]byte, 5<<20)), nil)
		}, 413, "The file is larger than the limit of 5 MiB."},
		{"NotMultipart", func() (*http.Response, string) { return b.do("POST", u, nil, nil) }, 422, "malformed upload"},
		{"UnknownCampaign", func() (*http.Response, string) {
			return postFile(t, b, d.srv.URL+"/campaigns/9/teaser/image", "image", "a.png", "image/png", smallPNG(t), nil)
		}, 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, page := c.post()
			if res.StatusCode != c.status || !strings.Contains(page, c.want) {
				t.Errorf("%d, want %d with %q", res.StatusCode, c.status, c.want)
			}
			if c.status == 422 {
				mustContain(t, page, `id="image-error"`, `aria-invalid="true"`)
			}
		})
	}
	if !bytes.Equal(before, dbtest.Dump(t, d.db)) {
		t.Error("a refused image changed the database")
	}
	res, _ := b.get(d.srv.URL + "/campaigns/1/teaser/image")
	io.Copy(io.Discard, res.Body)
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("no image yet: %d, want 404", res.StatusCode)
	}
}
