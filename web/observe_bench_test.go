package web_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"

	"github.com/sillage/sillage/web"
	"github.com/sillage/sillage/web/metrics"
)

// BenchmarkObserve measures what the request log line and the metrics add
// to the cheapest route, /healthz: "quiet" logs nothing (level above
// Info), "text" and "json" write each line to /dev/null through a real
// file, as to a redirected stdout; "metrics" adds the request metrics.
func BenchmarkObserve(b *testing.B) {
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devNull.Close()
	base, _ := url.Parse("http://sillage.test")
	for _, c := range []struct {
		name    string
		handler slog.Handler
		metrics bool
	}{
		{"quiet", slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}), false},
		{"text", slog.NewTextHandler(devNull, nil), false},
		{"json", slog.NewJSONHandler(devNull, nil), false},
		{"text+metrics", slog.NewTextHandler(devNull, nil), true},
	} {
		b.Run(c.name, func(b *testing.B) {
			cfg := web.Config{BaseURL: base, Logger: slog.New(c.handler)}
			if c.metrics {
				cfg.Requests = metrics.New(metrics.Sources{})
			}
			s, err := web.New(cfg, nil, nil, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			h := s.Handler()
			req := httptest.NewRequest("GET", "/healthz", nil)
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
