package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/sillage/sillage/web/metrics"
)

// newLogger writes the server's log as text or, for a log collector, as
// one JSON object per line (-log-format).
func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// checkMetricsAddr accepts where -metrics-addr listens: a loopback
// address needs nothing more; any other needs a token, which Prometheus
// sends as a bearer token, for figures per campaign are the marketer's
// business and a scraper often sits on another host.
func checkMetricsAddr(addr, token string) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("metrics address %q: want host:port, such as 127.0.0.1:9090", addr)
	}
	if ip := net.ParseIP(host); (ip == nil || !ip.IsLoopback()) && host != "localhost" && token == "" {
		return fmt.Errorf("metrics address %q is not a loopback one: set SILLAGE_METRICS_TOKEN, the bearer token Prometheus must send, or listen on 127.0.0.1", addr)
	}
	return nil
}

// serveMetrics serves m's /metrics on an address of its own, never on the
// public one, asking for token when there is one.
func serveMetrics(addr, token string, m *metrics.Metrics, log *slog.Logger) (stop func(), err error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler(token, log))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.Serve(ln)
	// "url", not "addr": tests and scripts read the server's own address
	// from the first addr= of the log.
	log.Info("metrics listening", "url", "http://"+ln.Addr().String()+"/metrics", "token", token != "")
	return func() { s.Close() }, nil
}
