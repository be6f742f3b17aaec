package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign/mediatest"
)

// apiError sends body with Content-Type ct and returns the status and the
// JSON error's message.
func (a *app) apiError(method, path, ct string, body []byte) (int, string) {
	a.t.Helper()
	var out struct{ Error string }
	st := a.apiWith(a.key, ct, method, path, body, &out)
	return st, out.Error
}

// multipartFile is a multipart body with body as its "file" part of type ct.
func multipartFile(ct string, body []byte) (string, []byte) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	part, _ := mw.CreatePart(map[string][]string{
		"Content-Disposition": {`form-data; name="file"; filename="upload"`},
		"Content-Type":        {ct},
	})
	part.Write(body)
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

// A file whose first bytes are not of its declared type is refused with a
// 415 naming both types, and the live campaign keeps its content.
func TestAPIUploadTypeMismatch(t *testing.T) {
	a := newApp(t, 1<<20)
	video := mediatest.MP4(bytes.Repeat([]byte("frame"), 100))
	id := a.launch(nil, "video/mp4", video)
	seed := a.seeds(id, 1, 1)[0]
	alice := newPhone(t, iPhoneSafari)
	alice.unlock(seed)
	text := []byte("meeting notes, not a video\n")
	mpCT, mpBody := multipartFile("image/png", text)
	before := snapshot(t, a)
	for _, tc := range []struct {
		name, path, ct string
		body           []byte
		want           string
	}{
		{"TextAsVideo", "/content", "video/mp4", text, "the file looks like text/plain, not video/mp4"},
		{"TextAsPNG", "/content", "image/png", text, "the file looks like text/plain, not image/png"},
		{"PNGAsPDF", "/content", "application/pdf", mediatest.PNG(nil), "the file looks like image/png, not application/pdf"},
		{"MultipartTextAsPNG", "/content", mpCT, mpBody, "the file looks like text/plain, not image/png"},
		{"TeaserTextAsPNG", "/teaser/image", "image/png", text, "the file looks like text/plain, not image/png"},
		{"TeaserMP4AsJPEG", "/teaser/image", "image/jpeg", video, "the file looks like video/mp4, not image/jpeg"},
		{"BinaryAsText", "/content", "text/plain", mediatest.PNG([]byte("pixels")), "the file looks like image/png, not text/plain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, msg := a.apiError("PUT", path(id, tc.path), tc.ct, tc.body)
			if st != http.StatusUnsupportedMediaType || msg != tc.want {
				t.Errorf("%d %q, want 415 %q", st, msg, tc.want)
			}
		})
	}
	if after := snapshot(t, a); after != before {
		t.Errorf("a refused upload changed the campaign:\nbefore %s\nafter  %s", before, after)
	}
	if res, got := alice.get(seed + "/media"); res.StatusCode != http.StatusOK || got != string(video) {
		t.Errorf("media after refused uploads: %d, %d bytes; want the %d of the live video", res.StatusCode, len(got), len(video))
	}
}

// Each size limit names its own size, and empty text is refused.
func TestAPIUploadLimitsAndEmptyText(t *testing.T) {
	a := newApp(t, 2<<20)
	var c struct{ ID int64 }
	a.api("POST", "/api/v1/campaigns", map[string]any{"title": "T"}, &c)
	bigCT, bigMultipart := multipartFile("video/mp4", mediatest.MP4(make([]byte, 2<<20)))
	before := snapshot(t, a)
	for _, tc := range []struct {
		name, path, ct string
		body           []byte
		status         int
		want           string
	}{
		{"TeaserImage", "/teaser/image", "image/png", mediatest.PNG(make([]byte, 5<<20)), 413,
			"upload larger than the limit of 5 MiB (5242880 bytes)"},
		{"Content", "/content", "video/mp4", mediatest.MP4(make([]byte, 2<<20)), 413,
			"upload larger than the limit of 2 MiB (2097152 bytes)"},
		{"MultipartContent", "/content", bigCT, bigMultipart, 413,
			"upload larger than the limit of 2 MiB (2097152 bytes)"},
		{"Text", "/content", "text/plain", bytes.Repeat([]byte("a"), 1<<20+1), 413,
			"upload larger than the limit of 1 MiB (1048576 bytes)"},
		{"EmptyText", "/content", "text/plain", nil, 422, "content: is empty"},
		{"BlankMarkdown", "/content", "text/markdown", []byte("\n  \n"), 422, "content: is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, msg := a.apiError("PUT", path(c.ID, tc.path), tc.ct, tc.body)
			if st != tc.status || msg != tc.want {
				t.Errorf("%d %q, want %d %q", st, msg, tc.status, tc.want)
			}
		})
	}
	if after := snapshot(t, a); after != before {
		t.Errorf("a refused upload changed the campaign:\nbefore %s\nafter  %s", before, after)
	}
}

