package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/sillage/sillage/campaign/mediatest"
)

// Every API route refuses a request without a valid key.
func TestAPIRequiresKey(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("hi"))
	routes := []struct{ method, path string }{
		{"POST", "/api/v1/campaigns"},
		{"GET", "/api/v1/campaigns"},
		{"GET", path(id, "")},
		{"PATCH", path(id, "")},
		{"PUT", path(id, "/content")},
		{"PUT", path(id, "/teaser/image")},
		{"POST", path(id, "/status")},
		{"POST", path(id, "/links")},
		{"DELETE", path(id, "/links/1")},
		{"GET", path(id, "/stats")},
		{"GET", path(id, "/tree")},
		{"GET", path(id, "/leaks")},
		{"POST", path(id, "/claims/1/release")},
		{"GET", "/api/v1/alerts"},
	}
	for _, r := range routes {
		for name, key := range map[string]string{"NoKey": "", "WrongKey": "sil_nope", "NotBearer": "Basic x"} {
			if st := a.apiWith(key, "application/json", r.method, r.path, "{}", nil); st != http.StatusUnauthorized {
				t.Errorf("%s %s with %s: %d, want 401", r.method, r.path, name, st)
			}
		}
	}
	var list struct{ Campaigns []any }
	if a.api("GET", "/api/v1/campaigns", nil, &list); len(list.Campaigns) != 1 {
		t.Errorf("refused requests changed something: %d campaigns", len(list.Campaigns))
	}
}

