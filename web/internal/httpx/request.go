package httpx

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"
)

type requestIDKey struct{}

// RequestID returns the id the server gave the request of ctx (also sent
// back as X-Request-Id), or "" outside a request.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// RouteOf is the pattern of the route that served r, such as
// /s/{token}/unlock, or "unmatched" when none did: never the path.
func RouteOf(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	return "unmatched"
}

// WithRequestID is ctx with the request id id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}
