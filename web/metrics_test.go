package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web"
	"github.com/sillage/sillage/web/metrics"
)

// scrape is one parsed answer of /metrics.
type scrape map[string]*dto.MetricFamily

// value is the sample of family name whose labels include labels (pairs
// of name and value), summed over the samples that match; 0 when none
// does. For a histogram it is the count of observations.
func (s scrape) value(name string, labels ...string) float64 {
	f := s[name]
	if f == nil {
		return 0
	}
	var sum float64
samples:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue samples
			}
		}
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Histogram != nil:
			sum += float64(m.GetHistogram().GetSampleCount())
		case m.Untyped != nil:
			sum += m.GetUntyped().GetValue()
		}
	}
	return sum
}

func scrapeMetrics(t *testing.T, url string) scrape {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, b)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("parse the scrape: %v", err)
	}
	return fams
}

// A scrape after an unlock, a refusal, a forward, a preview, a send and a
// few API calls shows each figure moved by what was done.
func TestMetricsMove(t *testing.T) {
	var gate *gating.Store
	var m *metrics.Metrics
	a := newAppGate(t, 1<<20, func(g web.Gate) web.Gate {
		gate = g.(*gating.Store)
		return g
	}, func(c *web.Config) {
		// The server is built after its options: m is set below, before
		// the first request.
		c.Requests = requestsOf(&m)
	})
	m = metrics.New(metrics.Sources{
		Counters: campaign.NewStore(a.db, t.TempDir(), time.Now).AllCounters,
		Backlog:  a.notify.Backlog,
		Trees:    gate.TreeStats,
		DB:       a.db,
	})
	gate.ObserveBatches(m.ObserveBatch)
	scrapeSrv := httptest.NewServer(m.Handler("", slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer scrapeSrv.Close()

	id := a.launch(nil, "text/plain", []byte("the exclusive"))
	c := strconv.FormatInt(id, 10)
	if st, _ := a.importContacts(id, "text/csv", "", "name,email\nAnn,ann@example.com\nBob,bob@example.com\n"); st != http.StatusCreated {
		t.Fatalf("import contacts: %d", st)
	}
	link := a.seeds(id, 1, 1)[0]
	before := scrapeMetrics(t, scrapeSrv.URL)

	p := newPhone(t, androidChrome)
	if res, _ := p.unlock(link); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock: %d", res.StatusCode)
	}
	if res, _ := newPhone(t, iPhoneSafari).unlock(link); res.StatusCode < 400 {
		t.Fatalf("a second phone on a 1-seat link: %d, want a refusal", res.StatusCode)
	}
	if st, _, _ := p.forward(link, "whatsapp"); st != http.StatusOK && st != http.StatusCreated {
		t.Fatalf("forward: %d", st)
	}
	newPhone(t, "WhatsApp/2.23.20.0 A").get(link)
	if st := a.api("POST", path(id, "/sends"), nil, nil); st != http.StatusAccepted {
		t.Fatalf("send: %d", st)
	}
	senders, err := notify.NewSenders(notify.SendersConfig{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	queued := scrapeMetrics(t, scrapeSrv.URL)
	if err := a.notify.NewWorker(senders, notify.WorkerConfig{Observe: m.ObserveSend}).Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	a.stats(id) // reads the tree into memory
	after := scrapeMetrics(t, scrapeSrv.URL)

	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"sillage_campaign_views_total", []string{"campaign", c}, 1},
		{"sillage_campaign_refusals_total", []string{"campaign", c}, 1},
		{"sillage_campaign_forwards_total", []string{"campaign", c, "channel", "whatsapp"}, 1},
		{"sillage_campaign_previews_total", []string{"campaign", c}, 1},
		{"sillage_outbox_sends_total", []string{"channel", "email", "result", "kept"}, 2}, // the development sender: nothing left
		{"sillage_http_requests_total", []string{"route", "/s/{token}/unlock", "method", "POST", "status", "303"}, 1},
		{"sillage_http_requests_total", []string{"route", "/s/{token}/forward", "method", "POST"}, 1},
		{"sillage_http_requests_total", []string{"route", "/s/{token}", "method", "GET", "status", "200"}, 1}, // the preview
		{"sillage_http_requests_total", []string{"route", "/s/{token}/unlock", "method", "POST", "status", "409"}, 1},
		{"sillage_http_requests_total", []string{"route", "/api/v1/campaigns/{id}/sends", "method", "POST", "status", "202"}, 1},
		{"sillage_http_request_duration_seconds", []string{"route", "/s/{token}/unlock", "method", "POST"}, 2},
		{"sillage_tree_cache_trees", nil, 1},
		{"sillage_tree_cache_claims", nil, 1},
	} {
		if got := after.value(c.name, c.labels...) - before.value(c.name, c.labels...); got != c.want {
			t.Errorf("%s%v moved by %g, want %g", c.name, c.labels, got, c.want)
		}
	}
	if got := queued.value("sillage_outbox_messages", "channel", "email", "status", "queued"); got != 2 {
		t.Errorf("outbox backlog of email before the worker ran: %g, want 2", got)
	}
	if got := after.value("sillage_outbox_messages", "channel", "email", "status", "queued"); got != 0 {
		t.Errorf("outbox backlog of email once sent: %g, want 0", got)
	}
	// Unlocks, the refusal, the forward and the preview went through group
	// commits.
	if got := after.value("sillage_write_batch_size") - before.value("sillage_write_batch_size"); got < 1 {
		t.Errorf("%g group commits observed, want at least 1", got)
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "go_sql_open_connections"} {
		if after[name] == nil {
			t.Errorf("the scrape lacks %s", name)
		}
	}
	for name, f := range after {
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if strings.Contains(l.GetValue(), strings.TrimPrefix(link, a.srv.URL+"/s/")) {
					t.Errorf("%s has a label holding the token: %s", name, l.GetValue())
				}
			}
		}
	}
}

// requestsOf lets the server's observer be set once the stores it reads
// exist.
func requestsOf(m **metrics.Metrics) web.RequestObserver { return lateObserver{m} }

type lateObserver struct{ m **metrics.Metrics }

func (o lateObserver) ObserveRequest(route, method string, status int, took time.Duration) {
	(*o.m).ObserveRequest(route, method, status, took)
}

// With a token, /metrics answers 401 to a scrape without it.
func TestMetricsToken(t *testing.T) {
	m := metrics.New(metrics.Sources{})
	srv := httptest.NewServer(m.Handler("s3cret", slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	for _, c := range []struct {
		auth string
		want int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer wrong", http.StatusUnauthorized},
		{"Bearer s3cret", http.StatusOK},
	} {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Errorf("Authorization %q: %d, want %d", c.auth, res.StatusCode, c.want)
		}
		if c.want == http.StatusOK && !strings.Contains(string(body), "go_goroutines") {
			t.Errorf("Authorization %q: no Go runtime figures in\n%.300s", c.auth, body)
		}
	}
}