// Bad input gets a precise 4xx and writes nothing.
func TestAPIBadInput(t *testing.T) {
	a := newApp(t, 4096)
	var c struct{ ID int64 }
	a.api("POST", "/api/v1/campaigns", map[string]any{"title": "Base"}, &c)
	for _, tc := range []struct {
		name, method, path, ct, body string
		want                         int
		mention                      string
	}{
		{"InvalidJSON", "POST", "/api/v1/campaigns", "application/json", `{"title": `, 400, "invalid JSON"},
		{"Empty", "POST", "/api/v1/campaigns", "application/json", ``, 400, "empty body"},
		{"UnknownField", "POST", "/api/v1/campaigns", "application/json", `{"title":"x","colour":"red"}`, 400, "colour"},
		{"WrongType", "POST", "/api/v1/campaigns", "application/json", `{"title":42}`, 400, "title"},
		{"TwoObjects", "POST", "/api/v1/campaigns", "application/json", `{"title":"a"}{"title":"b"}`, 400, "more data"},
		{"NotJSON", "POST", "/api/v1/campaigns", "text/plain", `{"title":"a"}`, 400, "application/json"},
		{"NoTitle", "POST", "/api/v1/campaigns", "application/json", `{"language":"fr"}`, 422, "title"},
		{"BadLanguage", "POST", "/api/v1/campaigns", "application/json", `{"title":"a","language":"xx"}`, 422, "language"},
		{"RuleOutOfRange", "POST", "/api/v1/campaigns", "application/json", `{"title":"a","rules":{"seats_per_link":0}}`, 422, "seats_per_link"},
		{"HugeLifetime", "POST", "/api/v1/campaigns", "application/json", `{"title":"a","rules":{"link_lifetime_hours":9223372036854775807}}`, 422, "link_lifetime_hours"},
		{"HugeNumber", "POST", "/api/v1/campaigns", "application/json", `{"title":"a","rules":{"max_depth":1e30}}`, 400, "max_depth"},
		{"BadTime", "POST", "/api/v1/campaigns", "application/json", `{"title":"a","starts_at":"tomorrow"}`, 400, "RFC 3339"},
		{"EndBeforeStart", "POST", "/api/v1/campaigns", "application/json", `{"title":"a","starts_at":"2026-12-02T00:00:00Z","ends_at":"2026-12-01T00:00:00Z"}`, 422, "ends_at"},
		{"InsecureImage", "POST", "/api/v1/campaigns", "application/json", `{"title":"a","teaser":{"image_url":"javascript:alert(1)"}}`, 422, "image_url"},
		{"InvalidUTF8", "POST", "/api/v1/campaigns", "application/json", "{\"title\":\"\xff\xfe\"}", 400, "UTF-8"},
		{"PatchUnknownCampaign", "PATCH", "/api/v1/campaigns/999", "application/json", `{"title":"x"}`, 404, "not found"},
		{"PatchBadID", "PATCH", "/api/v1/campaigns/abc", "application/json", `{"title":"x"}`, 404, "not found"},
		{"PatchBadRule", "PATCH", path(c.ID, ""), "application/json", `{"rules":{"max_seats":-1}}`, 422, "max_seats"},
		{"ContentTooLarge", "PUT", path(c.ID, "/content"), "video/mp4", string(mediatest.MP4(make([]byte, 5000))), 413, "limit of 4 KiB"},
		{"ContentTypeRefused", "PUT", path(c.ID, "/content"), "text/html", "<script>", 422, "not supported"},
		{"ContentSVG", "PUT", path(c.ID, "/content"), "image/svg+xml", "<svg/>", 422, "not supported"},
		{"NoContentType", "PUT", path(c.ID, "/content"), "", "data", 415, "Content-Type"},
		{"EmptyFile", "PUT", path(c.ID, "/content"), "video/mp4", "", 422, "empty"},
		{"TeaserNotImage", "PUT", path(c.ID, "/teaser/image"), "application/pdf", "%PDF", 422, "teaser image"},
		{"LiveWithoutContent", "POST", path(c.ID, "/status"), "application/json", `{"status":"live"}`, 409, "content"},
		{"BadStatus", "POST", path(c.ID, "/status"), "application/json", `{"status":"deleted"}`, 422, "status"},
		{"IllegalTransition", "POST", path(c.ID, "/status"), "application/json", `{"status":"paused"}`, 409, "illegal"},
		{"TooManyLinks", "POST", path(c.ID, "/links"), "application/json", `{"count":100000}`, 422, "count"},
		{"NegativeCount", "POST", path(c.ID, "/links"), "application/json", `{"count":-1}`, 422, "count"},
		{"BadChannel", "POST", path(c.ID, "/links"), "application/json", `{"count":1,"channel":"pigeon"}`, 422, "channel"},
		{"TooManySeats", "POST", path(c.ID, "/links"), "application/json", `{"count":1,"seats":1000}`, 422, "seats"},
		{"LinksUnknownCampaign", "POST", "/api/v1/campaigns/999/links", "application/json", `{"count":1}`, 404, "not found"},
		{"RevokeUnknownLink", "DELETE", path(c.ID, "/links/12345"), "application/json", ``, 404, "not found"},
		{"StatsUnknownCampaign", "GET", "/api/v1/campaigns/999/stats", "", ``, 404, "not found"},
		{"DeepJSON", "POST", "/api/v1/campaigns", "application/json", `{"title":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, 400, "invalid JSON"},
		{"OversizedJSON", "POST", "/api/v1/campaigns", "application/json", `{"title":"` + strings.Repeat("a", 2<<20) + `"}`, 400, "larger than"},
		{"NegativeSeats", "POST", path(c.ID, "/links"), "application/json", `{"count":1,"seats":-5}`, 422, "seats"},
		{"HugeCount", "POST", path(c.ID, "/links"), "application/json", `{"count":99999999999999999999}`, 400, "count"},
		{"FloatCount", "POST", path(c.ID, "/links"), "application/json", `{"count":1.5}`, 400, "count"},
		{"NullStatus", "POST", path(c.ID, "/status"), "application/json", `{"status":null}`, 422, "status"},
		{"BadWindow", "GET", path(c.ID, "/stats?from=yesterday"), "", ``, 400, "from"},
		{"WindowBackwards", "GET", path(c.ID, "/stats?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z"), "", ``, 400, "after"},
		{"BadExportFormat", "GET", path(c.ID, "/export?format=xlsx"), "", ``, 400, "format"},
		{"ExportUnknownCampaign", "GET", "/api/v1/campaigns/999/export?format=csv", "", ``, 404, "not found"},
		{"TreeUnknownCampaign", "GET", "/api/v1/campaigns/999/tree", "", ``, 404, "not found"},
		{"ReleaseNotANumber", "POST", path(c.ID, "/claims/1e3/release"), "", ``, 404, "not found"},
		{"BadMultipart", "PUT", path(c.ID, "/content"), "multipart/form-data; boundary=xyz", "--xyz\r\nbroken", 422, "multipart"},
		{"MultipartNoBoundary", "PUT", path(c.ID, "/content"), "multipart/form-data", "x", 422, "boundary"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, a)
			req, _ := http.NewRequest(tc.method, a.srv.URL+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer "+a.key)
			if tc.ct != "" {
				req.Header.Set("Content-Type", tc.ct)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			buf.ReadFrom(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.want || !strings.Contains(buf.String(), tc.mention) {
				t.Errorf("%d %s; want %d mentioning %q", res.StatusCode, buf.String(), tc.want, tc.mention)
			}
			if !strings.HasPrefix(buf.String(), `{"error":`) {
				t.Errorf("body %q is not a JSON error", buf.String())
			}
			if after := snapshot(t, a); after != before {
				t.Errorf("a refused request wrote to the database:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// snapshot summarises every table that a request could write to.
func snapshot(t *testing.T, a *app) string {
	t.Helper()
	var s strings.Builder
	for _, q := range []string{
		`SELECT COUNT(*) FROM campaigns`,
		`SELECT COALESCE(MAX(updated_at), 0) FROM campaigns`,
		`SELECT COUNT(*) FROM links`,
		`SELECT COUNT(*) FROM links WHERE revoked_at IS NOT NULL`,
		`SELECT COUNT(*) FROM claims`,
		`SELECT COALESCE(SUM(value), 0) FROM campaign_counters`,
	} {
		var v any
		if err := a.db.Read.QueryRow(q).Scan(&v); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&s, "%v|", v)
	}
	// Each campaign's files and status, joined here: SQLite's group_concat
	// is string_agg on PostgreSQL.
	rows, err := a.db.Read.Query(`SELECT content_kind || content_path || teaser_image_path || status FROM campaigns ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&s, "%s,", v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return s.String()
}

// A file name is only a label: "../../etc/passwd" is shown as "passwd"
// and the file lands in the data directory under a random name.
func TestUploadNameTraversal(t *testing.T) {
	a := newApp(t, 1<<20)
	var c struct{ ID int64 }
	a.api("POST", "/api/v1/campaigns", map[string]any{"title": "T"}, &c)
	var got struct{ Content struct{ Name string } }
	if st := a.apiWith(a.key, "video/mp4", "PUT", path(c.ID, "/content?name=..%2F..%2F..%2Fetc%2Fpasswd"), mediatest.MP4([]byte("frames")), &got); st != http.StatusOK {
		t.Fatalf("upload: %d", st)
	}
	if got.Content.Name != "passwd" {
		t.Errorf("stored name %q, want passwd", got.Content.Name)
	}
	var stored string
	a.db.Read.QueryRow(`SELECT content_path FROM campaigns WHERE id = $1`, c.ID).Scan(&stored)
	if strings.Contains(stored, "..") || strings.Contains(stored, "passwd") {
		t.Errorf("content stored at %q", stored)
	}
}

func TestAPICampaignLifecycle(t *testing.T) {
	a := newApp(t, 1<<20)
	var c map[string]any
	if st := a.api("POST", "/api/v1/campaigns", map[string]any{
		"title": "Track", "language": "en",
		"rules": map[string]any{"max_depth": 5, "view_cap": 100},
	}, &c); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	rules := c["rules"].(map[string]any)
	if c["status"] != "draft" || rules["max_depth"] != 5.0 || rules["view_cap"] != 100.0 ||
		rules["seats_per_link"] != 1.0 || rules["forwards_per_claim"] != 10.0 || rules["link_lifetime_hours"] != 168.0 {
		t.Errorf("created %v; want a draft with the given rules over the defaults", c)
	}
	id := int64(c["id"].(float64))

	var patched map[string]any
	a.api("PATCH", path(id, ""), map[string]any{"rules": map[string]any{"seats_per_link": 2}, "teaser": map[string]any{"title": "T"}}, &patched)
	if r := patched["rules"].(map[string]any); r["seats_per_link"] != 2.0 || r["max_depth"] != 5.0 || patched["title"] != "Track" {
		t.Errorf("patch changed more or less than it named: %v", patched)
	}

	// Multipart upload of an image.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreatePart(map[string][]string{
		"Content-Disposition": {`form-data; name="file"; filename="cover.png"`},
		"Content-Type":        {"image/png"},
	})
	part.Write([]byte("\x89PNG\r\n\x1a\nfake"))
	mw.Close()
	var withContent map[string]any
	if st := a.apiWith(a.key, mw.FormDataContentType(), "PUT", path(id, "/content"), body.Bytes(), &withContent); st != http.StatusOK {
		t.Fatalf("multipart upload: %d", st)
	}
	if ct := withContent["content"].(map[string]any); ct["kind"] != "image" || ct["name"] != "cover.png" {
		t.Errorf("content = %v", ct)
	}

	for _, step := range []struct {
		status string
		want   int
	}{{"live", 200}, {"live", 409}, {"paused", 200}, {"live", 200}, {"ended", 200}, {"live", 409}} {
		if st := a.api("POST", path(id, "/status"), map[string]string{"status": step.status}, nil); st != step.want {
			t.Errorf("-> %s: %d, want %d", step.status, st, step.want)
		}
	}
	if st := a.api("POST", path(id, "/links"), map[string]any{"count": 1}, nil); st != http.StatusConflict {
		t.Errorf("minting on an ended campaign: %d, want 409", st)
	}
}
