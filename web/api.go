package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/accounts"
)

// maxJSONBody bounds every JSON request body.
const maxJSONBody = 1 << 20

// requireAPIKey lets through requests with a live "Authorization: Bearer"
// API key.
func (s *Server) requireAPIKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sillage"`)
			jsonError(w, http.StatusUnauthorized, "missing API key: send Authorization: Bearer <key>")
			return
		}
		if _, err := s.keys.Authenticate(r.Context(), strings.TrimSpace(key)); err != nil {
			if !errors.Is(err, accounts.ErrUnauthorized) {
				s.log.Error("authenticate", "err", err)
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="sillage", error="invalid_token"`)
			jsonError(w, http.StatusUnauthorized, "unknown or revoked API key")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// decodeJSON reads one JSON object into v, refusing unknown fields, wrong
// types, trailing data and bodies over maxJSONBody. Its errors are safe to
// show.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return errors.New("Content-Type must be application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		return jsonProblem(err)
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD.
	if !utf8.Valid(body) {
		return errors.New("invalid JSON: body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("invalid JSON: one object expected, found more data after it")
	}
	return nil
}

// jsonProblem says precisely what is wrong with a JSON body.
func jsonProblem(err error) error {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
		tooBig  *http.MaxBytesError
	)
	switch {
	case errors.Is(err, io.EOF):
		return errors.New("invalid JSON: empty body")
	case errors.As(err, &syntax):
		return fmt.Errorf("invalid JSON at byte %d: %v", syntax.Offset, err)
	case errors.As(err, &typeErr):
		return fmt.Errorf("invalid JSON: field %q must be %s, not %s", typeErr.Field, typeErr.Type, typeErr.Value)
	case errors.As(err, &tooBig):
		return fmt.Errorf("invalid JSON: body larger than %d bytes", maxJSONBody)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("invalid JSON: unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return fmt.Errorf("invalid JSON: %v", err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	retryLater(w, status)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.Encode(v)
}

func jsonError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// apiError maps a domain error to the API's status and message. This is
// the one place where API errors get their status codes.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	var (
		invalid  *campaign.ValidationError
		tooLarge *campaign.TooLargeError
		mismatch *campaign.MismatchError
	)
	switch {
	case errors.As(err, &invalid):
		jsonError(w, http.StatusUnprocessableEntity, invalid.Error())
	case errors.Is(err, notify.ErrInvalidRows):
		jsonError(w, http.StatusUnprocessableEntity, err.Error())
	case errors.Is(err, notify.ErrNotFound):
		jsonError(w, http.StatusNotFound, err.Error()) // "contact 7: not found"
	case errors.Is(err, campaign.ErrNotFound):
		jsonError(w, http.StatusNotFound, "campaign not found")
	case errors.Is(err, gating.ErrNotFound):
		jsonError(w, http.StatusNotFound, "link not found")
	case errors.Is(err, campaign.ErrTransition), errors.Is(err, campaign.ErrNoContent),
		errors.Is(err, campaign.ErrEnded):
		jsonError(w, http.StatusConflict, err.Error())
	case errors.As(err, &tooLarge):
		jsonError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("upload larger than the limit of %s (%d bytes)", sizeText(tooLarge.Limit), tooLarge.Limit))
	case errors.As(err, &mismatch):
		jsonError(w, http.StatusUnsupportedMediaType, mismatch.Error())
	case errors.Is(err, errContactFileTooLarge):
		jsonError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("contact file larger than the limit of %d bytes", s.cfg.MaxContactFile))
	case unavailable(err):
		s.logUnavailable(r, err)
		jsonError(w, http.StatusServiceUnavailable, "storage unavailable: nothing was saved, try again later")
	case errors.Is(err, os.ErrDeadlineExceeded):
		// The body came slower than its deadline (web/deadlines.go): the
		// client's doing, not a fault of the server.
		jsonError(w, http.StatusRequestTimeout, "request body too slow: it did not all come within the deadline")
	default:
		s.log.Error("api request", "method", r.Method, "route", routeOf(r), "request_id", RequestID(r.Context()), "err", err)
		jsonError(w, http.StatusInternalServerError, "internal error")
	}
}

// campaignID parses the {id} of the route; it writes a 404 and returns
// false for anything that is not a positive integer.
func campaignID(w http.ResponseWriter, r *http.Request) (campaign.ID, bool) {
	n, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || n <= 0 {
		jsonError(w, http.StatusNotFound, "campaign not found")
		return 0, false
	}
	return campaign.ID(n), true
}

// sizeText writes a size limit as people set it: "5 MiB", "64 KiB", or
// in bytes when it is not a whole number of either.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
