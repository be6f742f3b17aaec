package httpx

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/notify"
)

// ErrContactFileTooLarge is a contact file over its limit.
var ErrContactFileTooLarge = errors.New("contact file too large")

// Errors writes the JSON answer to a domain error.
type Errors struct {
	Log            *slog.Logger
	MaxContactFile int64 // the contact files' limit, for their message
}

// JSON maps a domain error to its status and message, as JSON. This is
// the one place where errors get their status codes for the API, the
// dashboard's scripts and the providers' callbacks.
func (e Errors) JSON(w http.ResponseWriter, r *http.Request, err error) {
	var (
		invalid  *campaign.ValidationError
		tooLarge *campaign.TooLargeError
		mismatch *campaign.MismatchError
	)
	switch {
	case errors.As(err, &invalid):
		Error(w, http.StatusUnprocessableEntity, invalid.Error())
	case errors.Is(err, notify.ErrInvalidRows):
		Error(w, http.StatusUnprocessableEntity, err.Error())
	case errors.Is(err, notify.ErrNotFound):
		Error(w, http.StatusNotFound, err.Error()) // "contact 7: not found"
	case errors.Is(err, campaign.ErrNotFound):
		Error(w, http.StatusNotFound, "campaign not found")
	case errors.Is(err, gating.ErrNotFound):
		Error(w, http.StatusNotFound, "link not found")
	case errors.Is(err, campaign.ErrTransition), errors.Is(err, campaign.ErrNoContent),
		errors.Is(err, campaign.ErrEnded):
		Error(w, http.StatusConflict, err.Error())
	case errors.As(err, &tooLarge):
		Error(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("upload larger than the limit of %s (%d bytes)", SizeText(tooLarge.Limit), tooLarge.Limit))
	case errors.As(err, &mismatch):
		Error(w, http.StatusUnsupportedMediaType, mismatch.Error())
	case errors.Is(err, ErrContactFileTooLarge):
		Error(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("contact file larger than the limit of %d bytes", e.MaxContactFile))
	case Unavailable(err):
		LogUnavailable(e.Log, r, err)
		Error(w, http.StatusServiceUnavailable, "storage unavailable: nothing was saved, try again later")
	case errors.Is(err, os.ErrDeadlineExceeded):
		// The body came slower than its deadline (web/deadlines.go): the
		// client's doing, not a fault of the server.
		Error(w, http.StatusRequestTimeout, "request body too slow: it did not all come within the deadline")
	default:
		e.Log.Error("api request", "method", r.Method, "route", RouteOf(r), "request_id", RequestID(r.Context()), "err", err)
		Error(w, http.StatusInternalServerError, "internal error")
	}
}

// SizeText writes a size limit as people set it: "5 MiB", "64 KiB", or
// in bytes when it is not a whole number of either.
func SizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
