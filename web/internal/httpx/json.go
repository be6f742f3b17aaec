package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// MaxJSONBody bounds every JSON request body.
const MaxJSONBody = 1 << 20

// WantsJSON reports whether a script asked for JSON rather than a page.
func WantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// DecodeJSON reads one JSON object into v, refusing unknown fields, wrong
// types, trailing data and bodies over MaxJSONBody. Its errors are safe to
// show.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return errors.New("Content-Type must be application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxJSONBody))
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
		return fmt.Errorf("invalid JSON: body larger than %d bytes", MaxJSONBody)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("invalid JSON: unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return fmt.Errorf("invalid JSON: %v", err)
}

// WriteJSON writes v as the JSON response, never cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	RetryLater(w, status)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.Encode(v)
}

// Error writes {"error": msg}.
func Error(w http.ResponseWriter, status int, msg string) {
	WriteJSON(w, status, map[string]string{"error": msg})
}
