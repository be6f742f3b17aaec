package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/storage"
)

// retryAfter is how long a client is told to wait when the store cannot
// write: long enough for an operator's alert to be seen, short enough that
// a person retrying by hand finds it working again.
const retryAfter = 30 // seconds

// unavailable reports whether err says the store cannot write right now
// (its disk is full or failing) or is shutting down: the request may
// succeed later and nothing of it was saved. The error pages answer it
// with 503 and Retry-After.
func unavailable(err error) bool {
	return storage.Unwritable(err) || errors.Is(err, gating.ErrClosed)
}

// retryLater adds Retry-After to every 503 the server writes.
func retryLater(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	}
}

// logUnavailable tells the operator that a request could not be saved.
func (s *Server) logUnavailable(r *http.Request, err error) {
	s.log.Error("cannot write: request refused with 503", "method", r.Method, "route", routeOf(r), "request_id", RequestID(r.Context()), "err", err)
}

// handleReady answers GET /readyz: 200 while the store can take writes,
// 503 while it cannot (a full or failing disk), for a load balancer or an
// orchestrator to stop sending traffic without restarting the server.
// /healthz stays the liveness check: reads keep being served.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(r.Context()); err != nil {
			s.log.Warn("not ready", "err", err)
			retryLater(w, http.StatusServiceUnavailable)
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("cannot write\n"))
			return
		}
	}
	w.Write([]byte("ok\n"))
}
