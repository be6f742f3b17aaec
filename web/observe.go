package web

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/sillage/sillage/web/internal/httpx"
)

// RequestObserver is told about every request served, for the metrics
// (web/metrics implements it).
type RequestObserver interface {
	// ObserveRequest records one request: its route pattern (never the
	// path, which may hold a token), method, status and duration.
	ObserveRequest(route, method string, status int, took time.Duration)
}

// RequestID returns the id the server gave the request of ctx (also sent
// back as X-Request-Id), or "" outside a request.
func RequestID(ctx context.Context) string { return httpx.RequestID(ctx) }

// observe logs every request, one line once it is answered, and tells the
// metrics: route pattern, method, status, duration, bytes and a request
// id. It logs no path, query, address or body: a recipient's path holds
// their token.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := strconv.FormatUint(rand.Uint64(), 16)
		w.Header().Set("X-Request-Id", id)
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		r = r.WithContext(httpx.WithRequestID(r.Context(), id))
		defer func() {
			took := time.Since(start)
			status := ww.Status()
			if status == 0 { // nothing written: net/http answers 200
				status = http.StatusOK
			}
			route, method := httpx.RouteOf(r), methodOf(r)
			if s.cfg.Requests != nil {
				s.cfg.Requests.ObserveRequest(route, method, status, took)
			}
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("request_id", id),
				slog.String("method", method),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Duration("duration", took),
				slog.Int("bytes", ww.BytesWritten()))
		}()
		next.ServeHTTP(ww, r)
	})
}

// methodOf is r's method, or "other" for one the server has no route for:
// a client must not be able to make up label values.
func methodOf(r *http.Request) string {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return r.Method
	}
	return "other"
}
