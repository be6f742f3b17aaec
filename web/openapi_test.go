package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/sillage/sillage/web"
)

// apiPrefix is where the API lives, the document's one server.
const apiPrefix = "/api/v1"

// apiDoc is the OpenAPI document (web/api/openapi.json), loaded and checked
// once, with a router to find the operation of a request.
type apiDoc struct {
	doc    *openapi3.T
	router routers.Router
}

var loadAPIDoc = sync.OnceValues(func() (*apiDoc, error) {
	data, err := os.ReadFile("api/openapi.json")
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("router: %w", err)
	}
	return &apiDoc{doc: doc, router: router}, nil
})

func openAPIDoc(tb testing.TB) *apiDoc {
	tb.Helper()
	d, err := loadAPIDoc()
	if err != nil {
		tb.Fatalf("web/api/openapi.json: %v", err)
	}
	return d
}

// The document is OpenAPI 3.1 that loads and validates, and the server
// serves it as it is to anyone, without a key.
func TestOpenAPIDocument(t *testing.T) {
	d := openAPIDoc(t)
	if got, want := d.doc.OpenAPI, "3.1.0"; got != want {
		t.Errorf("openapi: %q, want %q", got, want)
	}
	a := newApp(t, 1<<20)
	req, _ := http.NewRequest("GET", a.srv.URL+apiPrefix+"/openapi.json", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	served, _ := io.ReadAll(res.Body)
	file, _ := os.ReadFile("api/openapi.json")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/json" || !bytes.Equal(served, file) {
		t.Errorf("GET /api/v1/openapi.json without a key: %d %q, %d bytes; want 200, application/json, the %d bytes of web/api/openapi.json",
			res.StatusCode, res.Header.Get("Content-Type"), len(served), len(file))
	}
}

// Every route of the router under /api/v1 is documented with its method
// and path, and every documented operation is a route of the router.
func TestOpenAPIRoutes(t *testing.T) {
	d := openAPIDoc(t)
	dash := newDash(t)
	routes, err := web.Routes(dash.server)
	if err != nil {
		t.Fatal(err)
	}
	var served []string
	for _, rt := range routes {
		path, ok := strings.CutPrefix(rt[1], apiPrefix)
		if !ok {
			continue
		}
		// chi writes a subrouter's own route "/campaigns/{id}/".
		if len(path) > 1 {
			path = strings.TrimSuffix(path, "/")
		}
		served = append(served, rt[0]+" "+path)
	}
	var documented []string
	for path, item := range d.doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	for _, op := range served {
		if !slices.Contains(documented, op) {
			t.Errorf("%s is a route of the router, missing from web/api/openapi.json", op)
		}
	}
	for _, op := range documented {
		if !slices.Contains(served, op) {
			t.Errorf("%s is in web/api/openapi.json, not a route of the router", op)
		}
	}
	if len(served) < 25 {
		t.Errorf("the router has %d API routes: the walk missed some", len(served))
	}
}

// The README's API table and the document list the same operations, and
// every status the table names for an operation is documented for it.
func TestOpenAPIReadme(t *testing.T) {
	d := openAPIDoc(t)
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "\n## The marketer's API\n")
	section, _, _ = strings.Cut(section, "\n#")
	row := regexp.MustCompile("(?m)^\\| `([A-Z]+) (/[^`]*)` \\|(.*)$")
	status := regexp.MustCompile("`([1-5][0-9][0-9])\\b")
	listed := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		method, path := m[1], m[2]
		listed[method+" "+path] = true
		item := d.doc.Paths.Value(path)
		if item == nil || item.GetOperation(method) == nil {
			t.Errorf("README lists %s %s, missing from web/api/openapi.json", method, path)
			continue
		}
		for _, code := range status.FindAllStringSubmatch(m[3], -1) {
			if item.GetOperation(method).Responses.Value(code[1]) == nil {
				t.Errorf("README: %s %s answers %s, missing from web/api/openapi.json", method, path, code[1])
			}
		}
	}
	if len(listed) < 25 {
		t.Errorf("read %d operations in the README's API table: the parse missed some", len(listed))
	}
	for path, item := range d.doc.Paths.Map() {
		for method := range item.Operations() {
			if !listed[method+" "+path] {
				t.Errorf("web/api/openapi.json has %s %s, missing from the README's API table", method, path)
			}
		}
	}
}

