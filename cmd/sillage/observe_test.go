package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// jsonLog collects the server's JSON log lines as they come.
type jsonLog struct {
	mu    sync.Mutex
	raw   bytes.Buffer
	lines []map[string]any
	bad   []string // lines that are not JSON
}

func (l *jsonLog) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var m map[string]any
		err := json.Unmarshal(sc.Bytes(), &m)
		l.mu.Lock()
		l.raw.Write(sc.Bytes())
		l.raw.WriteByte('\n')
		if err != nil {
			l.bad = append(l.bad, sc.Text())
		} else {
			l.lines = append(l.lines, m)
		}
		l.mu.Unlock()
	}
}

// field waits for a line whose msg is msg and returns its field key.
func (l *jsonLog) field(t *testing.T, msg, key string) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		l.mu.Lock()
		for _, m := range l.lines {
			if m["msg"] == msg {
				v, _ := m[key].(string)
				l.mu.Unlock()
				return v
			}
		}
		l.mu.Unlock()
	}
	t.Fatalf("no %q line in the log", msg)
	return ""
}

// serve -metrics-addr 127.0.0.1:0 -log-format json, end to end: the log
// is JSON line by line and says where /metrics listens; a scrape there
// shows the requests, the campaign's view and the send made through the
// public listener, which itself has no /metrics. No token, address or
// message body is in the log.
func TestServeMetricsAndJSONLog(t *testing.T) {
	dir := newDataDir(t)
	getenv := func(k string) string { return dataEnv(dir)[k] }
	var out bytes.Buffer
	if err := run(context.Background(), []string{"apikey", "create", "--name", "ci", "-create"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(out.String())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-metrics-addr", "127.0.0.1:0", "-log-format", "json"}, getenv, pw, io.Discard)
		pw.Close()
	}()
	log := &jsonLog{}
	logged := make(chan struct{})
	go func() { log.read(pr); close(logged) }()
	addr := log.field(t, "sillage listening", "addr")
	metricsURL := log.field(t, "metrics listening", "url")

	api := func(method, path, ct, body string) []byte {
		t.Helper()
		req, _ := http.NewRequest(method, addr+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", ct)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
		}
		return b
	}
	api("POST", "/api/v1/campaigns", "application/json", `{"title":"Clip"}`)
	api("PUT", "/api/v1/campaigns/1/content", "text/plain", "the secret exclusive")
	api("POST", "/api/v1/campaigns/1/status", "application/json", `{"status":"live"}`)
	var links struct{ Links []struct{ URL string } }
	json.Unmarshal(api("POST", "/api/v1/campaigns/1/links", "application/json", `{"count":1}`), &links)
	link := links.Links[0].URL
	jar, _ := cookiejar.New(nil)
	phone := &http.Client{Jar: jar}
	req, _ := http.NewRequest("POST", link+"/unlock", nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1")
	if res, err := phone.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("unlock: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	api("POST", "/api/v1/campaigns/1/contacts", "text/csv", "name,email\nJane,jane.doe@example.com\n")
	api("POST", "/api/v1/campaigns/1/sends", "application/json", "")

	if res, err := http.Get(addr + "/metrics"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /metrics on the public listener: %v %v, want 404", res, err)
	} else {
		res.Body.Close()
	}

	// The worker sends in the background: scrape until it did.
	var fams map[string]float64
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		fams = scrapeFlat(t, metricsURL)
		if fams[`sillage_outbox_sends_total{channel="email",result="kept"}`] == 1 || time.Now().After(deadline) {
			break
		}
	}
	for name, want := range map[string]float64{
		`sillage_outbox_sends_total{channel="email",result="kept"}`:                                       1,
		`sillage_campaign_views_total{campaign="1"}`:                                                      1,
		`sillage_http_requests_total{method="POST",route="/api/v1/campaigns",status="201"}`:               1,
		`sillage_http_requests_total{method="POST",route="/s/{token}/unlock",status="303"}`:               1,
		`sillage_http_request_duration_seconds_count{method="POST",route="/api/v1/campaigns/{id}/sends"}`: 1,
	} {
		if got := fams[name]; got != want {
			t.Errorf("%s = %g, want %g", name, got, want)
		}
	}
	for _, name := range []string{"go_goroutines", "sillage_write_batch_size_count", `sillage_tree_cache_trees`} {
		if _, ok := fams[name]; !ok {
			t.Errorf("the scrape lacks %s", name)
		}
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	<-logged
	log.mu.Lock()
	defer log.mu.Unlock()
	if len(log.bad) > 0 {
		t.Errorf("log lines that are not JSON: %q", log.bad)
	}
	raw := log.raw.String()
	token := strings.TrimPrefix(link, addr+"/s/")
	for _, secret := range []string{token, "jane.doe@example.com", "the secret exclusive"} {
		if strings.Contains(raw, secret) {
			t.Errorf("the log holds %q:\n%s", secret, raw)
		}
	}
	if !strings.Contains(raw, `"to":"j***@example.com"`) {
		t.Errorf("the development sender's line lacks the masked recipient:\n%s", raw)
	}
}

// scrapeFlat returns every sample of a scrape by name and labels, as
// name{label="value",...} with labels sorted; a histogram gives _count.
func scrapeFlat(t *testing.T, url string) map[string]float64 {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("parse %s: %v", url, err)
	}
	flat := map[string]float64{}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() { // sorted by name
				labels = append(labels, l.GetName()+`="`+l.GetValue()+`"`)
			}
			key := name
			if len(labels) > 0 {
				key += "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case m.Counter != nil:
				flat[key] = m.GetCounter().GetValue()
			case m.Gauge != nil:
				flat[key] = m.GetGauge().GetValue()
			case m.Untyped != nil:
				flat[key] = m.GetUntyped().GetValue()
			case m.Histogram != nil:
				countKey := name + "_count"
				if len(labels) > 0 {
					countKey += "{" + strings.Join(labels, ",") + "}"
				}
				flat[countKey] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return flat
}

// A bad log format, and a metrics address other hosts can reach without
// a token, are refused before anything starts.
func TestObserveFlags(t *testing.T) {
	for _, c := range []struct {
		name  string
		args  []string
		token string
		ok    bool
	}{
		{"BadLogFormat", []string{"-log-format", "xml"}, "", false},
		{"JSONLog", []string{"-log-format", "json"}, "", true},
		{"PublicNoToken", []string{"-metrics-addr", "0.0.0.0:9090"}, "", false},
		{"AnyHostNoToken", []string{"-metrics-addr", ":9090"}, "", false},
		{"NoPort", []string{"-metrics-addr", "127.0.0.1"}, "", false},
		{"PublicWithToken", []string{"-metrics-addr", "0.0.0.0:9090"}, "s3cret", true},
		{"Loopback", []string{"-metrics-addr", "127.0.0.1:9090"}, "", true},
		{"Localhost", []string{"-metrics-addr", "localhost:9090"}, "", true},
		{"IPv6Loopback", []string{"-metrics-addr", "[::1]:9090"}, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			getenv := func(k string) string { return map[string]string{"SILLAGE_METRICS_TOKEN": c.token}[k] }
			_, _, err := parseConfig(serveSpec, c.args, getenv, io.Discard, io.Discard)
			if (err == nil) != c.ok {
				t.Errorf("parseConfig(%q) with token %q: error %v, want success %v", c.args, c.token, err, c.ok)
			}
		})
	}
}
