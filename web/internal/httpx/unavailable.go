package httpx

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/migrations/storage"
)

// retryAfter is how long a client is told to wait when the store cannot
// write: long enough for an operator's alert to be seen, short enough that
// a person retrying by hand finds it working again.
const retryAfter = 30 // seconds

// Unavailable reports whether err says the store cannot write right now
// (its disk is full or failing) or is shutting down: the request may
// succeed later and nothing of it was saved. The error pages answer it
// with 503 and Retry-After.
func Unavailable(err error) bool {
	return storage.Unwritable(err) || errors.Is(err, gating.ErrClosed)
}

// RetryLater adds Retry-After to every 503 the server writes.
func RetryLater(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	}
}

// LogUnavailable tells the operator that a request could not be saved.
func LogUnavailable(log *slog.Logger, r *http.Request, err error) {
	log.Error("cannot write: request refused with 503", "method", r.Method, "route", RouteOf(r), "request_id", RequestID(r.Context()), "err", err)
}
