package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/sillage/sillage/web/accounts"
	"github.com/sillage/sillage/web/internal/httpx"
)

// requireAPIKey lets through requests with a live "Authorization: Bearer"
// API key.
func (h *Handler) requireAPIKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sillage"`)
			httpx.Error(w, http.StatusUnauthorized, "missing API key: send Authorization: Bearer <key>")
			return
		}
		if _, err := h.keys.Authenticate(r.Context(), strings.TrimSpace(key)); err != nil {
			if !errors.Is(err, accounts.ErrUnauthorized) {
				h.log.Error("authenticate", "err", err)
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="sillage", error="invalid_token"`)
			httpx.Error(w, http.StatusUnauthorized, "unknown or revoked API key")
			return
		}
		next.ServeHTTP(w, r)
	})
}
