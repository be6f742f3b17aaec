package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/web/accounts"
	"github.com/sillage/sillage/web/internal/httpx"
)

// requireAPIKey lets through requests with a live "Authorization: Bearer"
// API key.
func (s *Server) requireAPIKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sillage"`)
			httpx.Error(w, http.StatusUnauthorized, "missing API key: send Authorization: Bearer <key>")
			return
		}
		if _, err := s.keys.Authenticate(r.Context(), strings.TrimSpace(key)); err != nil {
			if !errors.Is(err, accounts.ErrUnauthorized) {
				s.log.Error("authenticate", "err", err)
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="sillage", error="invalid_token"`)
			httpx.Error(w, http.StatusUnauthorized, "unknown or revoked API key")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// campaignID parses the {id} of the route; it writes a 404 and returns
// false for anything that is not a positive integer.
func campaignID(w http.ResponseWriter, r *http.Request) (campaign.ID, bool) {
	n, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || n <= 0 {
		httpx.Error(w, http.StatusNotFound, "campaign not found")
		return 0, false
	}
	return campaign.ID(n), true
}