// The check that conform runs tells a documented answer from one with
// an undocumented status, Content-Type or field, or a wrong type.
func TestOpenAPICheckRefuses(t *testing.T) {
	d := openAPIDoc(t)
	const alerts = `{"guessing_bursts": 0, "limited_unlocks": 2, "since": "2026-11-23T20:00:00Z"}`
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		ok                      bool
	}{
		{"Documented", "application/json", alerts, 200, true},
		{"UndocumentedStatus", "application/json", `{"error": "no"}`, 500, false},
		{"UndocumentedType", "text/html", "<p>hi</p>", 200, false},
		{"UndocumentedField", "application/json", `{"guessing_bursts": 0, "limited_unlocks": 2, "since": "2026-11-23T20:00:00Z", "extra": 1}`, 200, false},
		{"MissingField", "application/json", `{"guessing_bursts": 0, "since": "2026-11-23T20:00:00Z"}`, 200, false},
		{"WrongType", "application/json", `{"guessing_bursts": "none", "limited_unlocks": 2, "since": "2026-11-23T20:00:00Z"}`, 200, false},
		{"ErrorWithoutMessage", "application/json", `{}`, 401, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", apiPrefix+"/alerts", nil)
			rec := &answerRecorder{ResponseWriter: httptest.NewRecorder()}
			rec.Header().Set("Content-Type", tc.contentType)
			if tc.status == 401 {
				rec.Header().Set("WWW-Authenticate", "Bearer")
			}
			rec.WriteHeader(tc.status)
			rec.Write([]byte(tc.body))
			err := d.check(r, nil, rec)
			if got, want := err == nil, tc.ok; got != want {
				t.Errorf("%d %s %s: check says %v, want ok %v", tc.status, tc.contentType, tc.body, err, want)
			}
		})
	}
	// A compressed answer is checked as the client reads it.
	for _, tc := range []struct {
		name, body string
		ok         bool
	}{
		{"DocumentedGzip", alerts, true},
		{"UndocumentedFieldGzip", `{"guessing_bursts": 0, "limited_unlocks": 2, "since": "2026-11-23T20:00:00Z", "extra": 1}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var zipped bytes.Buffer
			zw := gzip.NewWriter(&zipped)
			zw.Write([]byte(tc.body))
			zw.Close()
			rec := &answerRecorder{ResponseWriter: httptest.NewRecorder()}
			rec.Header().Set("Content-Type", "application/json")
			rec.Header().Set("Content-Encoding", "gzip")
			rec.Write(zipped.Bytes())
			err := d.check(httptest.NewRequest("GET", apiPrefix+"/alerts", nil), nil, rec)
			if got, want := err == nil, tc.ok; got != want {
				t.Errorf("gzip %s: check says %v, want ok %v", tc.body, err, want)
			}
		})
	}
	// A request the API accepted must be one the document allows.
	for _, tc := range []struct {
		name, target, body string
		ok                 bool
	}{
		{"DocumentedRequest", "/templates/email/fr", `{"text": "{{.Link}}"}`, true},
		{"UndocumentedBodyField", "/templates/email/fr", `{"text": "{{.Link}}", "footer": "x"}`, false},
		{"UndocumentedPathValue", "/templates/telegram/fr", `{"text": "{{.Link}}"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("PUT", apiPrefix+"/campaigns/1"+tc.target, strings.NewReader(tc.body))
			r.Header.Set("Content-Type", "application/json")
			rec := &answerRecorder{ResponseWriter: httptest.NewRecorder()}
			rec.Header().Set("Content-Type", "application/json")
			rec.Write([]byte(`{"channel": "email", "language": "fr", "text": "{{.Link}}", "default": false}`))
			err := d.check(r, []byte(tc.body), rec)
			if got, want := err == nil, tc.ok; got != want {
				t.Errorf("PUT %s %s answered 200: check says %v, want ok %v", tc.target, tc.body, err, want)
			}
		})
	}
}

// conform wraps an application's handler so that every answer it gives
// under /api/v1, in any test, is checked against the OpenAPI document:
// its status must be documented for the operation, its Content-Type and
// its body must match the documented ones; and a request the API
// accepted (2xx) must match the documented parameters and, for JSON, the
// documented body. A route the document does not know is
// TestOpenAPIRoutes' to report.
func conform(t *testing.T, h http.Handler) http.Handler {
	d := openAPIDoc(t)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, apiPrefix+"/") {
			h.ServeHTTP(w, r)
			return
		}
		var body bytes.Buffer // what the handler read of the request's body
		// http.NoBody stays itself: limitBody (web/deadlines.go) sets no
		// read deadline on it, which would cancel the request's context.
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.TeeReader(r.Body, &body), r.Body}
		}
		rec := &answerRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if err := d.check(r, body.Bytes(), rec); err != nil {
			t.Errorf("OpenAPI: %s %s answered %d: %v", r.Method, r.URL.RequestURI(), rec.status(), err)
		}
	})
}

// check validates one exchange against the document: the answer rec, and
// the request r with its body when the answer accepted it.
func (d *apiDoc) check(r *http.Request, body []byte, rec *answerRecorder) error {
	route, params, err := d.router.FindRoute(r)
	if errors.Is(err, routers.ErrPathNotFound) || errors.Is(err, routers.ErrMethodNotAllowed) {
		return nil
	}
	if err != nil {
		return err
	}
	if rec.status() < 300 {
		req := r.Clone(context.Background())
		req.Body = io.NopCloser(bytes.NewReader(body))
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{
				AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
				// Files are checked by the handlers' sniffing; JSON here.
				ExcludeRequestBody: !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"),
				MultiError:         true,
			}}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			return fmt.Errorf("accepted a request the document refuses: %w", err)
		}
	}
	return d.checkAnswer(r, route, params, rec)
}

// checkAnswer validates an answer to r, a request for route.
func (d *apiDoc) checkAnswer(r *http.Request, route *routers.Route, params map[string]string, rec *answerRecorder) error {
	body := rec.body.Bytes()
	header := rec.Header().Clone()
	if header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("gzip body: %w", err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			return fmt.Errorf("gzip body: %w", err)
		}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 rec.status(),
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// answerRecorder passes an answer through and keeps a copy of its status
// and body. Unwrap lets the handlers' http.ResponseController reach the
// connection (deadlines, flushes).
type answerRecorder struct {
	http.ResponseWriter
	code int
	body bytes.Buffer
}

func (rec *answerRecorder) WriteHeader(code int) {
	if rec.code == 0 {
		rec.code = code
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *answerRecorder) Write(p []byte) (int, error) {
	if rec.code == 0 {
		rec.code = http.StatusOK
	}
	rec.body.Write(p)
	return rec.ResponseWriter.Write(p)
}

func (rec *answerRecorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

func (rec *answerRecorder) status() int {
	if rec.code == 0 {
		return http.StatusOK
	}
	return rec.code
}
