// Package metrics exposes Sillage's figures to Prometheus: the requests,
// each campaign's counters, the outbox, the group commits of the
// recipient's writes, the tree cache and the Go runtime.
//
// The domain packages know nothing of it: the request middleware
// (web.RequestObserver), the outbox worker (notify.WorkerConfig.Observe)
// and the writer (gating.Store.ObserveBatches) call it through hooks, and
// what lives in the database (campaign counters, the outbox's backlog) is
// read at scrape time, so every instance on one database reports the same.
package metrics

import (
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/storage"
	"github.com/sillage/sillage/notify"
)

// Metrics holds one server's registry; a nil *Metrics observes nothing.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	durations   *prometheus.HistogramVec
	sends       *prometheus.CounterVec
	batchSize   prometheus.Histogram
	batchWait   prometheus.Histogram
	batchCommit prometheus.Histogram
}

// New returns the metrics of one server, read from src at each scrape
// besides what the hooks count. Each call has a registry of its own.
func New(src Sources) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sillage_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sillage_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method"}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sillage_outbox_sends_total",
			Help: "Sends the outbox worker recorded, by channel and result (sent; kept by the development sender, not delivered; retry; failed).",
		}, []string{"channel", "result"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "sillage_write_batch_size",
			Help:    "Recipient writes (unlocks, forwards, previews) per group commit.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 8), // 1 to 128, the largest batch
		}),
		batchWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "sillage_write_batch_wait_seconds",
			Help:    "How long the oldest write of a group commit waited, queued, before the commit began.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 9), // 100µs to 6.5s
		}),
		batchCommit: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "sillage_write_batch_commit_seconds",
			Help:    "Time a group commit took, its writes and the commit.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 9),
		}),
	}
	for _, ch := range notify.Channels {
		for _, r := range []string{notify.SendSent, notify.SendKept, notify.SendRetry, notify.SendFailed} {
			m.sends.WithLabelValues(string(ch), r) // present at 0 before the first send
		}
	}
	m.reg.MustRegister(m.requests, m.durations, m.sends, m.batchSize, m.batchWait, m.batchCommit,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newDomain(src))
	if src.DB != nil {
		m.reg.MustRegister(
			collectors.NewDBStatsCollector(src.DB.Write, "write"),
			collectors.NewDBStatsCollector(src.DB.Read, "read"))
	}
	return m
}

// Sources are what New reads at each scrape; a nil field is left out.
type Sources struct {
	Counters CountersFunc            // campaign.Store.AllCounters
	Backlog  BacklogFunc             // notify.Store.Backlog
	Trees    func() gating.TreeStats // gating.Store.TreeStats
	DB       *storage.DB             // the connection pools' figures
}

// ObserveRequest counts one request; web.Config.Requests takes it.
func (m *Metrics) ObserveRequest(route, method string, status int, took time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.durations.WithLabelValues(route, method).Observe(took.Seconds())
}

// ObserveSend counts one send's result; notify.WorkerConfig.Observe takes
// it.
func (m *Metrics) ObserveSend(ch notify.Channel, result string) {
	if m == nil {
		return
	}
	m.sends.WithLabelValues(string(ch), result).Inc()
}

// ObserveBatch records one group commit; gating.Store.ObserveBatches
// takes it.
func (m *Metrics) ObserveBatch(b gating.Batch) {
	if m == nil {
		return
	}
	m.batchSize.Observe(float64(b.Size))
	m.batchWait.Observe(b.Wait.Seconds())
	m.batchCommit.Observe(b.Commit.Seconds())
}

// Handler serves the metrics in Prometheus' text format. With a token,
// only a request bearing it (Authorization: Bearer TOKEN) gets them; the
// others get 401. A source that fails leaves its figures out of the
// scrape, logged to log, and the others are served.
func (m *Metrics) Handler(token string, log *slog.Logger) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.reg, // counts its own errors in promhttp_metric_handler_errors_total
		Timeout:       30 * time.Second,
	})
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sillage metrics"`)
			http.Error(w, "metrics need the bearer token of SILLAGE_METRICS_TOKEN", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}
