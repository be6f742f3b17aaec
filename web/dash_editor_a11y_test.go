package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sillage/sillage/campaign/mediatest"
)

// idRefs lists the ids a page's aria-describedby and aria-labelledby
// name that no element of the page has.
func idRefs(body string) (missing []string) {
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile(`\sid="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		ids[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`aria-(?:describedby|labelledby)="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		for _, id := range strings.Fields(m[1]) {
			if !ids[id] {
				missing = append(missing, id)
			}
		}
	}
	return missing
}

// Every id the editor's aria-describedby names exists, before and after a
// refused save; a refused save says so in the page's title and points to
// the field from an error summary that takes the focus.
func TestEditorAriaAndErrorSummary(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	id := d.launch(nil, "video/mp4", mediatest.MP4([]byte("x")))
	edit := d.srv.URL + livePath(id, "")
	pages := map[string]func() (*http.Response, string){
		"new":    func() (*http.Response, string) { return b.get(d.srv.URL + "/campaigns/new") },
		"editor": func() (*http.Response, string) { return b.get(edit) },
		"refused": func() (*http.Response, string) {
			return b.do("POST", edit, campaignForm(map[string]string{"rules.max_depth": "deep"}), nil)
		},
		"refused new": func() (*http.Response, string) {
			return b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(map[string]string{"title": ""}), nil)
		},
	}
	for name, get := range pages {
		t.Run(name, func(t *testing.T) {
			res, body := get()
			if res.StatusCode >= 500 {
				t.Fatalf("%d", res.StatusCode)
			}
			if missing := idRefs(body); len(missing) > 0 {
				t.Errorf("aria references to ids that do not exist: %q", missing)
			}
		})
	}

	res, body := pages["refused"]()
	if res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
		t.Fatalf("refused save: %d", res.StatusCode)
	}
	mustContain(t, body, "<title>Error: Le clip · Sillage</title>",
		`id="error-summary" role="alert" tabindex="-1" autofocus`, `<a href="#rules.max_depth">`,
		`aria-invalid="true" aria-describedby="rules.max_depth-error rules.max_depth-hint"`,
		`<p class="field-error" id="rules.max_depth-error">`)
	_, body = b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(map[string]string{"title": ""}), http.Header{"Accept-Language": {"fr"}})
	mustContain(t, body, "<title>Erreur : ", `<a href="#title">`)
	if _, body := b.get(edit); strings.Contains(body, "<title>Error") || strings.Contains(body, "error-summary") {
		t.Error("the editor without an error has an error title or summary")
	}
}

// The editor names the current file however it came (the dashboard's
// form, the API with ?name=, with a Content-Disposition, or with no name
// at all), and plays it from a dashboard address that needs the session.
func TestEditorContentPreview(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	video := mediatest.MP4(bytes.Repeat([]byte("0123456789"), 500))
	id := d.launch(nil, "video/mp4", video)
	edit := livePath(id, "")
	_, body := b.get(d.srv.URL + edit)
	mustContain(t, body, "<strong>a file uploaded through the API</strong> (video/mp4, 5 KiB)")

	put := func(header http.Header, query string) {
		t.Helper()
		req, _ := http.NewRequest("PUT", d.srv.URL+"/api/v1"+edit+"/content"+query, bytes.NewReader(video))
		req.Header = header
		req.Header.Set("Authorization", "Bearer "+d.key)
		req.Header.Set("Content-Type", "video/mp4")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("PUT content: %d", res.StatusCode)
		}
	}
	put(http.Header{"Content-Disposition": {`attachment; filename="trailer.mp4"`}}, "")
	_, body = b.get(d.srv.URL + edit)
	mustContain(t, body, "<strong>trailer.mp4</strong> (video/mp4, 5 KiB)")
	put(http.Header{"Content-Disposition": {`attachment; filename="ignored.mp4"`}}, "?name="+url.QueryEscape("teaser cut.mp4"))
	_, body = b.get(d.srv.URL + edit)
	mustContain(t, body, "<strong>teaser cut.mp4</strong>")

	m := regexp.MustCompile(`<video controls preload="metadata" src="(/campaigns/\d+/content/preview\?v=\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no video player in the editor:\n%s", body)
	}
	preview := d.srv.URL + strings.ReplaceAll(m[1], "&amp;", "&")
	res, got := b.get(preview)
	if res.StatusCode != http.StatusOK || got != string(video) || res.Header.Get("Content-Type") != "video/mp4" {
		t.Fatalf("preview: %d %s, %d bytes; want 200 video/mp4, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(got), len(video))
	}
	if cc := res.Header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("preview Cache-Control %q", cc)
	}
	res, got = b.do("GET", preview, nil, http.Header{"Range": {"bytes=100-109"}})
	if res.StatusCode != http.StatusPartialContent || got != string(video[100:110]) {
		t.Errorf("range: %d %q", res.StatusCode, got)
	}
	if res, _ := d.browser().get(preview); res.StatusCode != http.StatusSeeOther || location(res) != "/login" {
		t.Errorf("signed out: %d to %q, want 303 to /login", res.StatusCode, location(res))
	}
	if res, _ := b.get(d.srv.URL + "/campaigns/99/content/preview"); res.StatusCode != http.StatusNotFound {
		t.Errorf("no such campaign: %d", res.StatusCode)
	}
	text := d.launch(nil, "text/plain", []byte("hi"))
	if res, _ := b.get(d.srv.URL + livePath(text, "/content/preview")); res.StatusCode != http.StatusNotFound {
		t.Errorf("text content: %d, want 404 (the editor shows it)", res.StatusCode)
	}
}
