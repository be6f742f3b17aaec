package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The editor says which fields recipients see, and takes the image
// descriptions, the transcript and the captions.
func TestDashEditorAccessFields(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	_, body := b.get(d.srv.URL + "/campaigns/new")
	mustContain(t, body, `<label for="title">Internal name (only you see it)</label>`,
		`<label for="teaser.title">Public title (recipients see it)</label>`,
		`<label for="teaser.image_description">`, `<label for="content.image_description">`, `<label for="content.transcript">`)

	res, body := b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(map[string]string{
		"teaser.image_description":  "Une scène sous la pluie",
		"content.image_description": "Le chanteur",
		"content.transcript":        strings.Repeat("Bonjour à tous. ", 5000), // past the other forms' 64 KiB once encoded
	}), nil)
	if res.StatusCode != http.StatusSeeOther || location(res) != "/campaigns/1?saved=1" {
		t.Fatalf("create: %d to %q\n%s", res.StatusCode, location(res), body)
	}
	var c struct {
		Teaser struct {
			ImageDescription string `json:"image_description"`
		}
		Content struct {
			ImageDescription string `json:"image_description"`
			Transcript       string
			HasCaptions      bool `json:"has_captions"`
		}
	}
	d.api("GET", path(1, ""), nil, &c)
	if c.Teaser.ImageDescription != "Une scène sous la pluie" || c.Content.ImageDescription != "Le chanteur" ||
		len(c.Content.Transcript) != len(strings.Repeat("Bonjour à tous. ", 5000)) {
		t.Errorf("saved: teaser %q, content %q, transcript of %d bytes", c.Teaser.ImageDescription, c.Content.ImageDescription, len(c.Content.Transcript))
	}
	_, body = b.get(d.srv.URL + "/campaigns/1")
	mustContain(t, body, `value="Une scène sous la pluie"`, `value="Le chanteur"`, "No captions yet.")

	// Captions: a browser may label a .vtt file as it likes.
	res, body = postMultipart(b, d.srv.URL+"/campaigns/1/captions", nil, "captions", "clip.fr.vtt", "application/octet-stream", []byte("WEBVTT\n\n00:00.000 --> 00:01.000\nSalut\n"), nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("captions upload: %d\n%s", res.StatusCode, body)
	}
	if d.api("GET", path(1, ""), nil, &c); !c.Content.HasCaptions {
		t.Fatal("the uploaded captions are not the campaign's")
	}
	_, body = b.get(d.srv.URL + "/campaigns/1")
	mustContain(t, body, "Captions uploaded: the video shows them.", "Remove the captions")

	res, body = postMultipart(b, d.srv.URL+"/campaigns/1/captions", nil, "captions", "notes.vtt", "text/vtt", []byte("Salut\n"), nil)
	if res.StatusCode < 400 || res.StatusCode >= 500 {
		t.Fatalf("captions without a WEBVTT header: %d, want a 4xx", res.StatusCode)
	}
	mustContain(t, body, `aria-describedby="captions-state captions-hint captions-error"`, `aria-invalid="true"`,
		`<p class="field-error" id="captions-error">Captions: must be a WebVTT file`)

	res, _ = b.do("POST", d.srv.URL+"/campaigns/1/captions", url.Values{"remove": {"1"}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove captions: %d", res.StatusCode)
	}
	if d.api("GET", path(1, ""), nil, &c); c.Content.HasCaptions {
		t.Error("the captions stayed after removal")
	}
}
