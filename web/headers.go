package web

import (
	"net/http"
	"strings"
)

// contentSecurityPolicy lets pages load only from this origin. Forms may
// land on the messaging apps: a forward without JavaScript redirects there.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; media-src 'self'; connect-src 'self'; " +
	"form-action 'self' https://wa.me sms: mailto:; frame-ancestors 'none'; base-uri 'none'"

// securityPolicy is contentSecurityPolicy letting media and images load
// from origin too, where signed media redirects lead (MediaRedirect); ""
// adds nothing.
func securityPolicy(origin string) string {
	if origin == "" {
		return contentSecurityPolicy
	}
	p := strings.Replace(contentSecurityPolicy, "img-src 'self'", "img-src 'self' "+origin, 1)
	return strings.Replace(p, "media-src 'self'", "media-src 'self' "+origin, 1)
}

// securityHeaders sets the headers every response carries. No-referrer
// matters most: a token in the address must not leak to another site.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", s.csp)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}