// A link cannot be minted already expired.
func TestAPILinksExpiryInThePast(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("hi"))
	now := a.clock.Now()
	before := snapshot(t, a)
	for _, at := range []time.Time{now.Add(-time.Hour), now} {
		body, _ := json.Marshal(map[string]any{"count": 1, "expires_at": at})
		st, msg := a.apiError("POST", path(id, "/links"), "application/json", body)
		if st != http.StatusUnprocessableEntity || msg != "expires_at: must be in the future" {
			t.Errorf("expires_at %s: %d %q, want 422 naming expires_at", at, st, msg)
		}
	}
	if after := snapshot(t, a); after != before {
		t.Errorf("a refused mint wrote links:\nbefore %s\nafter  %s", before, after)
	}
	body, _ := json.Marshal(map[string]any{"count": 1, "expires_at": now.Add(time.Minute)})
	if st, msg := a.apiError("POST", path(id, "/links"), "application/json", body); st != http.StatusCreated {
		t.Errorf("expires_at a minute ahead: %d %q, want 201", st, msg)
	}
}

// The dashboard refuses a mismatched file on the editor, in the
// marketer's language, and keeps the content.
func TestDashUploadTypeMismatch(t *testing.T) {
	d := newDash(t)
	b := d.signedIn()
	b.do("POST", d.srv.URL+"/campaigns/new", campaignForm(nil), nil)
	video := mediatest.MP4(bytes.Repeat([]byte("frame"), 100))
	if res, body := upload(t, b, d.srv.URL+"/campaigns/1/content", "clip.mp4", "video/mp4", video); res.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}
	before := snapshot(t, d.app)
	text := []byte("meeting notes, not a video\n")
	fr := http.Header{"Accept-Language": {"fr"}}
	for _, tc := range []struct {
		name           string
		url, field, ct string
		body           []byte
		header         http.Header
		status         int
		want           string
	}{
		{"Content", "/campaigns/1/content", "file", "video/mp4", text, nil, 415,
			"The file looks like text/plain, not video/mp4"},
		{"ContentFrench", "/campaigns/1/content", "file", "video/mp4", text, fr, 415,
			"Le fichier ressemble à du text/plain, pas à du video/mp4"},
		{"ContentJSON", "/campaigns/1/content", "file", "image/png", text, http.Header{"Accept": {"application/json"}}, 415,
			`"error":"The file looks like text/plain, not image/png`},
		{"TeaserImage", "/campaigns/1/teaser/image", "image", "image/png", text, nil, 415,
			"The file looks like text/plain, not image/png"},
		{"TeaserImageTooLarge", "/campaigns/1/teaser/image", "image", "image/png", mediatest.PNG(make([]byte, 5<<20)), nil, 413,
			"The file is larger than the limit of 5 MiB."},
		{"ContentTooLarge", "/campaigns/1/content", "file", "video/mp4", mediatest.MP4(make([]byte, 1<<20)), fr, 413,
			"Le fichier dépasse la taille maximale de 1 MiB."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, page := postFile(t, b, d.srv.URL+tc.url, tc.field, "upload", tc.ct, tc.body, tc.header)
			if res.StatusCode != tc.status || !strings.Contains(page, tc.want) {
				t.Errorf("%d, want %d with %q in:\n%s", res.StatusCode, tc.status, tc.want, page)
			}
		})
	}
	if after := snapshot(t, d.app); after != before {
		t.Errorf("a refused upload changed the campaign:\nbefore %s\nafter  %s", before, after)
	}
}
